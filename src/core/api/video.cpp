// Status and variant vocabularies (tolerance rule 13: every server's words map to one set).
#include "common/text.hpp"

#include <sora/video.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <utility>

namespace sora {

std::string_view to_string(VideoStatus status) noexcept {
  switch (status) {
  case VideoStatus::queued:
    return "queued";
  case VideoStatus::in_progress:
    return "in_progress";
  case VideoStatus::completed:
    return "completed";
  case VideoStatus::failed:
    return "failed";
  case VideoStatus::cancelled:
    return "cancelled";
  case VideoStatus::expired:
    return "expired";
  case VideoStatus::deleted:
    return "deleted";
  }
  return "queued";
}

VideoStatus parse_status(std::string_view text) noexcept {
  static constexpr std::array<std::pair<std::string_view, VideoStatus>, 19> k_words{{
      {"in_progress", VideoStatus::in_progress},
      {"processing", VideoStatus::in_progress},
      {"running", VideoStatus::in_progress},
      {"generating", VideoStatus::in_progress},
      {"completed", VideoStatus::completed},
      {"complete", VideoStatus::completed},
      {"succeeded", VideoStatus::completed},
      {"success", VideoStatus::completed},
      {"done", VideoStatus::completed},
      {"finished", VideoStatus::completed},
      {"failed", VideoStatus::failed},
      {"failure", VideoStatus::failed},
      {"fail", VideoStatus::failed},
      {"error", VideoStatus::failed},
      {"cancelled", VideoStatus::cancelled},
      {"canceled", VideoStatus::cancelled},
      {"expired", VideoStatus::expired},
      {"deleted", VideoStatus::deleted},
      {"in-progress", VideoStatus::in_progress},
  }};
  std::string word = detail::ascii_lower(text);
  for (const auto& [name, status] : k_words)
    if (word == name) return status;
  return VideoStatus::queued; // queued, pending, submitted, … and anything unknown: keep polling
}

bool is_terminal(VideoStatus status) noexcept {
  return status != VideoStatus::queued && status != VideoStatus::in_progress;
}

std::string_view to_string(Variant variant) noexcept {
  switch (variant) {
  case Variant::video:
    return "video";
  case Variant::thumbnail:
    return "thumbnail";
  case Variant::spritesheet:
    return "spritesheet";
  }
  return "video";
}

std::optional<Variant> parse_variant(std::string_view text) noexcept {
  if (text == "video") return Variant::video;
  if (text == "thumbnail") return Variant::thumbnail;
  if (text == "spritesheet") return Variant::spritesheet;
  return std::nullopt;
}

std::string_view file_extension(Variant variant) noexcept {
  switch (variant) {
  case Variant::video:
    return ".mp4";
  case Variant::thumbnail:
    return ".webp";
  case Variant::spritesheet:
    return ".jpg";
  }
  return ".mp4";
}

} // namespace sora
