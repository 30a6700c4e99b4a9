// --webhook-url: signed deliveries of video.completed / video.failed events (Standard Webhooks;
// OpenRouter's X-OpenRouter-Signature in the openrouter dialect), with retries on non-2xx and an
// occasional duplicate. Signed with the mock's own HMAC code (OpenSSL), not sora's.
#pragma once

#include "dialect.hpp"
#include "store.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sora_mock {

struct WebhookOptions {
  std::string url;      ///< --webhook-url; a job's own callback_url wins (openrouter dialect)
  std::string url_file; ///< --webhook-url-file: the URL is read from it when an event is sent
  std::string secret;   ///< --webhook-secret: whsec_BASE64 (the key is the decoded bytes) or text
  int finish_after_ms = 0;    ///< --finish-after-ms: jobs finish this long after creation (0: off)
  int attempts = 5;           ///< --webhook-attempts: deliveries tried per event
  int retry_ms = 200;         ///< first retry delay, doubled each time
  bool duplicate_all = false; ///< --fault webhook-duplicate: every delivery is sent twice
  int duplicate_every = 5;    ///< otherwise every Nth event is sent twice
  Dialect dialect = Dialect::openai;
  bool quiet = false;
};

/// HMAC-SHA256 of `message` with `key`, as raw bytes.
std::string hmac_sha256(const std::string& key, const std::string& message);
/// The HMAC key of a Standard Webhooks secret: whsec_BASE64 decoded, else the text; nullopt when
/// the base64 is invalid.
std::optional<std::string> standard_webhook_key(const std::string& secret);

/// Schedules job completions (--finish-after-ms) and delivers events on one thread.
class WebhookSender {
public:
  WebhookSender(WebhookOptions options, Store& store);
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  /// True when deliveries or timed completions are configured.
  bool active() const {
    return !m_options.url.empty() || !m_options.url_file.empty() || m_options.finish_after_ms > 0;
  }
  /// A job was created: finish it after --finish-after-ms.
  void created(const Job& job);
  /// A job reached its end: deliver its event (when it has somewhere to go).
  void finished(const Job& job);
  /// Stops the thread; pending deliveries are dropped.
  void stop();

private:
  struct Task {
    std::chrono::steady_clock::time_point due;
    std::string job_id; ///< a timed completion when `body` is empty
    std::string url;
    std::string body;
    std::string delivery_id;
    std::string status; ///< the job's status word (OpenRouter's idempotency key)
    int attempt = 0;
  };
  void run();
  void deliver(Task task);
  void schedule(Task task);

  WebhookOptions m_options;
  Store& m_store;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::vector<Task> m_tasks;
  std::uint64_t m_events = 0;
  bool m_stopping = false;
  std::thread m_thread;
};

} // namespace sora_mock
