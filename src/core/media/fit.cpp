// Image fitting: decode (one codec file each: JPEG, PNG, WebP, HEIC/AVIF), convert to sRGB,
// orient, resize with stb_image_resize in linear light, and write a temporary JPEG or PNG. See
// docs/adr/0004-image-library.md and docs/adr/0010-heif-and-colour.md.
#include "media/raster.hpp"

#include <sora/fit.hpp>
#include <sora/validate.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csetjmp>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <stb/stb_image_resize.h>
#include <vector>

namespace sora {
namespace {

namespace fs = std::filesystem;
using media::k_max_side;
using media::Raster;

unsigned read16(const unsigned char* p, bool big) {
  return big ? (unsigned{p[0]} << 8) | p[1] : p[0] | (unsigned{p[1]} << 8);
}
std::uint32_t read32(const unsigned char* p, bool big) {
  return big ? (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                   (std::uint32_t{p[2]} << 8) | p[3]
             : p[0] | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
                   (std::uint32_t{p[3]} << 24);
}

// ---- geometry -------------------------------------------------------------------------------

// Applies an EXIF orientation: the result is the image as it is meant to be seen.
Raster orient(Raster in, int orientation) {
  if (orientation <= 1 || orientation > 8) return in;
  int w = in.width, h = in.height;
  bool swap = orientation >= 5;
  Raster out;
  out.width = swap ? h : w;
  out.height = swap ? w : h;
  out.rgb.resize(in.rgb.size());
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x) {
      int sx = x, sy = y;
      switch (orientation) {
      case 2:
        sx = w - 1 - x;
        break;
      case 3:
        sx = w - 1 - x;
        sy = h - 1 - y;
        break;
      case 4:
        sy = h - 1 - y;
        break;
      case 5:
        sx = y;
        sy = x;
        break;
      case 6:
        sx = y;
        sy = h - 1 - x;
        break;
      case 7:
        sx = w - 1 - y;
        sy = h - 1 - x;
        break;
      case 8:
        sx = w - 1 - y;
        sy = x;
        break;
      default:
        break;
      }
      std::memcpy(&out.rgb[(std::size_t(y) * std::size_t(out.width) + std::size_t(x)) * 3],
                  &in.rgb[(std::size_t(sy) * std::size_t(w) + std::size_t(sx)) * 3], 3);
    }
  return out;
}

// Resamples the region [s0,s1]x[t0,t1] (fractions of the source) into a w x h block of `out`.
bool resample(const Raster& in, float s0, float t0, float s1, float t1, unsigned char* out, int w,
              int h, int out_stride) {
  // Mitchell when shrinking, Catmull-Rom when enlarging, in linear light (sRGB decoded).
  return stbir_resize_region(in.rgb.data(), in.width, in.height, in.width * 3, out, w, h,
                             out_stride, STBIR_TYPE_UINT8, 3, STBIR_ALPHA_CHANNEL_NONE, 0,
                             STBIR_EDGE_CLAMP, STBIR_EDGE_CLAMP, STBIR_FILTER_DEFAULT,
                             STBIR_FILTER_DEFAULT, STBIR_COLORSPACE_SRGB, nullptr, s0, t0, s1,
                             t1) == 1;
}

Result<Raster> fit_raster(const Raster& in, const FitOptions& o) {
  Raster out;
  out.width = o.width;
  out.height = o.height;
  out.rgb.resize(std::size_t(o.width) * std::size_t(o.height) * 3);
  double sx = double(o.width) / in.width, sy = double(o.height) / in.height;
  bool ok = true;
  switch (o.mode) {
  case FitMode::stretch:
    ok = resample(in, 0, 0, 1, 1, out.rgb.data(), o.width, o.height, o.width * 3);
    break;
  case FitMode::cover: {
    double s = std::max(sx, sy);
    // The centred part of the source that, scaled by s, is exactly the target.
    auto ds = static_cast<float>((1 - o.width / s / in.width) / 2);
    auto dt = static_cast<float>((1 - o.height / s / in.height) / 2);
    ok = resample(in, std::max(0.0f, ds), std::max(0.0f, dt), std::min(1.0f, 1 - ds),
                  std::min(1.0f, 1 - dt), out.rgb.data(), o.width, o.height, o.width * 3);
    break;
  }
  case FitMode::contain: {
    double s = std::min(sx, sy);
    int w = std::clamp(static_cast<int>(std::lround(in.width * s)), 1, o.width);
    int h = std::clamp(static_cast<int>(std::lround(in.height * s)), 1, o.height);
    for (std::size_t i = 0; i < out.rgb.size(); i += 3) {
      out.rgb[i] = o.pad.r;
      out.rgb[i + 1] = o.pad.g;
      out.rgb[i + 2] = o.pad.b;
    }
    std::size_t x0 = std::size_t(o.width - w) / 2, y0 = std::size_t(o.height - h) / 2;
    ok = resample(in, 0, 0, 1, 1, out.rgb.data() + (y0 * std::size_t(o.width) + x0) * 3, w, h,
                  o.width * 3);
    break;
  }
  }
  if (!ok) return unexpected(ErrorCode::internal, "Resizing the image failed (out of memory?).");
  return out;
}

// ---- output ---------------------------------------------------------------------------------

Result<TempFile> make_temp(const fs::path& dir, const fs::path& name) {
  std::string pattern = (dir / "sora-fit-XXXXXX").string();
  if (!::mkdtemp(pattern.data()))
    return unexpected(ErrorCode::io,
                      "Cannot create a temporary folder in " + dir.string() + ": " +
                          std::strerror(errno) + ".",
                      "Set TMPDIR to a writable folder with free space.");
  fs::path folder(pattern);
  return TempFile(folder, folder / name);
}

// The first APP1 Exif segment of a JPEG header (the bytes before the first scan).
int jpeg_header_orientation(std::span<const unsigned char> b) {
  std::size_t at = 2;
  while (at + 4 <= b.size() && b[at] == 0xFF) {
    unsigned char marker = b[at + 1];
    if (marker == 0xFF) {
      ++at;
      continue;
    }
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
      at += 2;
      continue;
    }
    if (marker == 0xDA || marker == 0xD9) break;
    std::size_t length = read16(&b[at + 2], true);
    if (length < 2) break;
    if (marker == 0xE1 && at + 2 + length <= b.size()) {
      int o = exif_orientation(b.subspan(at + 4, length - 2));
      if (o != 1) return o;
    }
    at += 2 + length;
  }
  return 1;
}

Result<Raster> decode(const fs::path& source, ImageType type, const FitOptions& options) {
  media::DecodeTarget target{options};
  switch (type) {
  case ImageType::jpeg:
    return media::decode_jpeg(source, target);
  case ImageType::png:
    return media::decode_png(source, target);
  case ImageType::webp:
    return media::decode_webp(source, target);
  case ImageType::heic:
  case ImageType::avif:
    return media::decode_heif(source, target);
  }
  return unexpected(ErrorCode::internal, "Unknown image type.");
}

} // namespace

