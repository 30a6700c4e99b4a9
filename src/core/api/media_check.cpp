// Magic numbers of the three variants (MP4, WebP, JPEG) and the error when they do not match.
#include "api/media_check.hpp"

#include <cstring>

namespace sora::detail {

bool matches_variant(Variant variant, std::span<const char> head) {
  auto at = [&](std::size_t i) { return static_cast<unsigned char>(head[i]); };
  switch (variant) {
  case Variant::video:
    return head.size() >= 8 && std::memcmp(head.data() + 4, "ftyp", 4) == 0;
  case Variant::thumbnail:
    return head.size() >= 12 && std::memcmp(head.data(), "RIFF", 4) == 0 &&
           std::memcmp(head.data() + 8, "WEBP", 4) == 0;
  case Variant::spritesheet:
    return head.size() >= 3 && at(0) == 0xFF && at(1) == 0xD8;
  }
  return false;
}

bool starts_like_json(std::string_view head) {
  auto first = head.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && head[first] == '{';
}

std::string describe_media(std::span<const char> head) {
  if (head.size() >= 8 && std::memcmp(head.data() + 4, "ftyp", 4) == 0) return "an MP4 video";
  if (head.size() >= 12 && std::memcmp(head.data() + 8, "WEBP", 4) == 0) return "a WebP image";
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0xFF &&
      static_cast<unsigned char>(head[1]) == 0xD8)
    return "a JPEG image";
  if (!head.empty() && head[0] == '{') return "JSON";
  return "unrecognised data";
}

Error variant_mismatch(std::string_view id, Variant variant, std::span<const char> head) {
  Error e;
  e.code = ErrorCode::protocol;
  e.video_id = std::string(id);
  e.message = "Asked for the " + std::string(to_string(variant)) + " of " + std::string(id) +
              " but the server sent " + describe_media(head) + ".";
  e.hint = variant == Variant::video
               ? "Check that `base_url` points at a Videos API server."
               : "This server may not offer that variant; try `variant` video.";
  return e;
}

} // namespace sora::detail
