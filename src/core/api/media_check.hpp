// Telling media from the first bytes: is this the variant that was asked for (tolerance rule 22),
// or JSON where a file was expected (rule 20)?
#pragma once

#include <sora/error.hpp>
#include <sora/video.hpp>

#include <span>
#include <string>
#include <string_view>

namespace sora::detail {

/// True when `head` starts like the media a variant should be (tolerance rule 22).
bool matches_variant(Variant variant, std::span<const char> head);
/// True when the first non-blank byte opens a JSON object.
bool starts_like_json(std::string_view head);
/// "an MP4 video", "a WebP image", "a JPEG image", "JSON" or "unrecognised data".
std::string describe_media(std::span<const char> head);
/// The protocol error for media that is not the variant asked for.
Error variant_mismatch(std::string_view id, Variant variant, std::span<const char> head);

} // namespace sora::detail
