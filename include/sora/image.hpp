// Reading an image's type and pixel size from its first bytes, without decoding it.
#pragma once

#include <sora/result.hpp>

#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace sora {

/// heic covers HEIF files of HEVC images (iPhone photos); avif is AV1 in HEIF. The API takes only
/// JPEG, PNG and WebP, so heic and avif are always converted before an upload (needs_conversion).
enum class ImageType { jpeg, png, webp, heic, avif };

struct ImageInfo {
  ImageType type = ImageType::jpeg;
  int width = 0;
  int height = 0;
};

/// "image/jpeg", "image/png", "image/webp", "image/heic" or "image/avif".
std::string_view mime_type(ImageType type) noexcept;
/// "WxH", the API's size notation.
std::string size_string(const ImageInfo& info);

/// Parses the header bytes of a JPEG, PNG, WebP, HEIC or AVIF image (the first 64 KiB are plenty;
/// a HEIF file's size is its largest `ispe`, turned by `irot`).
/// Fails with invalid_argument for anything else or a truncated header.
Result<ImageInfo> probe_image_bytes(std::span<const unsigned char> bytes);
/// Opens `path` and probes it. Fails with invalid_argument naming the file when it is missing,
/// unreadable, a directory, or not a supported image.
Result<ImageInfo> probe_image(const std::filesystem::path& path);

} // namespace sora
