// Error classification (tolerance rule 17) and the messages people see for each kind.
#include "api/http_error.hpp"

#include "api/json_codec.hpp"
#include "common/text.hpp"
#include "transport/retry.hpp"

#include <algorithm>
#include <cctype>

namespace sora::detail {
namespace {

bool mentions(std::string_view haystack, std::initializer_list<std::string_view> needles) {
  std::string text = ascii_lower(haystack);
  return std::any_of(needles.begin(), needles.end(),
                     [&](std::string_view n) { return text.find(n) != std::string::npos; });
}

bool is_moderation(std::string_view code, std::string_view message) {
  return mentions(code, {"moderation", "content_policy", "content-policy", "safety"}) ||
         mentions(message, {"moderation", "content policy", "safety system"});
}

} // namespace

Error error_from_response(const HttpResponse& response, std::int64_t now_unix) {
  Error e;
  e.http_status = response.status;
  e.request_id = find_header(response.headers, "x-request-id").value_or("");
  e.retry_after = server_retry_delay(response.headers, now_unix);
  auto body =
      parse_error_body(response.body, find_header(response.headers, "content-type").value_or(""));
  e.api_type = body.type;
  e.api_code = body.code;
  e.api_param = body.param;
  std::string status = "HTTP " + std::to_string(response.status);
  if (body.is_html) {
    e.message = "The server answered " + status + " with an HTML page (" + body.message +
                "), not an API answer.";
  } else {
    e.message = body.message.empty() ? "The server answered " + status + "." : body.message;
  }

  int s = response.status;
  if (s == 401) {
    e.code = ErrorCode::unauthorized;
    e.hint = "Check the `api_key`: it is missing, wrong or revoked.";
    e.setting = "api_key";
    e.hint_kind = HintKind::check_api_key;
  } else if (s == 403) {
    e.code = ErrorCode::forbidden;
    e.hint = "The key is valid but not allowed to do this: check its project and permissions.";
  } else if (s == 404 || s == 410) {
    e.code = ErrorCode::not_found;
    e.hint = "Check the `video_id` (the server's list of videos shows yours) and the `base_url`.";
    e.setting = "video_id";
    e.hint_kind = HintKind::check_video_id;
  } else if (s == 409) {
    e.code = ErrorCode::conflict;
    e.hint = "Try again in a moment.";
  } else if (s == 429) {
    if (mentions(e.api_type + " " + e.api_code, {"insufficient_quota", "billing"}) ||
        mentions(e.message, {"quota", "billing", "credit"})) {
      e.code = ErrorCode::quota;
      e.hint = "The account is out of quota or credit: check the plan and billing settings.";
    } else {
      e.code = ErrorCode::rate_limited;
      e.hint = "Too many requests: wait a moment, or lower the request rate.";
    }
  } else if (s >= 500) {
    e.code = ErrorCode::server;
    e.hint = "The server failed; try again later.";
  } else if (is_moderation(e.api_code, e.message)) {
    e.code = ErrorCode::moderation;
    e.hint = "Rephrase the prompt or use another image.";
  } else {
    e.code = ErrorCode::http;
    e.hint = e.api_param.empty() ? "Fix the request as the message says."
                                 : "Fix the value of '" + e.api_param + "'.";
    if (s == 408) e.hint = "The server timed out reading the request; try again.";
  }
  return e;
}

void explain_wrong_prefix(Error& error, std::string_view base_url) {
  if (error.http_status != 404) return;
  auto scheme = base_url.find("://");
  auto slash = base_url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  std::string path = slash == std::string_view::npos ? "" : std::string(base_url.substr(slash));
  for (std::size_t at = path.find("/v"); at != std::string::npos; at = path.find("/v", at + 1))
    if (at + 2 < path.size() && std::isdigit(static_cast<unsigned char>(path[at + 2])))
      return; // a versioned prefix: the route is missing for another reason
  std::string said = ascii_lower(error.message);
  bool route_missing = said.find("html page") != std::string::npos ||
                       said.find("not found") != std::string::npos ||
                       said.find("invalid url") != std::string::npos ||
                       said.find("the server answered http 404") != std::string::npos;
  if (!route_missing) return;
  std::string base(base_url);
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  error.suggested_base_url = base + "/v1";
  error.message = "The server has no such route below " + base +
                  " (HTTP 404): the base URL probably lacks its version prefix.";
  error.hint = "Use the base URL " + error.suggested_base_url +
               " (most servers serve the API "
               "below /v1).";
}

Error error_from_job(const Video& video) {
  Error e;
  e.video_id = video.id;
  std::string code = video.error ? video.error->code : "";
  std::string detail = video.error ? video.error->message : "";
  e.api_code = code;
  if (video.status == VideoStatus::failed && is_moderation(code, detail)) {
    e.code = ErrorCode::moderation;
    e.message = "Video " + video.id + " was refused by content policy" +
                (detail.empty() ? "." : ": " + detail) + (code.empty() ? "" : " (" + code + ")");
    e.hint = "Rephrase the prompt or use another image; this refusal is not billed as a video.";
    return e;
  }
  e.code = video.status == VideoStatus::cancelled ? ErrorCode::cancelled : ErrorCode::job_failed;
  std::string verb =
      video.status == VideoStatus::failed ? "failed" : "ended as " + video.status_raw;
  e.message = "Video " + video.id + " " + verb + (detail.empty() ? "." : ": " + detail) +
              (code.empty() ? "" : " (" + code + ")");
  e.hint = video.status == VideoStatus::failed ? "Try again, or change the prompt."
           : video.status == VideoStatus::cancelled
               ? "Someone or something cancelled it on the server; create it again if it is "
                 "still wanted."
               : "Create the video again.";
  return e;
}

} // namespace sora::detail

namespace sora {

Error error_for_job(const Video& video) {
  return detail::error_from_job(video);
}

} // namespace sora
