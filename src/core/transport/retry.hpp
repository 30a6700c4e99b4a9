// Retry policy: which answers to try again, and how long to wait first.
#pragma once

#include <sora/transport.hpp>

#include <chrono>
#include <optional>
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

} // namespace sora::detail
