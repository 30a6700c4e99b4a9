// The job pipeline (job.hpp): preflight -> fit -> intent -> submit -> wait -> download, every
// transition reported to the observer. The one place a paid job is started.
#include <sora/job.hpp>

#include <utility>

namespace sora {
namespace {

// One run of one job; each step is a member so the outcome and events stay in one place.
class JobRun {
public:
  JobRun(Client& client, const JobSpec& job, JobObserver& observer)
      : m_client(client), m_job(job), m_observer(observer) {}

  JobOutcome run() {
    bool started = m_job.video_id.empty() ? prepare() && submit() : resume();
    m_fitted.reset(); // the temporary fitted image is not needed once the create is sent
    if (started && (m_job.wait || m_job.output) && await() && m_job.output) download();
    return std::move(m_outcome);
  }

private:
  Client& m_client;
  const JobSpec& m_job;
  JobObserver& m_observer;
  JobOutcome m_outcome;
  std::string m_key;
  std::string m_fingerprint;
  std::optional<FittedImage> m_fitted;

  JobEvent event(JobStage stage) const {
    JobEvent e;
    e.stage = stage;
    e.spec = &m_job;
    e.video_id = m_outcome.video_id;
    e.idempotency_key = m_key;
    e.fingerprint = m_fingerprint;
    if (m_outcome.video) e.video = &*m_outcome.video;
    return e;
  }

  // Records the failure (with the id when the job exists) and tells the observer.
  bool fail(Error error) {
    if (error.video_id.empty()) error.video_id = m_outcome.video_id;
    m_outcome.error = std::move(error);
    JobEvent e = event(JobStage::failed);
    e.error = &*m_outcome.error;
    (void)m_observer.on_event(e);
    return false;
  }

  // Everything that can fail before anything is sent: output, fingerprint, fit.
  bool prepare() {
    if (auto ok = preflight_output(m_job); !ok) return fail(ok.error());
    if (m_job.fingerprint.empty()) {
      auto print = fingerprint(m_job); // reads the whole image
      if (!print) return fail(print.error());
      m_fingerprint = std::move(*print);
    } else {
      m_fingerprint = m_job.fingerprint;
    }
    m_key = m_job.idempotency_key.empty() ? make_idempotency_key() : m_job.idempotency_key;
    if (m_job.kind != JobKind::create || !m_job.fit) return true;
    if (!m_job.create.image)
      return fail(unexpected(ErrorCode::invalid_argument, "There is no image to fit.").error);
    auto fitted = fit_image(*m_job.create.image, *m_job.fit);
    if (!fitted) return fail(fitted.error());
    m_fitted = std::move(*fitted);
    return true;
  }

  // A job an earlier run created: only its output is checked before waiting for it.
  bool resume() {
    m_outcome.video_id = m_job.video_id;
    if (auto ok = preflight_output(m_job); !ok) return fail(ok.error());
    return true;
  }

  Result<Video> send() {
    switch (m_job.kind) {
    case JobKind::remix:
      return m_client.remix(RemixRequest{m_job.source_id, m_job.prompt, m_key});
    case JobKind::extend:
      return m_client.extend(ExtendRequest{m_job.source_id, m_job.prompt, m_job.seconds, m_key});
    case JobKind::edit:
      return m_client.edit(EditRequest{m_job.source_id, m_job.prompt, m_key});
    case JobKind::create:
      break;
    }
    CreateRequest request = m_job.create;
    request.idempotency_key = m_key;
    if (m_fitted) request.image = m_fitted->file.path();
    return m_client.create(request, [this](const TransferProgress& p) {
      JobEvent e = event(JobStage::uploading);
      e.transfer = &p;
      (void)m_observer.on_event(e);
    });
  }

  // Intent first (durable, or nothing is sent), then the paid request, then `submitted`.
  bool submit() {
    if (auto ok = m_observer.on_event(event(JobStage::intent)); !ok) return fail(ok.error());
    auto video = send();
    if (!video) return fail(std::move(video).error());
    m_outcome.video_id = video->id;
    m_outcome.video = std::move(*video);
    if (auto ok = m_observer.on_event(event(JobStage::submitted)); !ok) return fail(ok.error());
    return true;
  }

  bool await() {
    WaitOptions options;
    options.timeout = m_job.wait_timeout;
    options.on_poll = [this](const JobProgress& p) {
      JobEvent e = event(JobStage::polled);
      e.video = &p.video;
      (void)m_observer.on_event(e);
    };
    auto done = m_client.wait(m_outcome.video_id, options);
    if (!done) return fail(std::move(done).error());
    m_outcome.video = std::move(*done);
    (void)m_observer.on_event(event(JobStage::completed));
    return true;
  }

  bool download() {
    DownloadRequest request;
    request.variant = m_job.variant;
    request.output = *m_job.output;
    request.overwrite = m_job.overwrite;
    request.on_progress = [this](const TransferProgress& p) {
      JobEvent e = event(JobStage::downloading);
      e.transfer = &p;
      (void)m_observer.on_event(e);
    };
    auto saved = m_client.download(m_outcome.video_id, request);
    if (!saved) return fail(std::move(saved).error());
    m_outcome.saved = std::move(*saved);
    JobEvent e = event(JobStage::saved);
    e.saved_path = m_outcome.saved->path;
    (void)m_observer.on_event(e);
    return true;
  }
};

} // namespace

JobOutcome run_job(Client& client, const JobSpec& job, JobObserver& observer) {
  return JobRun(client, job, observer).run();
}

} // namespace sora
