// The API's JSON, read leniently (tolerance rules 12-17) and written exactly.
#pragma once

#include <sora/client.hpp>
#include <sora/result.hpp>
#include <sora/video.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sora::detail {

/// Parses a video object. Fails with protocol when the text is not a JSON object with an id.
Result<Video> parse_video(std::string_view text);
/// Parses a list envelope (`data` required; `has_more`, `first_id`, `last_id` optional).
Result<VideoList> parse_video_list(std::string_view text);
/// Parses a deletion answer; a video object with status "deleted" is accepted too.
Result<DeletedVideo> parse_deleted(std::string_view text);

/// What an error body says, whichever dialect it is in.
struct ApiErrorBody {
  std::string message;
  std::string type;
  std::string code;
  std::string param;
  bool is_html = false;
};
/// Reads OpenAI `{"error":{…}}`, FastAPI `{"detail":…}`, new-api `{"code","message"}`, a plain
/// `{"message":…}`, HTML or text. Never fails: unknown shapes give a short excerpt as message.
ApiErrorBody parse_error_body(std::string_view text, std::string_view content_type);

/// True when `text` parses as a JSON object that looks like a video job (has an id and a status).
bool looks_like_video(std::string_view text);

/// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);
/// True when `text` is one valid JSON value (for --field-json style values).
bool is_json_value(std::string_view text);
/// `text` re-written as compact JSON; nullopt when it is not one valid JSON value.
std::optional<std::string> compact_json(std::string_view text);
/// The text of a JSON string literal; nullopt when `text` is not one.
std::optional<std::string> json_string_value(std::string_view text);
/// A JSON object whose members are the planned fields in order (each value is JSON text).
/// File fields have no JSON form and are rejected by the planner before this is called.
std::string encode_fields_json(const std::vector<PlannedField>& fields);

/// Where a finished job's file can be fetched from, in the order of tolerance rule 20: URL
/// fields (`video_url`, `url`, `output_url`, `result_url`, `metadata.url`, `outputs.video_url`,
/// `content.video_url`, `urls[0]`, `unsigned_urls[0]`, `data[0].url`, `video.url`), then inline
/// base64 (`b64_json`, `data[0].b64_json`, `video.b64_json`).
struct ResultLocations {
  std::vector<std::string> urls; ///< as written: absolute, relative or `data:` URLs
  std::optional<std::string> b64_json;
};
/// The result locations in a JSON object; empty when `text` is not one.
ResultLocations find_result_locations(std::string_view text);

} // namespace sora::detail
