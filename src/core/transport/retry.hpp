// Retry policy: which answers to try again, and how long to wait first.
#pragma once

#include <sora/transport.hpp>

#include <chrono>
#include <optional>
#include <random>
#include <string>

namespace sora::detail {

inline constexpr std::chrono::milliseconds k_max_server_delay{120'000};

/// Delay the server asked for: `retry-after-ms`, else `Retry-After` (seconds or an HTTP date,
/// measured against `now_unix` seconds). nullopt when absent or unparsable.
std::optional<std::chrono::milliseconds> server_retry_delay(const Headers& headers,
                                                            std::int64_t now_unix);
/// "30 s", or for an hour or more "until 2099-01-01T00:00:00Z (73 years from now)".
std::string describe_server_wait(std::chrono::milliseconds delay, std::int64_t now_unix);
/// Exponential backoff before retry number `attempt` (0 = first retry): 0.5 s doubling, capped at
/// 8 s, times a jitter factor in [0.75, 1] taken from `jitter` in [0, 1).
std::chrono::milliseconds backoff_delay(int attempt, double jitter);
/// `x-should-retry: true|false` when present.
std::optional<bool> server_should_retry(const Headers& headers);

/// What to do after a failed attempt: wait this long and try again, or give up with this error.
struct RetryDecision {
  std::optional<std::chrono::milliseconds> delay; ///< nullopt: give up
  std::string hint; ///< when giving up because the server's delay is too long: what to do
};

/// The rule for what is retried and after how long: the server's x-should-retry, else
/// is_retryable(); a request that may have reached the server only when it is idempotent or was
/// rate limited; the server's Retry-After when it is not too long, else jittered backoff. Owns its
/// random source, so one policy per client.
class RetryPolicy {
public:
  explicit RetryPolicy(int max_retries) : m_max_retries(max_retries) {}
  int max_retries() const { return m_max_retries; }
  /// `headers`: the failed answer's headers, null when there was no answer.
  /// `now_unix`: the clock's time, to describe a far-off Retry-After date.
  RetryDecision after_failure(const Error& error, const Headers* headers, int attempt,
                              bool idempotent, std::int64_t now_unix = 0);
  /// Jittered backoff before retry number `attempt`.
  std::chrono::milliseconds backoff(int attempt);
  /// A fresh random Idempotency-Key ("sora-" and 32 hex digits).
  std::string idempotency_key();

private:
  int m_max_retries;
  std::mt19937 m_rng{std::random_device{}()};
};

} // namespace sora::detail
