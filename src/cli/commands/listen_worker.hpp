// What `sora listen` does after answering a delivery: on one worker thread, fetch the job,
// download it, record it, run --exec; and poll the --once jobs no delivery told about.
#pragma once

#include "app_context.hpp"

#include <sora/webhooks.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace sora::cli {

struct ListenSettings {
  std::filesystem::path download_dir;
  std::string exec;                    ///< run with `/bin/sh -c` (server data only in the env)
  std::vector<std::string> once;       ///< jobs to see finished before exiting
  std::chrono::milliseconds reconcile; ///< how often an unheard --once job is polled
};

/// One line on stderr (serialised; every line starts with "sora listen: ").
void listen_log(const std::string& line);

/// Owns the ledger (behind a mutex shared with the HTTP handlers) and the worker thread.
class ListenWorker {
public:
  ListenWorker(AppContext& ctx, Client& client, DeliveryLedger& ledger, ListenSettings settings);
  ~ListenWorker();
  ListenWorker(const ListenWorker&) = delete;
  ListenWorker& operator=(const ListenWorker&) = delete;

  /// Starts the thread; jobs a previous run left unfinished are taken up first.
  void start();
  /// Stops the thread after the action under way.
  void stop();

  /// Called by an HTTP handler for a verified, parsed delivery. Returns the status to answer and
  /// logs what was decided (duplicate, ignored, queued). 500 when the ledger cannot be saved.
  int accept(const WebhookVerdict& verdict, const WebhookEvent& event);

  /// True when every --once job has reached an end (downloaded, failed, cancelled, expired).
  bool once_done() const;
  /// The exit code for the --once jobs: 0 when all were downloaded, else the first failure's.
  int once_exit_code() const;

private:
  struct Task {
    std::string video_id;
    WebhookOutcome outcome = WebhookOutcome::completed;
    std::string error; ///< from the event, when it carried one
  };
  void run();
  void act(const Task& task);
  void reconcile();
  void finish(const std::string& video_id, const std::string& status, const std::string& file,
              const std::string& error, int exit_code);
  void run_exec(const std::string& video_id, const std::string& status, const std::string& file,
                const std::string& error);

  AppContext& m_ctx;
  Client& m_client; ///< used by the worker thread only
  DeliveryLedger& m_ledger;
  ListenSettings m_settings;
  mutable std::mutex m_mutex; ///< guards the ledger, the queue and the results
  std::condition_variable m_wake;
  std::deque<Task> m_queue;
  std::map<std::string, int> m_results; ///< --once job -> exit code, once it ended
  bool m_stopping = false;
  std::thread m_thread;
};

} // namespace sora::cli
