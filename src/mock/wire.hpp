// Wire-format helpers: JSON objects, the OpenAI error envelope, ids, base64 and image probing.
#pragma once

#include "store.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sora_mock {

/// Output JSON keeps insertion order so bodies read like the real API's.
using Json = nlohmann::ordered_json;

/// An HTTP error answered with the OpenAI envelope.
struct ApiError {
  int status = 400;
  std::string message;
  std::string type = "invalid_request_error";
  std::optional<std::string> param;
  std::optional<std::string> code;
  /// When set, the body sent as it is (another server's error dialect) with `raw_type`.
  std::optional<std::string> raw;
  std::string raw_type = "application/json";
};

/// A 400 invalid_request_error about `param`.
ApiError invalid_request(std::string message, std::optional<std::string> param = std::nullopt,
                         std::optional<std::string> code = std::nullopt);
/// `{"error":{"message","type","param","code"}}` with all four keys present.
Json error_body(const ApiError& error);

/// The Video object for `job`.
Json video_json(const Job& job);
/// The wire string of `status`.
std::string_view status_name(VideoStatus status);

/// `n` random lowercase hex digits (thread-safe).
std::string random_hex(std::size_t n);
/// `video_` + 32 hex digits.
std::string new_video_id();
/// `req_` + 24 hex digits.
std::string new_request_id();

/// Number of UTF-8 code points in `text` (continuation bytes are not counted).
std::size_t utf8_length(std::string_view text);
/// `'a'`, `'a' and 'b'`, `'a', 'b', and 'c'`: the list style of OpenAI's messages.
std::string quoted_list(const std::vector<std::string>& values);
/// "a string", "an integer", ... as used in "expected X, but got Y instead".
std::string json_type_phrase(const nlohmann::json& value);
/// Standard base64 with padding.
std::string encode_base64(std::string_view bytes);
/// Decodes standard (or URL-safe) base64; nullopt on malformed input.
std::optional<std::string> decode_base64(std::string_view text);

/// Image container formats accepted as `input_reference`.
enum class ImageFormat { jpeg, png, webp };

/// The format from the magic bytes, ignoring any declared content type.
std::optional<ImageFormat> detect_image_format(std::string_view bytes);

/// Pixel size read from an image header.
struct ImageSize {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

/// Width and height from the header of a JPEG (SOFn), PNG (IHDR) or WebP (VP8/VP8L/VP8X);
/// nullopt if the header is truncated or malformed.
std::optional<ImageSize> probe_image_size(std::string_view bytes, ImageFormat format);

} // namespace sora_mock