std::string_view to_string(FitMode mode) noexcept {
  switch (mode) {
  case FitMode::cover:
    return "cover";
  case FitMode::contain:
    return "contain";
  case FitMode::stretch:
    return "stretch";
  }
  return "cover";
}

Result<FitMode> parse_fit_mode(std::string_view text) {
  for (auto mode : {FitMode::cover, FitMode::contain, FitMode::stretch})
    if (text == to_string(mode)) return mode;
  return unexpected(ErrorCode::invalid_argument, "'" + std::string(text) + "' is not a fit mode.",
                    "Use cover (crop to fill), contain (pad to fit) or stretch.");
}

Result<Color> parse_color(std::string_view text) {
  auto bad = [&] {
    return unexpected(ErrorCode::invalid_argument, "'" + std::string(text) + "' is not a colour.",
                      "Use #RRGGBB (e.g. #1a2b3c), RRGGBB, #RGB, or black, white, gray, red, "
                      "green or blue.");
  };
  std::string lower;
  for (char c : text)
    lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  static const std::pair<const char*, Color> k_names[] = {
      {"black", {0, 0, 0}},      {"white", {255, 255, 255}}, {"gray", {128, 128, 128}},
      {"grey", {128, 128, 128}}, {"red", {255, 0, 0}},       {"green", {0, 128, 0}},
      {"blue", {0, 0, 255}}};
  for (const auto& [name, color] : k_names)
    if (lower == name) return color;
  std::string_view hex = lower;
  if (hex.starts_with('#'))
    hex.remove_prefix(1);
  else if (hex.size() != 6)
    return bad(); // "#RGB" only with the hash, so a name typo is never read as hex
  if (hex.size() != 6 && hex.size() != 3) return bad();
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  int v[6];
  for (std::size_t i = 0; i < hex.size(); ++i)
    if ((v[i] = digit(hex[i])) < 0) return bad();
  if (hex.size() == 3)
    return Color{static_cast<std::uint8_t>(v[0] * 17), static_cast<std::uint8_t>(v[1] * 17),
                 static_cast<std::uint8_t>(v[2] * 17)};
  return Color{static_cast<std::uint8_t>(v[0] * 16 + v[1]),
               static_cast<std::uint8_t>(v[2] * 16 + v[3]),
               static_cast<std::uint8_t>(v[4] * 16 + v[5])};
}

