// The one error type of the sora core library: what failed, and everything the server said about
// it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sora {

/// The closed set of failure kinds. The CLI maps each to one exit code (see docs/cli.md).
enum class ErrorCode {
  invalid_argument, ///< bad local input, found before anything was sent
  io,               ///< a local file could not be read or written
  network,          ///< no usable answer from the server: connect, TLS, reset, stalled transfer
  timeout,          ///< one request took longer than its timeout
  unauthorized,     ///< 401: missing or rejected credentials
  forbidden,        ///< 403: credentials lack permission
  not_found,        ///< 404: no such video (or route)
  conflict,         ///< 409
  rate_limited,     ///< 429 that is a rate limit (retryable)
  quota,            ///< 429 that says the account is out of quota or credit (not retryable)
  server,           ///< 5xx
  http,             ///< any other 4xx: the request was rejected
  protocol,         ///< the server answered with something that is not the API's shape
  job_failed,       ///< the video job ended in `failed` (or expired)
  cancelled,        ///< the video job was cancelled on the server (tolerance rule 13)
  moderation,       ///< the job or request was refused by content policy
  wait_timeout,     ///< the job did not finish before the wait deadline
  interrupted,      ///< cancelled by the caller (SIGINT)
  unsupported,      ///< the server does not implement this operation
  internal,         ///< a bug in sora
};

/// Stable lower-case name of a code, e.g. "rate_limited".
std::string_view to_string(ErrorCode code) noexcept;

/// A failure with the server's own words when there are any. Never contains the API key.
struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;    ///< what went wrong, one sentence, for people
  std::string hint;       ///< what to do about it (may be empty)
  int http_status = 0;    ///< 0 when no HTTP answer was received
  std::string api_type;   ///< `error.type` from the API, e.g. "invalid_request_error"
  std::string api_code;   ///< `error.code` from the API
  std::string api_param;  ///< `error.param` from the API
  std::string request_id; ///< `x-request-id` response header
  std::string video_id;   ///< the job this error belongs to, when known
  std::optional<std::chrono::milliseconds> retry_after; ///< server-requested delay
  bool request_sent = true; ///< false when nothing left this machine (refused, DNS): safe to resend
  /// Set on a 404 that looks like a wrong base URL (the route is missing altogether and the base
  /// URL has no version segment): the base URL that likely works, e.g. "https://host/v1".
  std::string suggested_base_url = {}; // "= {}": aggregate initialisers may leave it out
};

/// True for failures worth sending the same request again (network, 408/409/429, 5xx but 501).
bool is_retryable(const Error& error) noexcept;

} // namespace sora
