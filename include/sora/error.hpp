// The one error type of the sora core library: what failed, and everything the server said about
// it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  internal,         ///< a bug in sora (stays last: names are looked up up to it)
};

/// Stable lower-case name of a code, e.g. "rate_limited".
std::string_view to_string(ErrorCode code) noexcept;

/// The remedy a hint is about, named without any front end's words. The core sets it with a
/// neutral `Error::hint`; a front end (the CLI's hints table) may say the same in its own terms
/// (a flag, an environment variable, a command).
enum class HintKind {
  none,                   ///< `hint` is all there is
  check_base_url,         ///< the base URL may not point at a Videos API server
  check_api_key,          ///< the API key is missing or rejected
  check_video_id,         ///< the video id may be wrong (or the base URL)
  use_fit,                ///< the image must be resized: fit cover or contain
  choose_supported_value, ///< `setting` must be one of `hint_values`
  describe_prompt,        ///< the prompt is missing: give one
  check_image_path,       ///< the image path does not name a readable image file
  use_supported_image,    ///< the image type is not JPEG, PNG or WebP
  give_image_or_size,     ///< size "auto" needs an image, or a size from `hint_values`
  give_model_or_default,  ///< the model name is empty: give one or leave it out
  use_valid_size,         ///< the size is not WxH
  raise_timeout,          ///< a request timed out
  check_server_reachable, ///< no answer: the base URL, the network, or the server is down
  list_jobs,              ///< a job may exist: look in the server's list before trying again
  show_history,           ///< the jobs started from here are in the journal; values: [its path]
  choose_profile,         ///< the server (or API) is gone: pick another server's profile
  wait_for_job,           ///< the job is not finished: wait for it; values: [video id]
  create_again,           ///< the files are gone: create the video again, download right away
  use_video_variant,      ///< the server may not offer this variant: ask for the video
  use_job_reference,      ///< a job reference must be @last, @N or a video id
};

/// Stable lower-case name of a hint kind, e.g. "check_base_url".
std::string_view to_string(HintKind kind) noexcept;

/// A failure with the server's own words when there are any. Never contains the API key.
///
/// Messages and hints name the settings they are about by neutral names in backquotes
/// (`` `seconds` ``, `` `size` ``, `` `fit` ``, `` `base_url` ``, `` `image` ``…), never as a front
/// end's flags or environment variables; a front end may replace those names with its own words.
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
  /// The neutral name of the setting the problem is about ("seconds", "size", "fit", "base_url",
  /// "api_key", "image", "image_url", "field", "variant", "prompt", "model", "video_id"), or "".
  std::string setting;
  HintKind hint_kind = HintKind::none;  ///< the remedy `hint` describes, for front ends
  std::vector<std::string> hint_values; ///< the values the remedy offers (e.g. supported sizes)
  /// Set on a 404 that looks like a wrong base URL (the route is missing altogether and the base
  /// URL has no version segment): the base URL that likely works, e.g. "https://host/v1".
  std::string suggested_base_url = {}; // "= {}": aggregate initialisers may leave it out
};

struct Video;

/// The failure a job that ended without completing stands for (job_failed, moderation or
/// cancelled), naming the job and carrying the server's error code in `api_code`.
Error error_for_job(const Video& video);

/// True for failures worth sending the same request again (network, 408/409/429, 5xx but 501).
bool is_retryable(const Error& error) noexcept;

} // namespace sora
