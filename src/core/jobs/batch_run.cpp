// The batch worker pool: every job of a manifest through run_job (job.hpp), with an observer
// that appends each transition to the state file (compacted before and after the run); intents
// are saved before a create is sent and resolved on a rerun.
#include "common/unix_time.hpp"

#include <sora/batch.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

namespace sora {
namespace {

namespace fs = std::filesystem;

bool settled(const BatchJobState& s) {
  return s.status == BatchStatus::failed || s.status == BatchStatus::refused;
}

BatchStatus status_for(const Error& e) {
  if (e.code == ErrorCode::job_failed || e.code == ErrorCode::cancelled) return BatchStatus::failed;
  if (e.code == ErrorCode::moderation) return BatchStatus::refused;
  return BatchStatus::error;
}

Error error_of(ErrorCode code, std::string message) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  return e;
}

class BatchRun;

// Keeps one job's state in step with its pipeline and forwards every event to the caller.
class StateObserver final : public JobObserver {
public:
  StateObserver(BatchRun& run, const BatchJob& job, std::string fingerprint)
      : m_run(run), m_job(job), m_fingerprint(std::move(fingerprint)) {}
  Result<void> on_event(const JobEvent& event) override;

private:
  BatchRun& m_run;
  const BatchJob& m_job;
  std::string m_fingerprint;
};

class BatchRun {
public:
  BatchRun(const ClientConfig& config, const std::vector<BatchJob>& jobs, BatchState& state,
           const BatchOptions& options)
      : m_config(config), m_jobs(jobs), m_state(state), m_options(options) {
    if (!m_config.throttle) m_config.throttle = std::make_shared<Throttle>();
    for (const auto& job : jobs)
      m_by_label[job.label] = &job;
  }

  Result<BatchReport> run() {
    if (auto ok = plan(); !ok) return unexpected(ok.error());
    for (int round = 0; round < rounds(); ++round) {
      run_round(round);
      if (cancelled()) break;
    }
    return report();
  }

  // Records a job's state: in memory and the caller told under the lock, then one line appended
  // to the state file (fsynced when `durable`) outside it, so workers' fsyncs overlap. A job's
  // transitions all come from the worker running it, so its lines stay in order.
  Result<void> update(const BatchJobState& s, bool durable = false) {
    {
      std::lock_guard lock(m_mutex);
      m_state.jobs()[s.label] = s;
      if (m_options.on_change) m_options.on_change(s);
    }
    return m_state.append(s, durable);
  }
  BatchJobState snapshot(const std::string& label) {
    std::lock_guard lock(m_mutex);
    return m_state.jobs()[label];
  }
  // A job's write test passed in `folder` (it reached its intent) or it saved its file there: the
  // later jobs of the run skip the test, which creates and removes a file (on some file systems
  // each removed file makes every later file creation in the folder slower, for minutes).
  void written_in(const fs::path& folder) {
    std::lock_guard lock(m_mutex);
    m_writable.insert(folder);
  }
  bool writable(const fs::path& folder) {
    std::lock_guard lock(m_mutex);
    return m_writable.contains(folder);
  }
  // Not serialised: the caller's fsync of an intent overlaps with other workers' (one at a time,
  // they would cost a whole disk flush per job, one after another).
  Result<void> forward(const JobEvent& event) {
    if (!m_options.on_event) return {};
    return m_options.on_event(event);
  }

private:
  ClientConfig m_config;
  const std::vector<BatchJob>& m_jobs;
  BatchState& m_state;
  const BatchOptions& m_options;
  std::map<std::string, const BatchJob*> m_by_label;
  std::map<std::string, int> m_depth;
  std::vector<bool> m_todo;
  std::vector<std::string> m_changed;
  std::set<std::string> m_redo;
  std::set<fs::path> m_writable;
  std::mutex m_mutex; // guards the state map, m_writable and on_change (appends need no lock)

  bool cancelled() const { return m_config.cancel && m_config.cancel->load(); }

