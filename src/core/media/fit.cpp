// Image fitting: libjpeg-turbo (DCT-scaled decode, encode), libpng and libwebp (decode), and
// stb_image_resize for the resampling. See docs/adr/0004-image-library.md.
#include <sora/fit.hpp>
#include <sora/validate.hpp>

// jpeglib.h needs FILE and size_t declared first.
#include <jerror.h>
#include <jpeglib.h>
#include <png.h>
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
#include <webp/decode.h>

namespace sora {
namespace {

namespace fs = std::filesystem;

// Decoded pixels are capped: 64 megapixels is 256 MiB as RGBA, the most any decoder holds.
constexpr std::uint64_t k_max_pixels = 64ULL * 1024 * 1024;
constexpr int k_max_side = 16384;

struct Raster {
  int width = 0;
  int height = 0;
  std::vector<unsigned char> rgb; // 3 bytes per pixel, rows top to bottom, no padding
};

Unexpected bad_image(const fs::path& path, const std::string& why,
                     std::string hint = "Use a JPEG, PNG or WebP image, or convert this one.") {
  return unexpected(ErrorCode::invalid_argument, path.string() + ": " + why, std::move(hint));
}

Unexpected too_large(const fs::path& path, std::uint64_t width, std::uint64_t height) {
  return bad_image(path,
                   "the image is " + std::to_string(width) + "x" + std::to_string(height) +
                       ", more than " + std::to_string(k_max_pixels / (1024 * 1024)) +
                       " megapixels once decoded.",
                   "Scale it down with an image editor first.");
}

struct FileCloser {
  void operator()(std::FILE* f) const noexcept {
    if (f) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

unsigned read16(const unsigned char* p, bool big) {
  return big ? (unsigned{p[0]} << 8) | p[1] : p[0] | (unsigned{p[1]} << 8);
}
std::uint32_t read32(const unsigned char* p, bool big) {
  return big ? (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                   (std::uint32_t{p[2]} << 8) | p[3]
             : p[0] | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
                   (std::uint32_t{p[3]} << 24);
}

// ---- JPEG -----------------------------------------------------------------------------------
// libjpeg reports fatal errors through error_exit, which must not return: it longjmps back to
// the function that called setjmp. That function holds only trivially destructible locals, and
// everything with a destructor lives in its caller, so the jump skips no destructor.

struct JpegErrors {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool truncated;
};

extern "C" void sora_jpeg_error_exit(j_common_ptr cinfo) {
  auto* errors = reinterpret_cast<JpegErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, errors->message);
  std::longjmp(errors->jump, 1);
}

// Warnings are not printed (the core never prints); a truncated file is an error.
extern "C" void sora_jpeg_emit_message(j_common_ptr cinfo, int level) {
  auto* errors = reinterpret_cast<JpegErrors*>(cinfo->err);
  if (level < 0) {
    if (cinfo->err->msg_code == JWRN_JPEG_EOF) errors->truncated = true;
    ++cinfo->err->num_warnings;
  }
}

void init_errors(JpegErrors& errors) {
  jpeg_std_error(&errors.mgr);
  errors.mgr.error_exit = sora_jpeg_error_exit;
  errors.mgr.emit_message = sora_jpeg_emit_message;
  errors.message[0] = '\0';
  errors.truncated = false;
}

struct JpegDecoder {
  JpegErrors errors{};
  jpeg_decompress_struct cinfo{};
  bool created = false;
  ~JpegDecoder() {
    if (created) jpeg_destroy_decompress(&cinfo);
  }
};

// The smallest DCT scale M/8 at which the decoded image still has at least the pixels the fit
// needs, so nothing is ever upscaled twice and a big photo is never decoded whole.
int dct_scale(int width, int height, int orientation, const FitOptions& options) {
  double dw = orientation >= 5 ? height : width;
  double dh = orientation >= 5 ? width : height;
  double sx = options.width / dw, sy = options.height / dh;
  double need = options.mode == FitMode::contain ? std::min(sx, sy) : std::max(sx, sy);
  int m = static_cast<int>(std::ceil(need * 8 - 1e-9));
  return std::clamp(m, 1, 8);
}

enum class JpegStatus { ok, error, cmyk, too_large };

// setjmp frame: trivially destructible locals only (see above).
JpegStatus decode_jpeg_frame(JpegDecoder& d, std::FILE* file, const FitOptions& options,
                             Raster& out, int& orientation) {
  if (setjmp(d.errors.jump)) return JpegStatus::error;
  jpeg_create_decompress(&d.cinfo);
  d.created = true;
  jpeg_stdio_src(&d.cinfo, file);
  jpeg_save_markers(&d.cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(&d.cinfo, TRUE);
  for (jpeg_saved_marker_ptr m = d.cinfo.marker_list; m; m = m->next)
    if (m->marker == JPEG_APP0 + 1) {
      int o = exif_orientation(std::span<const unsigned char>(m->data, m->data_length));
      if (o != 1) {
        orientation = o;
        break;
      }
    }
  if (d.cinfo.jpeg_color_space == JCS_CMYK || d.cinfo.jpeg_color_space == JCS_YCCK)
    return JpegStatus::cmyk;
  d.cinfo.out_color_space = JCS_RGB;
  d.cinfo.scale_num = static_cast<unsigned>(dct_scale(static_cast<int>(d.cinfo.image_width),
                                                      static_cast<int>(d.cinfo.image_height),
                                                      orientation, options));
  d.cinfo.scale_denom = 8;
  jpeg_calc_output_dimensions(&d.cinfo);
  std::uint64_t w = d.cinfo.output_width, h = d.cinfo.output_height;
  if (w * h > k_max_pixels) return JpegStatus::too_large;
  jpeg_start_decompress(&d.cinfo);
  out.width = static_cast<int>(w);
  out.height = static_cast<int>(h);
  out.rgb.resize(w * h * 3);
  while (d.cinfo.output_scanline < d.cinfo.output_height) {
    JSAMPROW row = out.rgb.data() + std::size_t{d.cinfo.output_scanline} * w * 3;
    jpeg_read_scanlines(&d.cinfo, &row, 1);
  }
  jpeg_finish_decompress(&d.cinfo);
  return JpegStatus::ok;
}

Result<Raster> decode_jpeg(const fs::path& path, const FitOptions& options, int& orientation) {
  File file(std::fopen(path.c_str(), "rb"));
  if (!file)
    return bad_image(path, std::string("cannot be read: ") + std::strerror(errno) + ".",
                     "Check the file's permissions.");
  JpegDecoder d;
  init_errors(d.errors);
  d.cinfo.err = &d.errors.mgr;
  Raster out;
  switch (decode_jpeg_frame(d, file.get(), options, out, orientation)) {
  case JpegStatus::ok:
    break;
  case JpegStatus::error:
    return bad_image(path, std::string("the JPEG cannot be decoded (") + d.errors.message + ").",
                     "Open it in an image viewer to check it; re-save it as JPEG or PNG.");
  case JpegStatus::cmyk:
    return bad_image(path, "CMYK JPEGs are not supported.",
                     "Save the image as an RGB JPEG or a PNG.");
  case JpegStatus::too_large:
    return too_large(path, d.cinfo.output_width, d.cinfo.output_height);
  }
  if (d.errors.truncated)
    return bad_image(path, "the JPEG is truncated (the file ends before the image does).",
                     "Copy or download the image again.");
  return out;
}

enum class WriteStatus { ok, error };

struct JpegEncoder {
  JpegErrors errors{};
  jpeg_compress_struct cinfo{};
  bool created = false;
  ~JpegEncoder() {
    if (created) jpeg_destroy_compress(&cinfo);
  }
};

// setjmp frame: trivially destructible locals only.
WriteStatus encode_jpeg_frame(JpegEncoder& e, std::FILE* file, const Raster& image, int quality) {
  if (setjmp(e.errors.jump)) return WriteStatus::error;
  jpeg_create_compress(&e.cinfo);
  e.created = true;
  jpeg_stdio_dest(&e.cinfo, file);
  e.cinfo.image_width = static_cast<JDIMENSION>(image.width);
  e.cinfo.image_height = static_cast<JDIMENSION>(image.height);
  e.cinfo.input_components = 3;
  e.cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&e.cinfo);
  jpeg_set_quality(&e.cinfo, quality, TRUE);
  e.cinfo.optimize_coding = TRUE; // smaller file, same pixels
  jpeg_start_compress(&e.cinfo, TRUE);
  std::size_t stride = std::size_t(image.width) * 3;
  while (e.cinfo.next_scanline < e.cinfo.image_height) {
    auto* row = const_cast<JSAMPROW>(image.rgb.data() + e.cinfo.next_scanline * stride);
    jpeg_write_scanlines(&e.cinfo, &row, 1);
  }
  jpeg_finish_compress(&e.cinfo);
  return WriteStatus::ok;
}

// ---- PNG and WebP ---------------------------------------------------------------------------

Result<Raster> decode_png(const fs::path& path, Color background) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path.c_str()))
    return bad_image(path, std::string("the PNG cannot be decoded (") + image.message + ").",
                     "Open it in an image viewer to check it; re-save it as PNG or JPEG.");
  if (std::uint64_t{image.width} * image.height > k_max_pixels) {
    png_image_free(&image);
    return too_large(path, image.width, image.height);
  }
  image.format = PNG_FORMAT_RGB; // alpha is composited onto the background by libpng
  Raster out;
  out.width = static_cast<int>(image.width);
  out.height = static_cast<int>(image.height);
  out.rgb.resize(PNG_IMAGE_SIZE(image));
  png_color bg{background.r, background.g, background.b};
  if (!png_image_finish_read(&image, &bg, out.rgb.data(), 0, nullptr))
    return bad_image(path, std::string("the PNG cannot be decoded (") + image.message + ").",
                     "Open it in an image viewer to check it; re-save it as PNG or JPEG.");
  return out;
}

Result<Raster> decode_webp(const fs::path& path, Color background) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return bad_image(path, std::string("cannot be read: ") + std::strerror(errno) + ".",
                     "Check the file's permissions.");
  std::vector<std::uint8_t> data{std::istreambuf_iterator<char>(in), {}};
  WebPBitstreamFeatures features{};
  if (WebPGetFeatures(data.data(), data.size(), &features) != VP8_STATUS_OK)
    return bad_image(path, "the WebP cannot be decoded (damaged header).",
                     "Open it in an image viewer to check it; re-save it as PNG or JPEG.");
  if (features.has_animation)
    return bad_image(path, "animated WebP images are not supported.",
                     "Export the frame you want as a PNG or JPEG.");
  std::uint64_t w = static_cast<std::uint64_t>(features.width),
                h = static_cast<std::uint64_t>(features.height);
  if (w * h > k_max_pixels) return too_large(path, w, h);
  std::vector<std::uint8_t> rgba(w * h * 4);
  if (!WebPDecodeRGBAInto(data.data(), data.size(), rgba.data(), rgba.size(),
                          static_cast<int>(w * 4)))
    return bad_image(path, "the WebP cannot be decoded (damaged image data).",
                     "Open it in an image viewer to check it; re-save it as PNG or JPEG.");
  Raster out;
  out.width = static_cast<int>(w);
  out.height = static_cast<int>(h);
  out.rgb.resize(w * h * 3);
  const std::uint8_t bg[3] = {background.r, background.g, background.b};
  for (std::size_t i = 0, n = w * h; i < n; ++i) {
    unsigned a = rgba[i * 4 + 3];
    for (std::size_t c = 0; c < 3; ++c)
      out.rgb[i * 3 + c] =
          static_cast<unsigned char>((rgba[i * 4 + c] * a + bg[c] * (255 - a) + 127) / 255);
  }
  return out;
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

Unexpected write_failed(const fs::path& path, int error) {
  return unexpected(ErrorCode::io,
                    "Cannot write the fitted image " + path.string() + ": " +
                        std::strerror(error ? error : EIO) + ".",
                    "Set TMPDIR to a writable folder with free space.");
}

Result<void> write_jpeg(const fs::path& path, const Raster& image, int quality) {
  File file(std::fopen(path.c_str(), "wb"));
  if (!file) return write_failed(path, errno);
  JpegEncoder e;
  init_errors(e.errors);
  e.cinfo.err = &e.errors.mgr;
  errno = 0;
  if (encode_jpeg_frame(e, file.get(), image, quality) != WriteStatus::ok)
    return write_failed(path, errno);
  int error = std::ferror(file.get()) ? EIO : 0;
  if (std::fclose(file.release()) != 0 && !error) error = errno ? errno : EIO;
  if (error) return write_failed(path, error);
  return {};
}

Result<void> write_png(const fs::path& path, const Raster& image) {
  File file(std::fopen(path.c_str(), "wb"));
  if (!file) return write_failed(path, errno);
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(image.width);
  png.height = static_cast<png_uint_32>(image.height);
  png.format = PNG_FORMAT_RGB;
  errno = 0;
  if (!png_image_write_to_stdio(&png, file.get(), 0, image.rgb.data(), 0, nullptr))
    return write_failed(path, errno);
  int error = std::ferror(file.get()) ? EIO : 0;
  if (std::fclose(file.release()) != 0 && !error) error = errno ? errno : EIO;
  if (error) return write_failed(path, error);
  return {};
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
  if (!info || info->type != ImageType::jpeg) return info;
  std::ifstream in(path, std::ios::binary);
  std::vector<unsigned char> head(256 * 1024);
  in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (jpeg_header_orientation(head) >= 5) std::swap(info->width, info->height);
  return info;
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

  int orientation = 1;
  Result<Raster> decoded = unexpected(ErrorCode::internal, "not decoded");
  switch (info->type) {
  case ImageType::jpeg:
    decoded = decode_jpeg(source, options, orientation);
    break;
  case ImageType::png:
    decoded = decode_png(source, options.pad);
    break;
  case ImageType::webp:
    decoded = decode_webp(source, options.pad);
    break;
  }
  if (!decoded) return unexpected(decoded.error());
  auto fitted = fit_raster(orient(std::move(*decoded), orientation), options);
  if (!fitted) return unexpected(fitted.error());

  // Lossless PNG unless the source was already lossy JPEG: then a high-quality JPEG, a fifth
  // of the PNG's size for a photo, with no visible loss.
  bool jpeg = info->type == ImageType::jpeg;
  fs::path name = source.stem();
  name += jpeg ? ".jpg" : ".png";
  if (name.string().starts_with(".")) name = jpeg ? "image.jpg" : "image.png";
  auto temp = make_temp(options.temp_dir, name);
  if (!temp) return unexpected(temp.error());
  auto written = jpeg ? write_jpeg(temp->path(), *fitted, options.jpeg_quality)
                      : write_png(temp->path(), *fitted);
  if (!written) return unexpected(written.error()); // `temp` removes the partial file
  FittedImage result;
  result.file = std::move(*temp);
  result.info = ImageInfo{jpeg ? ImageType::jpeg : ImageType::png, options.width, options.height};
  result.orientation = orientation;
  return result;
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
