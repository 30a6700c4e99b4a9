// Backoff as the official SDKs do it (0.5 s doubling to 8 s with jitter), honouring server hints.
#include "transport/retry.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>

namespace sora::detail {

namespace {

// Capping keeps the conversion defined; 1000 years is far past any date worth reporting.
constexpr double k_cap_ms = 1000.0 * 366 * 86'400'000;

std::chrono::milliseconds capped(double ms) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::min(ms, k_cap_ms)));
}

} // namespace

std::optional<std::chrono::milliseconds> server_retry_delay(const Headers& headers,
                                                            std::int64_t now_unix) {
  if (auto ms = find_header(headers, "retry-after-ms")) {
    char* end = nullptr;
    double value = std::strtod(ms->c_str(), &end);
    if (end != ms->c_str() && value >= 0 && !std::isnan(value)) return capped(value);
  }
  auto after = find_header(headers, "retry-after");
  if (!after) return std::nullopt;
  char* end = nullptr;
  double seconds = std::strtod(after->c_str(), &end);
  if (end != after->c_str() && *end == '\0' && seconds >= 0 && !std::isnan(seconds))
    return capped(seconds * 1000);
  std::tm tm{};
  if (strptime(after->c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) == nullptr) return std::nullopt;
  std::int64_t when = timegm(&tm);
  return capped(static_cast<double>(std::max<std::int64_t>(0, when - now_unix)) * 1000);
}

std::string describe_server_wait(std::chrono::milliseconds delay, std::int64_t now_unix) {
  std::int64_t seconds = (delay.count() + 999) / 1000;
  if (seconds < 3600) return std::to_string(seconds) + " s";
  std::time_t until = static_cast<std::time_t>(now_unix + seconds);
  std::tm tm{};
  gmtime_r(&until, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::int64_t hours = seconds / 3600;
  std::string span = hours < 48         ? std::to_string(hours) + " hours"
                     : hours < 24 * 730 ? std::to_string(hours / 24) + " days"
                                        : std::to_string(hours / (24 * 365)) + " years";
  return "until " + std::string(date) + " (" + span + " from now)";
}

std::chrono::milliseconds backoff_delay(int attempt, double jitter) {
  double seconds = std::min(0.5 * std::pow(2.0, attempt), 8.0);
  seconds *= 1.0 - 0.25 * std::clamp(jitter, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

std::optional<bool> server_should_retry(const Headers& headers) {
  auto value = find_header(headers, "x-should-retry");
  if (!value) return std::nullopt;
  if (*value == "true") return true;
  if (*value == "false") return false;
  return std::nullopt;
}

RetryDecision RetryPolicy::after_failure(const Error& error, const Headers* headers, int attempt,
                                         bool idempotent, std::int64_t now_unix) {
  if (attempt >= m_max_retries) return {};
  std::optional<bool> forced = headers ? server_should_retry(*headers) : std::nullopt;
  bool retry = forced.value_or(is_retryable(error));
  // A request that may have reached the server is resent only when the server said it did
  // nothing with it (a rate limit), so a paid job is never created twice.
  if (!idempotent && error.request_sent && error.code != ErrorCode::rate_limited) retry = false;
  if (!retry) return {};
  if (error.retry_after) {
    if (*error.retry_after > k_max_server_delay) {
      RetryDecision give_up;
      give_up.hint = "The server asked to wait " +
                     describe_server_wait(*error.retry_after, now_unix) +
                     " before trying again, longer than sora waits (2 min); run the command "
                     "again after that.";
      return give_up;
    }
    return {*error.retry_after, {}};
  }
  return {backoff(attempt), {}};
}

std::chrono::milliseconds RetryPolicy::backoff(int attempt) {
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  return backoff_delay(attempt, jitter(m_rng));
}

std::string RetryPolicy::idempotency_key() {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string key = "sora-";
  std::uniform_int_distribution<int> digit(0, 15);
  for (int i = 0; i < 32; ++i)
    key += k_hex[digit(m_rng)];
  return key;
}

} // namespace sora::detail
