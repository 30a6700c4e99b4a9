// Webhook deliveries of sora-mock (see webhooks.hpp).
#include "webhooks.hpp"

#include "wire.hpp"

#include <httplib.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace sora_mock {
namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string to_base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string to_hex(const std::string& bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char c : bytes) {
    out += k_digits[c >> 4];
    out += k_digits[c & 0xF];
  }
  return out;
}

std::string iso_time(std::int64_t t) {
  const std::time_t time = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&time, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

const char* status_word(VideoStatus status) {
  switch (status) {
  case VideoStatus::completed:
    return "completed";
  case VideoStatus::cancelled:
    return "cancelled";
  default:
    return "failed";
  }
}

} // namespace

std::string hmac_sha256(const std::string& key, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::optional<std::string> standard_webhook_key(const std::string& secret) {
  const std::string prefix = "whsec_";
  if (secret.rfind(prefix, 0) != 0) return secret;
  const std::string text = secret.substr(prefix.size());
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  const auto pad = static_cast<std::size_t>(std::count(text.end() - 2, text.end(), '='));
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

WebhookSender::WebhookSender(WebhookOptions options, Store& store)
    : m_options(std::move(options)), m_store(store) {
  if (active()) m_thread = std::thread([this] { run(); });
}

WebhookSender::~WebhookSender() {
  stop();
}

void WebhookSender::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

void WebhookSender::schedule(Task task) {
  {
    std::lock_guard lock(m_mutex);
    m_tasks.push_back(std::move(task));
  }
  m_wake.notify_all();
}

void WebhookSender::created(const Job& job) {
  if (m_options.finish_after_ms <= 0 || job.spec.outcome == Outcome::never) return;
  Task task;
  task.due =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(m_options.finish_after_ms);
  task.job_id = job.id;
  schedule(std::move(task));
}

void WebhookSender::finished(const Job& job) {
  const bool openrouter = m_options.dialect == Dialect::openrouter;
  std::string url = job.spec.callback_url.empty() ? m_options.url : job.spec.callback_url;
  if (url.empty() && !m_options.url_file.empty()) {
    std::ifstream in(m_options.url_file);
    std::getline(in, url);
  }
  if (url.empty() || m_options.secret.empty()) return;
  if (job.status == VideoStatus::cancelled && !openrouter) return; // OpenAI has no such event
  Json body;
  const std::string status = status_word(job.status);
  if (openrouter) {
    body["type"] = "video.generation." + status;
    body["created_at"] = iso_time(unix_now());
    body["data"] = {{"id", job.id}, {"status", status}};
  } else {
    body["id"] = "evt_" + random_hex(32);
    body["object"] = "event";
    body["created_at"] = unix_now();
    body["type"] = "video." + status;
    body["data"] = {{"id", job.id}};
  }
  Task task;
  task.due = std::chrono::steady_clock::now();
  task.job_id = job.id;
  task.url = url;
  task.body = body.dump();
  task.delivery_id = "wh_" + random_hex(32);
  task.status = status;
  std::uint64_t n = 0;
  {
    std::lock_guard lock(m_mutex);
    n = ++m_events;
  }
  const bool duplicate =
      m_options.duplicate_all || (m_options.duplicate_every > 0 &&
                                  n % static_cast<std::uint64_t>(m_options.duplicate_every) == 0);
  if (duplicate) {
    Task again = task;
    again.due += std::chrono::milliseconds(50);
    schedule(std::move(again));
  }
  schedule(std::move(task));
}

void WebhookSender::run() {
  std::unique_lock lock(m_mutex);
  while (!m_stopping) {
    auto next = std::min_element(m_tasks.begin(), m_tasks.end(),
                                 [](const Task& a, const Task& b) { return a.due < b.due; });
    if (next == m_tasks.end()) {
      m_wake.wait(lock);
      continue;
    }
    // A copy: while the lock is released another thread may add a task and move the vector.
    const auto due = next->due;
    if (due > std::chrono::steady_clock::now()) {
      m_wake.wait_until(lock, due);
      continue;
    }
    Task task = std::move(*next);
    m_tasks.erase(next);
    lock.unlock();
    if (task.body.empty())
      m_store.finish(task.job_id); // the store calls finished(), which schedules the delivery
    else
      deliver(std::move(task));
    lock.lock();
  }
}

void WebhookSender::deliver(Task task) {
  const auto scheme_end = task.url.find("://");
  const auto path_start = task.url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  const std::string origin = task.url.substr(0, path_start);
  const std::string path = path_start == std::string::npos ? "/" : task.url.substr(path_start);
  const std::int64_t now = unix_now();
  httplib::Headers headers;
  if (m_options.dialect == Dialect::openrouter) {
    const std::string t = std::to_string(now);
    headers.emplace("X-OpenRouter-Signature",
                    "t=" + t + ",v1=" + to_hex(hmac_sha256(m_options.secret, t + "," + task.body)));
    headers.emplace("X-OpenRouter-Idempotency-Key", task.job_id + "-" + task.status);
  } else {
    const std::string signed_text = task.delivery_id + "." + std::to_string(now) + "." + task.body;
    headers.emplace("webhook-id", task.delivery_id);
    headers.emplace("webhook-timestamp", std::to_string(now));
    headers.emplace(
        "webhook-signature",
        "v1," + to_base64(hmac_sha256(*standard_webhook_key(m_options.secret), signed_text)));
  }
  httplib::Client client(origin);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(5, 0);
  const auto result = client.Post(path, headers, task.body, "application/json");
  const int status = result ? result->status : 0;
  if (!m_options.quiet)
    std::cerr << "sora-mock: webhook " << task.job_id << " " << task.status << " -> "
              << (result ? std::to_string(status) : httplib::to_string(result.error()))
              << " (attempt " << task.attempt + 1 << ")" << std::endl;
  if (status >= 200 && status < 300) return;
  if (++task.attempt >= m_options.attempts) return;
  task.due = std::chrono::steady_clock::now() +
             std::chrono::milliseconds(m_options.retry_ms << (task.attempt - 1));
  schedule(std::move(task));
}

} // namespace sora_mock
