// Turning a non-2xx answer into an Error, whichever of the known error dialects it is in.
#pragma once

#include <sora/error.hpp>
#include <sora/transport.hpp>
#include <sora/video.hpp>

namespace sora::detail {

/// Classifies a non-2xx response: status, API error fields, request id and requested delay.
/// `now_unix` is used to read HTTP-date Retry-After values.
Error error_from_response(const HttpResponse& response, std::int64_t now_unix);

/// On a 404 that looks like a missing route (an HTML page, an empty body, "Not Found" or "Invalid
/// URL") while `base_url` has no version segment (/v1, /v2, …): says so, and sets
/// suggested_base_url to `base_url` + "/v1".
void explain_wrong_prefix(Error& error, std::string_view base_url);

/// A failed/cancelled/expired job as an Error (job_failed or moderation), naming the job.
Error error_from_job(const Video& video);

} // namespace sora::detail
