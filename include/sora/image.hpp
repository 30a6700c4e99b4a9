// Reading an image's type and pixel size from its first bytes, without decoding it.
#pragma once

#include <sora/result.hpp>

#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace sora {

enum class ImageType { jpeg, png, webp };

struct ImageInfo {
  ImageType type = ImageType::jpeg;
  int width = 0;
  int height = 0;
};

/// "image/jpeg", "image/png" or "image/webp".
std::string_view mime_type(ImageType type) noexcept;
/// "WxH", the API's size notation.
std::string size_string(const ImageInfo& info);

/// Parses the header bytes of a JPEG, PNG or WebP image (the first 64 KiB are plenty).
/// Fails with invalid_argument for anything else or a truncated header.
Result<ImageInfo> probe_image_bytes(std::span<const unsigned char> bytes);
/// Opens `path` and probes it. Fails with invalid_argument naming the file when it is missing,
/// unreadable, a directory, or not a supported image.
Result<ImageInfo> probe_image(const std::filesystem::path& path);

} // namespace sora