Result<std::pair<int, int>> parse_size(std::string_view text) {
  auto x = text.find('x');
  auto number = [](std::string_view s) -> int {
    if (s.empty() || s.size() > 5) return -1;
    int n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return -1;
      n = n * 10 + (c - '0');
    }
    return n;
  };
  int w = x == std::string_view::npos ? -1 : number(text.substr(0, x));
  int h = x == std::string_view::npos ? -1 : number(text.substr(x + 1));
  if (w < 1 || h < 1 || w > k_max_side || h > k_max_side)
    return unexpected(ErrorCode::invalid_argument,
                      "'" + std::string(text) + "' is not a size in pixels.",
                      "Use WxH, e.g. 1280x720, or auto.");
  return std::pair{w, h};
}

std::string choose_auto_size(int width, int height, std::string_view model) {
  auto sizes = supported_sizes(model);
  if (width <= 0 || height <= 0) return sizes.front();
  std::string exact = std::to_string(width) + "x" + std::to_string(height);
  if (std::find(sizes.begin(), sizes.end(), exact) != sizes.end()) return exact;
  double aspect = std::log(double(width) / height);
  std::string best;
  double best_distance = 0, best_area = 0;
  for (const auto& size : sizes) {
    auto wh = parse_size(size);
    if (!wh) continue;
    double distance = std::abs(std::log(double(wh->first) / wh->second) - aspect);
    double area = double(wh->first) * wh->second;
    bool closer = best.empty() || distance < best_distance - 1e-9 ||
                  (distance < best_distance + 1e-9 && area < best_area);
    if (closer) {
      best = size;
      best_distance = distance;
      best_area = area;
    }
  }
  return best.empty() ? sizes.front() : best;
}

int exif_orientation(std::span<const unsigned char> b) noexcept {
  // "Exif\0\0", then a TIFF header: byte order, 42, offset of IFD0 (from the TIFF header).
  if (b.size() < 14 || std::memcmp(b.data(), "Exif\0\0", 6) != 0) return 1;
  auto tiff = b.subspan(6);
  bool big = tiff[0] == 'M' && tiff[1] == 'M';
  if (!big && !(tiff[0] == 'I' && tiff[1] == 'I')) return 1;
  if (read16(&tiff[2], big) != 42) return 1;
  std::uint64_t ifd = read32(&tiff[4], big);
  if (ifd + 2 > tiff.size()) return 1;
  unsigned count = read16(&tiff[ifd], big);
  for (unsigned i = 0; i < count; ++i) {
    std::uint64_t entry = ifd + 2 + std::uint64_t{i} * 12;
    if (entry + 12 > tiff.size()) return 1;
    if (read16(&tiff[entry], big) != 0x0112) continue;
    if (read16(&tiff[entry + 2], big) != 3) return 1; // SHORT
    unsigned value = read16(&tiff[entry + 8], big);
    return value >= 1 && value <= 8 ? static_cast<int>(value) : 1;
  }
  return 1;
}

Result<ImageInfo> probe_displayed_image(const fs::path& path) {
  auto info = probe_image(path);
  if (info && (info->type == ImageType::heic || info->type == ImageType::avif))
    return media::probe_heif(path, info->type);
  if (!info || info->type != ImageType::jpeg) return info;
  std::ifstream in(path, std::ios::binary);
  std::vector<unsigned char> head(256 * 1024);
  in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (jpeg_header_orientation(head) >= 5) std::swap(info->width, info->height);
  return info;
}

