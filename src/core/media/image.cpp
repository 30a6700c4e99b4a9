// Image type and pixel size from header bytes: JPEG SOFn, PNG IHDR, WebP VP8/VP8L/VP8X.
#include <sora/image.hpp>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>
#include <vector>

namespace sora {
namespace {

using Bytes = std::span<const unsigned char>;

unsigned be16(Bytes b, std::size_t at) {
  return (unsigned{b[at]} << 8) | b[at + 1];
}
std::uint32_t be32(Bytes b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
         (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
}
unsigned le16(Bytes b, std::size_t at) {
  return b[at] | (unsigned{b[at + 1]} << 8);
}
std::uint32_t le24(Bytes b, std::size_t at) {
  return b[at] | (std::uint32_t{b[at + 1]} << 8) | (std::uint32_t{b[at + 2]} << 16);
}

// An invalid_argument about the `image` setting, with the remedy's kind for front ends.
Unexpected bad_image(std::string why, std::string hint, HintKind kind) {
  auto u = unexpected(ErrorCode::invalid_argument, std::move(why), std::move(hint));
  u.error.setting = "image";
  u.error.hint_kind = kind;
  return u;
}

Unexpected not_an_image(std::string why) {
  return bad_image(std::move(why), "Use a JPEG, PNG or WebP image as the `image`.",
                   HintKind::use_supported_image);
}

Result<ImageInfo> probe_jpeg(Bytes b) {
  std::size_t at = 2;
  while (at + 4 <= b.size()) {
    if (b[at] != 0xFF) return not_an_image("The JPEG header is damaged.");
    unsigned char marker = b[at + 1];
    if (marker == 0xFF) { // fill byte
      ++at;
      continue;
    }
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
      at += 2;
      continue;
    }
    unsigned length = be16(b, at + 2);
    bool is_sof =
        marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (is_sof) {
      if (at + 9 > b.size()) break;
      return ImageInfo{ImageType::jpeg, static_cast<int>(be16(b, at + 7)),
                       static_cast<int>(be16(b, at + 5))};
    }
    if (marker == 0xD9 || marker == 0xDA || length < 2) break; // end or scan data before a frame
    at += 2 + length;
  }
  return not_an_image("The JPEG header has no frame size in its first bytes.");
}

Result<ImageInfo> probe_png(Bytes b) {
  if (b.size() < 24 || std::memcmp(b.data() + 12, "IHDR", 4) != 0)
    return not_an_image("The PNG header is damaged (no IHDR chunk).");
  return ImageInfo{ImageType::png, static_cast<int>(be32(b, 16)), static_cast<int>(be32(b, 20))};
}

Result<ImageInfo> probe_webp(Bytes b) {
  if (b.size() < 30) return not_an_image("The WebP header is truncated.");
  const unsigned char* chunk = b.data() + 12;
  if (std::memcmp(chunk, "VP8 ", 4) == 0) { // lossy: frame tag, start code, 14-bit sizes
    if (b[23] != 0x9D || b[24] != 0x01 || b[25] != 0x2A)
      return not_an_image("The WebP (VP8) header is damaged.");
    return ImageInfo{ImageType::webp, static_cast<int>(le16(b, 26) & 0x3FFF),
                     static_cast<int>(le16(b, 28) & 0x3FFF)};
  }
  if (std::memcmp(chunk, "VP8L", 4) == 0) { // lossless: signature 0x2F then 14+14 bits
    if (b[20] != 0x2F) return not_an_image("The WebP (VP8L) header is damaged.");
    std::uint32_t bits = b[21] | (std::uint32_t{b[22]} << 8) | (std::uint32_t{b[23]} << 16) |
                         (std::uint32_t{b[24]} << 24);
    return ImageInfo{ImageType::webp, static_cast<int>((bits & 0x3FFF) + 1),
                     static_cast<int>(((bits >> 14) & 0x3FFF) + 1)};
  }
  if (std::memcmp(chunk, "VP8X", 4) == 0) // extended: 24-bit canvas size minus one
    return ImageInfo{ImageType::webp, static_cast<int>(le24(b, 24) + 1),
                     static_cast<int>(le24(b, 27) + 1)};
  return not_an_image("The WebP file has an unknown first chunk.");
}

} // namespace

std::string_view mime_type(ImageType type) noexcept {
  switch (type) {
  case ImageType::jpeg:
    return "image/jpeg";
  case ImageType::png:
    return "image/png";
  case ImageType::webp:
    return "image/webp";
  }
  return "application/octet-stream";
}

std::string size_string(const ImageInfo& info) {
  return std::to_string(info.width) + "x" + std::to_string(info.height);
}

namespace {

// A header that parses but names no pixels (0 wide, or past 2^31) is damaged, not an image.
Result<ImageInfo> checked(Result<ImageInfo> info) {
  if (info && (info->width <= 0 || info->height <= 0))
    return not_an_image("The image header gives an impossible size (" + size_string(*info) + ").");
  return info;
}

} // namespace

Result<ImageInfo> probe_image_bytes(std::span<const unsigned char> b) {
  static constexpr std::array<unsigned char, 8> k_png{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  if (b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return checked(probe_jpeg(b));
  if (b.size() >= 8 && std::memcmp(b.data(), k_png.data(), k_png.size()) == 0)
    return checked(probe_png(b));
  if (b.size() >= 12 && std::memcmp(b.data(), "RIFF", 4) == 0 &&
      std::memcmp(b.data() + 8, "WEBP", 4) == 0)
    return checked(probe_webp(b));
  return not_an_image("The file is not a JPEG, PNG or WebP image.");
}

Result<ImageInfo> probe_image(const std::filesystem::path& path) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    return bad_image("Image not found: " + path.string(), "Check the path given as the `image`.",
                     HintKind::check_image_path);
  if (std::filesystem::is_directory(status))
    return bad_image("Image is a directory: " + path.string(),
                     "Give the path of an image file as the `image`.", HintKind::check_image_path);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return unexpected(ErrorCode::invalid_argument,
                      "Cannot read image " + path.string() + ": " + std::strerror(errno),
                      "Check the file's permissions.");
  std::vector<unsigned char> head(256 * 1024); // past any EXIF and ICC segments
  in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  auto info = probe_image_bytes(head);
  if (!info) {
    Error e = info.error();
    e.message = path.string() + ": " + e.message;
    return unexpected(std::move(e));
  }
  return info;
}

} // namespace sora
