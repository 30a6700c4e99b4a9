// `POST /videos/extensions` and `POST /videos/edits`: new jobs made from a finished one.
// Bodies are checked as the real API checks them: `video` ({"id": …}) and `prompt` required,
// `seconds` (4, 8, 12, 16 or 20) required for an extension; unknown members rejected.
#include "params.hpp"
#include "server.hpp"

#include <algorithm>
#include <charconv>

namespace sora_mock {
namespace {

constexpr std::size_t k_prompt_max = 32000;
constexpr int k_max_total_seconds = 120; // the guide: an extended video is at most 120 s
const std::vector<std::string> k_extension_seconds = {"4", "8", "12", "16", "20"};

struct ContinuationBody {
  std::optional<std::string> video_id;
  std::optional<std::string> prompt;
  std::optional<std::string> seconds;
};

ApiError missing(const std::string& name) {
  return invalid_request("Missing required parameter: '" + name + "'.", name,
                         "missing_required_parameter");
}

ApiError unknown(const std::string& name) {
  return invalid_request("Unknown parameter: '" + name + "'.", name, "unknown_parameter");
}

ApiError wrong_type(const std::string& name, const std::string& expected,
                    const nlohmann::json& got) {
  return invalid_request("Invalid type for '" + name + "': expected " + expected + ", but got " +
                             json_type_phrase(got) + " instead.",
                         name, "invalid_type");
}

std::variant<ContinuationBody, ApiError> read_json(const httplib::Request& req, bool seconds) {
  ContinuationBody body;
  if (req.body.empty()) return body;
  auto j = nlohmann::json::parse(req.body, nullptr, false);
  if (j.is_discarded()) return invalid_request("We could not parse the JSON body of your request.");
  if (!j.is_object())
    return invalid_request("Invalid type for request body: expected an object, but got " +
                           json_type_phrase(j) + " instead.");
  for (const auto& [key, value] : j.items()) {
    if (value.is_null()) continue;
    if (key == "video") {
      if (!value.is_object()) return wrong_type("video", "an object", value);
      for (const auto& [member, inner] : value.items()) {
        if (member != "id") return unknown("video." + member);
        if (!inner.is_string()) return wrong_type("video.id", "a string", inner);
        body.video_id = inner.get<std::string>();
      }
      if (!body.video_id) return missing("video.id");
    } else if (key == "prompt" || (seconds && key == "seconds")) {
      if (!value.is_string()) return wrong_type(key, "a string", value);
      (key == "prompt" ? body.prompt : body.seconds) = value.get<std::string>();
    } else {
      return unknown(key);
    }
  }
  return body;
}

// Multipart: `video[id]` names the source (an uploaded `video` file is not offered here).
std::variant<ContinuationBody, ApiError> read_multipart(const httplib::Request& req, bool seconds) {
  ContinuationBody body;
  for (const auto& [name, part] : req.files) {
    if (name == "video[id]") {
      body.video_id = part.content;
    } else if (name == "video") {
      return invalid_request("Editing or extending an uploaded video is not available to this "
                             "account; pass video[id] of a finished video.",
                             "video", "invalid_value");
    } else if (name == "prompt") {
      body.prompt = part.content;
    } else if (seconds && name == "seconds") {
      body.seconds = part.content;
    } else {
      return unknown(name);
    }
  }
  return body;
}

std::variant<ContinuationBody, ApiError> parse_body(const httplib::Request& req, bool seconds) {
  std::variant<ContinuationBody, ApiError> parsed;
  if (req.is_multipart_form_data()) {
    parsed = read_multipart(req, seconds);
  } else {
    const auto content_type = req.get_header_value("Content-Type");
    if (!content_type.empty() && !is_json_content_type(content_type))
      return invalid_request("Unsupported content type: '" + content_type +
                             "'. This API method only accepts 'application/json' and "
                             "'multipart/form-data' requests.");
    parsed = read_json(req, seconds);
  }
  if (const auto* error = std::get_if<ApiError>(&parsed)) return *error;
  auto& body = std::get<ContinuationBody>(parsed);
  if (!body.video_id) return missing("video");
  if (!body.prompt) return missing("prompt");
  const auto length = utf8_length(*body.prompt);
  if (length == 0)
    return invalid_request("Invalid 'prompt': string too short. Expected a string with minimum "
                           "length 1, but got an empty string instead.",
                           "prompt", "string_below_min_length");
  if (length > k_prompt_max)
    return invalid_request("Invalid 'prompt': string too long. Expected a string with maximum "
                           "length 32000, but got a string with length " +
                               std::to_string(length) + " instead.",
                           "prompt", "string_above_max_length");
  if (seconds) {
    if (!body.seconds) return missing("seconds");
    if (std::find(k_extension_seconds.begin(), k_extension_seconds.end(), *body.seconds) ==
        k_extension_seconds.end())
      return invalid_request("Invalid value: '" + *body.seconds + "'. Supported values are: " +
                                 quoted_list(k_extension_seconds) + ".",
                             "seconds", "invalid_value");
  }
  return body;
}

void answer(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void answer_error(httplib::Response& res, const ApiError& error) {
  answer(res, error.status, error_body(error));
}

int to_int(const std::string& text) {
  int value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

} // namespace

// The source must exist (404) and be completed (400), as for remix.
std::optional<Job> MockServer::finished_source(httplib::Response& res, const std::string& id,
                                               const char* what) {
  const auto source = m_store.find(id);
  if (!source) {
    ApiError error = invalid_request("No video found with id '" + id + "'.", "video");
    error.status = 404;
    answer_error(res, error);
    return std::nullopt;
  }
  if (source->status != VideoStatus::completed) {
    answer_error(res, invalid_request("Video " + id +
                                          " is not completed yet; only completed "
                                          "videos can be " +
                                          what + ".",
                                      "video"));
    return std::nullopt;
  }
  return source;
}

void MockServer::extend(const httplib::Request& req, httplib::Response& res) {
  auto parsed = parse_body(req, true);
  if (const auto* error = std::get_if<ApiError>(&parsed)) return answer_error(res, *error);
  auto& body = std::get<ContinuationBody>(parsed);
  const auto source = finished_source(res, *body.video_id, "extended");
  if (!source) return;
  const int total = to_int(source->spec.seconds) + to_int(*body.seconds);
  if (total > k_max_total_seconds)
    return answer_error(res, invalid_request("Invalid 'seconds': the extended video would be " +
                                                 std::to_string(total) +
                                                 " seconds long; the maximum is 120.",
                                             "seconds", "invalid_value"));
  JobSpec spec = source->spec; // model and size of the source; seconds: the stitched total
  spec.prompt = std::move(*body.prompt);
  spec.seconds = std::to_string(total);
  spec.remixed_from.reset();
  spec.outcome = outcome_for(spec.prompt);
  answer(res, 200, video_json(m_store.create(std::move(spec))));
}

void MockServer::edit(const httplib::Request& req, httplib::Response& res) {
  auto parsed = parse_body(req, false);
  if (const auto* error = std::get_if<ApiError>(&parsed)) return answer_error(res, *error);
  auto& body = std::get<ContinuationBody>(parsed);
  const auto source = finished_source(res, *body.video_id, "edited");
  if (!source) return;
  JobSpec spec = source->spec; // same model, size and length as the source
  spec.prompt = std::move(*body.prompt);
  spec.remixed_from.reset();
  spec.outcome = outcome_for(spec.prompt);
  answer(res, 200, video_json(m_store.create(std::move(spec))));
}

} // namespace sora_mock
