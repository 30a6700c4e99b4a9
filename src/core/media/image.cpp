// Image type and pixel size from header bytes: JPEG SOFn, PNG IHDR, WebP VP8/VP8L/VP8X, HEIF
// (HEIC, AVIF) ftyp brands and ispe/irot properties.
#include <sora/image.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <string_view>
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
  return bad_image(std::move(why), "Use a JPEG, PNG, WebP, HEIC or AVIF image as the `image`.",
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

bool has_brand(Bytes ftyp, std::string_view brand) {
  // major brand at 8, minor version at 12, compatible brands from 16 on (4 bytes each)
  for (std::size_t at = 8; at + 4 <= ftyp.size(); at += at == 8 ? 8 : 4)
    if (std::memcmp(ftyp.data() + at, brand.data(), 4) == 0) return true;
  return false;
}

std::optional<ImageType> heif_type(Bytes b) {
  if (b.size() < 16 || std::memcmp(b.data() + 4, "ftyp", 4) != 0) return std::nullopt;
  std::size_t size = std::min<std::size_t>(be32(b, 0), b.size());
  Bytes ftyp = b.first(size);
  if (has_brand(ftyp, "avif") || has_brand(ftyp, "avis")) return ImageType::avif;
  for (auto brand : {"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"})
    if (has_brand(ftyp, brand)) return ImageType::heic;
  return std::nullopt;
}

// A HEIF header's boxes are found by name within the probed bytes (they sit in `meta`, near the
// start): `pitm` names the primary item, `ipma` lists each item's properties as 1-based indexes
// into `ipco`'s children. A 0 offset means "not found".
struct HeifBoxes {
  std::string_view text;
  std::size_t find(std::string_view type) const {
    auto at = text.find(type);
    return at == std::string_view::npos || at < 4 ? 0 : at;
  }
};

// The offsets of the primary item's properties (their type's offset), in ipco order.
std::vector<std::size_t> primary_properties(Bytes b) {
  HeifBoxes boxes{{reinterpret_cast<const char*>(b.data()), b.size()}};
  std::size_t pitm = boxes.find("pitm"), ipco = boxes.find("ipco"), ipma = boxes.find("ipma");
  if (!pitm || !ipco || !ipma || ipma + 12 > b.size() || pitm + 12 > b.size()) return {};
  std::uint32_t primary = b[pitm + 4] == 0 ? be16(b, pitm + 8) : be32(b, pitm + 8);
  std::vector<std::size_t> children; // ipco's child boxes, by 1-based index - 1
  std::size_t end = std::min<std::size_t>(ipco - 4 + be32(b, ipco - 4), b.size());
  for (std::size_t at = ipco + 4; at + 8 <= end && children.size() < 256;) {
    std::uint32_t size = be32(b, at);
    children.push_back(at + 4);
    if (size < 8) break;
    at += size;
  }
  bool wide_ids = b[ipma + 4] >= 1, wide_index = b[ipma + 7] & 1;
  std::uint32_t entries = be32(b, ipma + 8);
  std::vector<std::size_t> found;
  for (std::size_t at = ipma + 12; entries-- > 0 && at + 5 <= b.size();) {
    std::uint32_t id = wide_ids ? be32(b, at) : be16(b, at);
    at += wide_ids ? 4 : 2;
    unsigned count = b[at++];
    for (unsigned i = 0; i < count && at + 2 <= b.size(); ++i) {
      unsigned index = wide_index ? be16(b, at) & 0x7FFF : b[at] & 0x7Fu;
      at += wide_index ? 2 : 1;
      if (id == primary && index >= 1 && index <= children.size())
        found.push_back(children[index - 1]);
    }
  }
  return found;
}

// The primary image's `ispe` (image spatial extents), cropped by its `clap` (an encoder pads to
// whole coding blocks and crops back), turned by its `irot` of 90 or 270 degrees.
Result<ImageInfo> probe_heif(Bytes b, ImageType type) {
  ImageInfo info{type, 0, 0};
  bool turned = false;
  for (std::size_t at : primary_properties(b)) {
    std::string_view name(reinterpret_cast<const char*>(b.data()) + at, 4);
    if (name == "ispe" && at + 16 <= b.size())
      info = ImageInfo{type, static_cast<int>(be32(b, at + 8)), static_cast<int>(be32(b, at + 12))};
    if (name == "clap" && at + 20 <= b.size()) {
      auto wn = be32(b, at + 4), wd = be32(b, at + 8), hn = be32(b, at + 12), hd = be32(b, at + 16);
      if (wd && hd && wn / wd >= 1 && hn / hd >= 1)
        info = ImageInfo{type, static_cast<int>(wn / wd), static_cast<int>(hn / hd)};
    }
    if (name == "irot" && at + 5 <= b.size()) turned = b[at + 4] & 1;
  }
  if (turned) std::swap(info.width, info.height);
  if (info.width < 1) return not_an_image("The HEIF header has no image size in its first bytes.");
  return info;
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
  case ImageType::heic:
    return "image/heic";
  case ImageType::avif:
    return "image/avif";
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
  if (auto type = heif_type(b)) return checked(probe_heif(b, *type));
  return not_an_image("The file is not a JPEG, PNG, WebP, HEIC or AVIF image.");
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