bool needs_conversion(ImageType type) noexcept {
  return type == ImageType::heic || type == ImageType::avif;
}

TempFile::TempFile(TempFile&& other) noexcept
    : m_dir(std::move(other.m_dir)), m_file(std::move(other.m_file)) {
  other.m_dir.clear();
  other.m_file.clear();
}

TempFile& TempFile::operator=(TempFile&& other) noexcept {
  if (this != &other) {
    remove();
    m_dir = std::move(other.m_dir);
    m_file = std::move(other.m_file);
    other.m_dir.clear();
    other.m_file.clear();
  }
  return *this;
}

TempFile::~TempFile() {
  remove();
}

void TempFile::remove() noexcept {
  std::error_code ec;
  if (!m_file.empty()) fs::remove(m_file, ec);
  if (!m_dir.empty()) fs::remove(m_dir, ec);
  m_file.clear();
  m_dir.clear();
}

Result<FittedImage> fit_image(const fs::path& source, const FitOptions& options) {
  if (options.width < 1 || options.height < 1 || options.width > k_max_side ||
      options.height > k_max_side)
    return unexpected(ErrorCode::invalid_argument,
                      "Cannot fit an image to " + std::to_string(options.width) + "x" +
                          std::to_string(options.height) + ".",
                      "Give a size from 1x1 to 16384x16384.");
  if (options.temp_dir.empty())
    return unexpected(ErrorCode::invalid_argument, "No folder for the fitted image was given.",
                      "Set FitOptions::temp_dir (sora uses $TMPDIR).");
  if (options.jpeg_quality < 1 || options.jpeg_quality > 100)
    return unexpected(ErrorCode::invalid_argument, "The JPEG quality must be 1 to 100.");
  auto info = probe_image(source);
  if (!info) return unexpected(info.error());
  auto decoded = decode(source, info->type, options);
  if (!decoded) return unexpected(decoded.error());
  if (auto srgb = media::convert_to_srgb(*decoded); !srgb) return unexpected(srgb.error());
  int orientation = decoded->orientation;
  bool alpha = decoded->had_alpha;
  auto fitted = fit_raster(orient(std::move(*decoded), orientation), options);
  if (!fitted) return unexpected(fitted.error());

  // Lossless PNG for lossless (or transparent) sources; a high-quality JPEG for photos that were
  // already lossy (JPEG, HEIC, AVIF): a fifth of the PNG's size, with no visible loss.
  bool jpeg = !alpha && (info->type == ImageType::jpeg || needs_conversion(info->type));
  fs::path name = source.stem();
  name += jpeg ? ".jpg" : ".png";
  if (name.string().starts_with(".")) name = jpeg ? "image.jpg" : "image.png";
  auto temp = make_temp(options.temp_dir, name);
  if (!temp) return unexpected(temp.error());
  auto written = jpeg ? media::write_jpeg(temp->path(), *fitted, options.jpeg_quality)
                      : media::write_png(temp->path(), *fitted);
  if (!written) return unexpected(written.error()); // `temp` removes the partial file
  FittedImage result;
  result.file = std::move(*temp);
  result.info = ImageInfo{jpeg ? ImageType::jpeg : ImageType::png, options.width, options.height};
  result.orientation = orientation;
  return result;
}

FitOptions conversion_fit(const ImageInfo& displayed) {
  FitOptions options;
  options.mode = FitMode::stretch;
  options.width = displayed.width;
  options.height = displayed.height;
  return options;
}

Result<void> plan_fit(CreateRequest& request, const ImageInfo& displayed, FitOptions& options) {
  std::string model = request.model.value_or("sora-2");
  if (!request.size || *request.size == "auto")
    request.size = choose_auto_size(displayed.width, displayed.height, model);
  auto size = parse_size(*request.size);
  if (!size) {
    auto u = unexpected(ErrorCode::invalid_argument,
                        "`size` " + *request.size + " is not a size `fit` can resize to.",
                        "Set `size` to WxH (e.g. 1280x720) or auto.");
    u.error.setting = "size";
    u.error.hint_kind = HintKind::use_valid_size;
    return u;
  }
  options.width = size->first;
  options.height = size->second;
  return validate_create(request, ImageInfo{displayed.type, size->first, size->second});
}

} // namespace sora