  // Each job's starting point from earlier runs: done, settled, changed, or to run.
  Result<void> plan() {
    std::set<std::string> changed;
    for (const auto& label : changed_jobs(m_jobs, m_state))
      changed.insert(label);
    m_todo.assign(m_jobs.size(), true);
    std::lock_guard lock(m_mutex);
    for (std::size_t i = 0; i < m_jobs.size(); ++i) {
      const BatchJob& job = m_jobs[i];
      BatchJobState s = m_state.jobs()[job.label];
      s.label = job.label;
      s.output = job.output.string();
      std::error_code ec;
      bool done = s.status == BatchStatus::downloaded && fs::exists(job.output, ec);
      bool redo = changed.contains(job.label) && m_options.rerun_changed;
      if (changed.contains(job.label) && !redo) m_changed.push_back(job.label);
      if (!redo && (done || (settled(s) && !m_options.retry_failed))) {
        m_todo[i] = false;
        m_state.jobs()[job.label].from_earlier_run = true;
        continue;
      }
      if (redo) m_redo.insert(job.label);   // its earlier output (this batch's) is replaced
      if (redo || settled(s)) s = fresh(s); // a new job; the old one stays as it is on the server
      m_state.jobs()[job.label] = s;
    }
    return m_state.save();
  }

  static BatchJobState fresh(const BatchJobState& old) {
    BatchJobState s;
    s.label = old.label;
    s.output = old.output;
    return s;
  }

  int depth_of(const BatchJob& job) {
    if (!job.remix_of || !m_by_label.contains(*job.remix_of)) return 0;
    if (auto it = m_depth.find(job.label); it != m_depth.end()) return it->second;
    return m_depth[job.label] = 1 + depth_of(*m_by_label[*job.remix_of]);
  }
  // Jobs that remix another job of the manifest run in a later round than that job.
  int rounds() {
    int n = 0;
    for (const auto& job : m_jobs)
      n = std::max(n, depth_of(job) + 1);
    return n;
  }

  void run_round(int round) {
    std::deque<const BatchJob*> queue;
    for (std::size_t i = 0; i < m_jobs.size(); ++i)
      if (m_todo[i] && depth_of(m_jobs[i]) == round) queue.push_back(&m_jobs[i]);
    std::mutex queue_mutex;
    int workers = std::max(1, std::min<int>(m_options.concurrency, static_cast<int>(queue.size())));
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w)
      threads.emplace_back([&] {
        Client client(m_config);
        while (!cancelled()) {
          const BatchJob* job = nullptr;
          {
            std::lock_guard lock(queue_mutex);
            if (queue.empty()) return;
            job = queue.front();
            queue.pop_front();
          }
          process(client, *job);
        }
      });
    for (auto& t : threads)
      t.join();
  }

  void fail(BatchJobState s, const Error& e) {
    s.error = e.message;
    s.error_kind = std::string(to_string(e.code));
    s.exit_code = 0;
    // A job that completed keeps its status: only the download needs another go.
    if (s.status != BatchStatus::completed || s.video_id.empty()) s.status = status_for(e);
    (void)update(s);
  }

  // A create an earlier run may have sent (a key, no id): find it before sending anything.
  // False when the job must not be sent again; `s` then holds the found job or the failure.
  bool resolve_intent(Client& client, const BatchJob& job, BatchJobState& s) {
    auto found = find_created_job(client, job.request.prompt, s.intent_time);
    if (found && *found) {
      s.video_id = (*found)->id;
      s.status = BatchStatus::created;
      s.error.clear();
      s.error_kind.clear();
      (void)update(s, true);
      return true;
    }
    if (found || m_options.retry_failed) return true; // not there: resent with the same key
    fail(s, error_of(ErrorCode::unsupported,
                     "An earlier run may have created this job (Idempotency-Key " +
                         s.idempotency_key + ") and the server cannot list jobs to check (" +
                         found.error().message + "); it is not sent again."));
    return false;
  }

  // What to run: the manifest line as a job, or the job an earlier run created.
  Result<JobSpec> spec_for(const BatchJob& job, const BatchJobState& s) {
    JobSpec spec;
    spec.label = job.label;
    spec.output = job.output;
    spec.overwrite = m_options.overwrite || m_redo.contains(job.label);
    spec.folder_writable = writable(job.output.parent_path());
    spec.wait = true;
    spec.wait_timeout = m_options.wait_timeout;
    spec.video_id = s.video_id;
    spec.idempotency_key = s.idempotency_key;
    spec.estimate_usd = job.estimate_usd;
    if (!job.remix_of) {
      spec.create = job.request;
      spec.fit = job.fit;
      if (spec.fit && spec.fit->temp_dir.empty()) spec.fit->temp_dir = m_options.temp_dir;
      return spec;
    }
    spec.kind = JobKind::remix;
    spec.prompt = job.request.prompt;
    spec.source_id = *job.remix_of;
    if (m_by_label.contains(*job.remix_of)) {
      BatchJobState source = snapshot(*job.remix_of);
      if (source.status != BatchStatus::completed && source.status != BatchStatus::downloaded)
        return unexpected(ErrorCode::job_failed,
                          "Not remixed: job " + *job.remix_of + " did not complete.");
      spec.source_id = source.video_id;
    }
    return spec;
  }

