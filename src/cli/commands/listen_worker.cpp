// The worker behind `sora listen`: acting on verified deliveries and polling unheard --once jobs.
#include "commands/listen_worker.hpp"

#include "commands/job_flow.hpp"
#include "exit_codes.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstring>

extern char** environ; // NOLINT: POSIX

namespace sora::cli {
namespace {

std::mutex g_log_mutex;

bool is_final(const std::string& status) {
  return status == "downloaded" || status == "failed" || status == "cancelled" ||
         status == "expired";
}

WebhookOutcome outcome_of(VideoStatus status) {
  switch (status) {
  case VideoStatus::completed:
    return WebhookOutcome::completed;
  case VideoStatus::cancelled:
    return WebhookOutcome::cancelled;
  case VideoStatus::expired:
    return WebhookOutcome::expired;
  default:
    return WebhookOutcome::failed;
  }
}

int exit_code_of(WebhookOutcome outcome) {
  return outcome == WebhookOutcome::cancelled ? k_exit_cancelled : k_exit_job_failed;
}

std::string explain(const Error& error) {
  return error.message + (error.hint.empty() ? "" : " " + error.hint);
}

} // namespace

void listen_log(const std::string& line) {
  std::lock_guard lock(g_log_mutex);
  std::fprintf(stderr, "sora listen: %s\n", line.c_str());
  std::fflush(stderr);
}

ListenWorker::ListenWorker(AppContext& ctx, Client& client, DeliveryLedger& ledger,
                           ListenSettings settings)
    : m_ctx(ctx), m_client(client), m_ledger(ledger), m_settings(std::move(settings)) {}

ListenWorker::~ListenWorker() {
  stop();
}

void ListenWorker::start() {
  {
    std::lock_guard lock(m_mutex);
    for (const auto& id : m_ledger.unfinished_jobs()) {
      listen_log("taking up " + id + ", left unfinished by an earlier run");
      m_queue.push_back({id, WebhookOutcome::completed, {}});
    }
    for (const auto& id : m_settings.once)
      if (auto record = m_ledger.job(id); record && is_final(record->status))
        m_results[id] = record->status == "downloaded"  ? 0
                        : record->status == "cancelled" ? k_exit_cancelled
                                                        : k_exit_job_failed;
  }
  m_thread = std::thread([this] { run(); });
}

void ListenWorker::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

int ListenWorker::accept(const WebhookVerdict& verdict, const WebhookEvent& event) {
  std::lock_guard lock(m_mutex);
  const std::string& delivery = verdict.delivery_id;
  if (m_ledger.seen(delivery)) {
    listen_log("delivery " + delivery + " was handled before; nothing done");
    return 200;
  }
  if (event.outcome == WebhookOutcome::other) {
    if (auto ok = m_ledger.remember(delivery); !ok) {
      listen_log("cannot save the state: " + ok.error().message);
      return 500;
    }
    listen_log("delivery " + delivery + ": event " + event.type + " is not about a video; ignored");
    return 200;
  }
  auto record = m_ledger.job(event.video_id);
  bool queued = record && record->status == "received";
  if (record && (is_final(record->status) || queued)) {
    listen_log("delivery " + delivery + ": " + event.video_id + " is " +
               (queued ? "being handled" : "already " + record->status) + "; nothing done");
  } else {
    if (auto ok = m_ledger.set_job(event.video_id, {"received", "", ""}); !ok) {
      listen_log("cannot save the state: " + ok.error().message);
      return 500;
    }
    m_queue.push_back({event.video_id, event.outcome, event.error_message});
    listen_log("delivery " + delivery + ": " + event.video_id + " " +
               std::string(to_string(event.outcome)));
  }
  // Remembered last: a delivery whose job could not be recorded is answered 500 and comes back.
  if (auto ok = m_ledger.remember(delivery); !ok) {
    listen_log("cannot save the state: " + ok.error().message);
    return 500;
  }
  m_wake.notify_all();
  return 200;
}

bool ListenWorker::once_done() const {
  std::lock_guard lock(m_mutex);
  for (const auto& id : m_settings.once)
    if (!m_results.contains(id)) return false;
  return true;
}

int ListenWorker::once_exit_code() const {
  std::lock_guard lock(m_mutex);
  for (const auto& id : m_settings.once)
    if (auto it = m_results.find(id); it != m_results.end() && it->second != 0) return it->second;
  return k_exit_ok;
}

void ListenWorker::run() {
  auto next_poll = std::chrono::steady_clock::now() + m_settings.reconcile;
  std::unique_lock lock(m_mutex);
  while (!m_stopping) {
    m_wake.wait_until(lock, next_poll, [this] { return m_stopping || !m_queue.empty(); });
    if (m_stopping) break;
    if (!m_queue.empty()) {
      Task task = std::move(m_queue.front());
      m_queue.pop_front();
      lock.unlock();
      act(task);
      lock.lock();
      continue;
    }
    lock.unlock();
    reconcile();
    next_poll = std::chrono::steady_clock::now() + m_settings.reconcile;
    lock.lock();
  }
}

// A --once job nothing was heard about: ask the server, and act as a delivery would have.
void ListenWorker::reconcile() {
  std::vector<std::string> unheard;
  {
    std::lock_guard lock(m_mutex);
    for (const auto& id : m_settings.once)
      if (!m_results.contains(id)) unheard.push_back(id);
  }
  for (const auto& id : unheard) {
    if (g_interrupted.load()) return;
    auto video = m_client.retrieve(id);
    if (!video) {
      listen_log("polling " + id + " failed: " + explain(video.error()));
      continue;
    }
    if (!is_terminal(video->status)) continue;
    listen_log("polled " + id + ": " + std::string(to_string(video->status)) +
               " (no delivery was received for it)");
    act({id, outcome_of(video->status), {}});
  }
}

void ListenWorker::act(const Task& task) {
  const std::string& id = task.video_id;
  auto video = m_client.retrieve(id);
  if (task.outcome == WebhookOutcome::completed) {
    if (!video) {
      finish(id, "error", "", explain(video.error()), exit_code_for(video.error()));
      return;
    }
    if (video->status != VideoStatus::completed && !is_terminal(video->status)) {
      listen_log(id + " is still " + std::string(to_string(video->status)) +
                 " on the server; it will be polled");
      std::lock_guard lock(m_mutex);
      (void)m_ledger.set_job(id, {"error", "", "not finished on the server yet"});
      return;
    }
    if (video->status == VideoStatus::completed) {
      auto path = m_settings.download_dir / default_output(id, Variant::video);
      if (std::filesystem::exists(path)) {
        listen_log(id + ": " + path.string() + " exists already; not downloaded again");
      } else {
        DownloadRequest request;
        request.output = path;
        auto saved = m_client.download(id, request);
        if (!saved) {
          finish(id, "error", "", explain(saved.error()), exit_code_for(saved.error()));
          return;
        }
      }
      m_ctx.record_job("listen", *video, "", path.string());
      finish(id, "downloaded", path.string(), "", k_exit_ok);
      return;
    }
  }
  // failed, cancelled or expired (by the delivery, or by the server when asked).
  WebhookOutcome outcome =
      video && is_terminal(video->status) ? outcome_of(video->status) : task.outcome;
  std::string error = task.error;
  if (error.empty() && video && video->error) error = video->error->message;
  if (video) m_ctx.record_job("listen", *video, "", "");
  finish(id, std::string(to_string(outcome)), "", error, exit_code_of(outcome));
}

void ListenWorker::finish(const std::string& video_id, const std::string& status,
                          const std::string& file, const std::string& error, int exit_code) {
  {
    std::lock_guard lock(m_mutex);
    if (auto ok = m_ledger.set_job(video_id, {status, file, error}); !ok)
      listen_log("cannot save the state: " + ok.error().message);
    bool once = std::find(m_settings.once.begin(), m_settings.once.end(), video_id) !=
                m_settings.once.end();
    if (once && status != "error") m_results[video_id] = exit_code;
  }
  if (status == "error") {
    listen_log(video_id + ": " + error + " (tried again at the next poll or delivery)");
    return;
  }
  listen_log(video_id + " " + status + (file.empty() ? "" : ": saved " + file) +
             (error.empty() ? "" : ": " + error));
  if (!m_settings.exec.empty()) run_exec(video_id, status, file, error);
}

// The command is the user's; the server's words reach it only as environment variables.
void ListenWorker::run_exec(const std::string& video_id, const std::string& status,
                            const std::string& file, const std::string& error) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    if (entry.starts_with("SORA_VIDEO_ID=") || entry.starts_with("SORA_STATUS=") ||
        entry.starts_with("SORA_FILE=") || entry.starts_with("SORA_ERROR="))
      continue;
    env.emplace_back(entry);
  }
  env.push_back("SORA_VIDEO_ID=" + video_id);
  env.push_back("SORA_STATUS=" + (status == "downloaded" ? std::string("completed") : status));
  env.push_back("SORA_FILE=" + file);
  env.push_back("SORA_ERROR=" + error);
  std::vector<char*> envp;
  for (auto& entry : env)
    envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::string shell = "/bin/sh", dash_c = "-c", command = m_settings.exec;
  char* argv[] = {shell.data(), dash_c.data(), command.data(), nullptr};
  pid_t pid = 0;
  if (int rc = posix_spawn(&pid, shell.c_str(), nullptr, nullptr, argv, envp.data()); rc != 0) {
    listen_log("--exec could not start: " + std::string(std::strerror(rc)));
    return;
  }
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
    listen_log("--exec for " + video_id + " exited with status " +
               std::to_string(WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus)));
}

} // namespace sora::cli