  void process(Client& client, const BatchJob& job) {
    BatchJobState s = snapshot(job.label);
    bool resumed_intent = s.video_id.empty() && !s.idempotency_key.empty();
    if (resumed_intent && !resolve_intent(client, job, s)) return;
    auto spec = spec_for(job, s);
    if (!spec) return fail(s, spec.error());
    std::error_code ec;
    fs::create_directories(job.output.parent_path(), ec);
    auto print = batch_fingerprint(job);
    // A create's spec is the fingerprinted one: run_job need not read the image a second time.
    if (print && !job.remix_of) spec->fingerprint = *print;
    StateObserver observer(*this, job, print ? *print : std::string());
    JobOutcome outcome = run_job(client, *spec, observer);
    if (outcome.error) fail(snapshot(job.label), *outcome.error);
  }

  Result<BatchReport> report() {
    BatchReport report;
    report.requests = m_config.throttle->requests.load();
    report.changed = m_changed;
    std::lock_guard lock(m_mutex);
    if (auto ok = m_state.save(true); !ok) return unexpected(ok.error());
    for (const auto& job : m_jobs) {
      const BatchJobState& s = m_state.jobs()[job.label];
      report.jobs.push_back(s);
      if (s.status == BatchStatus::downloaded)
        ++report.completed;
      else if (s.status == BatchStatus::failed)
        ++report.failed;
      else if (s.status == BatchStatus::refused)
        ++report.refused;
      else
        ++report.errors;
    }
    if (cancelled())
      return unexpected(ErrorCode::interrupted, "Interrupted; the batch resumes where it stopped.");
    return report;
  }
};

Result<void> StateObserver::on_event(const JobEvent& e) {
  BatchJobState s = m_run.snapshot(m_job.label);
  switch (e.stage) {
  case JobStage::intent: // durable before the create is sent, or it is not sent
    s.idempotency_key = e.idempotency_key;
    s.fingerprint = m_fingerprint;
    s.intent_time = detail::unix_seconds_now();
    if (auto ok = m_run.update(s, true); !ok) return ok;
    m_run.written_in(m_job.output.parent_path());
    return m_run.forward(e);
  case JobStage::submitted:
    s.video_id = e.video_id;
    s.status = BatchStatus::created;
    s.fingerprint = m_fingerprint;
    s.error.clear();
    s.error_kind.clear();
    (void)m_run.update(s); // the id is on disk before anything else happens
    break;
  case JobStage::completed:
    s.status = BatchStatus::completed;
    s.error.clear();
    s.error_kind.clear();
    (void)m_run.update(s);
    break;
  case JobStage::saved:
    m_run.written_in(m_job.output.parent_path());
    s.status = BatchStatus::downloaded;
    s.error.clear();
    s.error_kind.clear();
    s.exit_code = 0;
    (void)m_run.update(s);
    break;
  default:
    break;
  }
  (void)m_run.forward(e);
  return {};
}

} // namespace

namespace {

JobSpec fingerprinted_spec(const BatchJob& job) {
  JobSpec spec;
  if (job.remix_of) {
    spec.kind = JobKind::remix;
    spec.source_id = *job.remix_of;
    spec.prompt = job.request.prompt;
  } else {
    spec.create = job.request;
    spec.fit = job.fit;
  }
  return spec;
}

} // namespace

Result<std::string> batch_fingerprint(const BatchJob& job) {
  return fingerprint(fingerprinted_spec(job));
}

std::vector<std::string> changed_jobs(const std::vector<BatchJob>& jobs, const BatchState& state) {
  std::vector<std::string> changed;
  for (const auto& job : jobs) {
    auto it = state.jobs().find(job.label);
    if (it == state.jobs().end() || it->second.fingerprint.empty()) continue;
    const JobSpec spec = fingerprinted_spec(job);
    auto now = fingerprint(spec);
    // A state an earlier version wrote holds the older form: matched, not "changed".
    if (now && !FingerprintMatch(spec, *now)(it->second.fingerprint)) changed.push_back(job.label);
  }
  return changed;
}

Result<BatchReport> run_batch(const ClientConfig& config, const std::vector<BatchJob>& jobs,
                              BatchState& state, const BatchOptions& options,
                              const ExitCodeFor& /*exit_code_for: states record error kinds*/) {
  return BatchRun(config, jobs, state, options).run();
}

} // namespace sora
