// sora-fit-bench: makes large synthetic photos in every format `fit` reads, and times fit_image
// on one (bench/fit runs it).
//   sora-fit-bench make KIND OUT WIDTH HEIGHT
//     KIND: jpeg, jpeg-progressive, png, png16, webp, heic, heic10 (10 bits), avif. Each carries
//     the ICC profile its source would: Display P3 (phones: JPEG, HEIC, AVIF, PNG screenshots),
//     Adobe RGB (cameras and raw developers: the 16-bit PNG); WebP none (`fit` does not read
//     WebP's).
//   sora-fit-bench fit IN WxH cover|contain|stretch TEMP_DIR
// `fit` prints the wall time of the fit and the process's peak RSS (getrusage), one line.
#include "support/write_heif.hpp"

#include <sora/fit.hpp>

#include <jpeglib.h>
#include <png.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <lcms2.h>
#include <libheif/heif.h>
#include <string>
#include <vector>
#include <webp/encode.h>

namespace {

using Bytes = std::vector<unsigned char>;

// Gradients, stripes and sensor-like noise, so it compresses like a photo (several MiB).
void photo_row(Bytes& row, int y, int width, int height, std::uint32_t& seed) {
  for (int x = 0; x < width; ++x) {
    seed = seed * 1664525u + 1013904223u;
    int noise = static_cast<int>(seed >> 28) - 8;
    int r = x * 255 / width + noise, g = y * 255 / height + noise;
    int b = ((x / 40 + y / 40) % 2 ? 200 : 60) + noise;
    auto* p = &row[static_cast<std::size_t>(x) * 3];
    p[0] = static_cast<unsigned char>(r < 0 ? 0 : r > 255 ? 255 : r);
    p[1] = static_cast<unsigned char>(g < 0 ? 0 : g > 255 ? 255 : g);
    p[2] = static_cast<unsigned char>(b < 0 ? 0 : b > 255 ? 255 : b);
  }
}

// ---- ICC profiles, as phones and cameras embed them -------------------------------------------

Bytes save_profile(cmsHPROFILE profile) {
  Bytes data;
  cmsUInt32Number size = 0;
  if (profile && cmsSaveProfileToMem(profile, nullptr, &size) && size > 0) {
    data.resize(size);
    if (!cmsSaveProfileToMem(profile, data.data(), &size)) data.clear();
  }
  if (profile) cmsCloseProfile(profile);
  return data;
}

Bytes rgb_profile(const cmsCIExyYTRIPLE& primaries, cmsToneCurve* curve) {
  cmsCIExyY d65{0.3127, 0.3290, 1.0};
  cmsToneCurve* curves[3] = {curve, curve, curve};
  Bytes icc = save_profile(cmsCreateRGBProfile(&d65, &primaries, curves));
  cmsFreeToneCurve(curve);
  return icc;
}

// Display P3: what an iPhone or a recent Android phone tags its photos with.
Bytes display_p3() {
  cmsFloat64Number srgb_curve[5] = {2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.04045};
  return rgb_profile({{0.680, 0.320, 1.0}, {0.265, 0.690, 1.0}, {0.150, 0.060, 1.0}},
                     cmsBuildParametricToneCurve(nullptr, 4, srgb_curve));
}

// Adobe RGB (1998): what cameras and raw developers write.
Bytes adobe_rgb() {
  return rgb_profile({{0.64, 0.33, 1.0}, {0.21, 0.71, 1.0}, {0.15, 0.06, 1.0}},
                     cmsBuildGamma(nullptr, 563.0 / 256.0));
}

// ---- the encoders -------------------------------------------------------------------------------

// 8- or 16-bit RGB PNG, written row by row at zlib level 6 (libpng's default, what editors write).
int make_png(const char* path, int width, int height, int depth, const Bytes& icc) {
  std::FILE* f = std::fopen(path, "wb");
  if (!f) return 1;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) return 1;
  png_init_io(png, f);
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), depth,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_set_iCCP(png, info, "ICC", PNG_COMPRESSION_TYPE_BASE, icc.data(),
               static_cast<png_uint_32>(icc.size()));
  png_write_info(png, info);
  Bytes row(static_cast<std::size_t>(width) * 3), wide(row.size() * 2);
  std::uint32_t seed = 12345;
  for (int y = 0; y < height; ++y) {
    photo_row(row, y, width, height, seed);
    if (depth == 16) { // big-endian samples, with noise in the low byte as a sensor has
      for (std::size_t i = 0; i < row.size(); ++i) {
        wide[i * 2] = row[i];
        seed = seed * 1664525u + 1013904223u;
        wide[i * 2 + 1] = static_cast<unsigned char>(seed >> 24);
      }
    }
    png_write_row(png, depth == 16 ? wide.data() : row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return std::fclose(f) == 0 ? 0 : 1;
}

int make_jpeg(const char* path, int width, int height, bool progressive, const Bytes& icc) {
  std::FILE* f = std::fopen(path, "wb");
  if (!f) return 1;
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr err{};
  cinfo.err = jpeg_std_error(&err);
  jpeg_create_compress(&cinfo);
  jpeg_stdio_dest(&cinfo, f);
  cinfo.image_width = static_cast<JDIMENSION>(width);
  cinfo.image_height = static_cast<JDIMENSION>(height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 92, TRUE); // what cameras and phones write
  if (progressive) jpeg_simple_progression(&cinfo);
  jpeg_start_compress(&cinfo, TRUE);
  jpeg_write_icc_profile(&cinfo, icc.data(), static_cast<unsigned>(icc.size()));
  Bytes row(static_cast<std::size_t>(width) * 3);
  std::uint32_t seed = 12345;
  for (int y = 0; y < height; ++y) {
    photo_row(row, y, width, height, seed);
    JSAMPROW r = row.data();
    jpeg_write_scanlines(&cinfo, &r, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  return std::fclose(f) == 0 ? 0 : 1;
}

Bytes whole_photo(int width, int height) {
  Bytes pixels(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
  Bytes row(static_cast<std::size_t>(width) * 3);
  std::uint32_t seed = 12345;
  for (int y = 0; y < height; ++y) {
    photo_row(row, y, width, height, seed);
    std::memcpy(&pixels[static_cast<std::size_t>(y) * row.size()], row.data(), row.size());
  }
  return pixels;
}

// Lossy WebP at quality 80 with the fastest method (generation time is not what is measured).
int make_webp(const char* path, int width, int height) {
  Bytes pixels = whole_photo(width, height);
  WebPConfig config;
  WebPPicture picture;
  if (!WebPConfigInit(&config) || !WebPPictureInit(&picture)) return 1;
  config.quality = 80;
  config.method = 0;
  picture.width = width;
  picture.height = height;
  WebPMemoryWriter writer;
  WebPMemoryWriterInit(&writer);
  picture.writer = WebPMemoryWrite;
  picture.custom_ptr = &writer;
  bool ok =
      WebPPictureImportRGB(&picture, pixels.data(), width * 3) && WebPEncode(&config, &picture);
  WebPPictureFree(&picture);
  std::FILE* f = ok ? std::fopen(path, "wb") : nullptr;
  ok = f && std::fwrite(writer.mem, 1, writer.size, f) == writer.size;
  WebPMemoryWriterClear(&writer);
  if (f && std::fclose(f) != 0) ok = false;
  return ok ? 0 : 1;
}

// A HEIC or AVIF as phones write one: a grid of 512x512 tiles (one HEVC or AV1 picture of 48 MP
// would exceed every level of either codec), each coded alone at the encoder's fastest, quality
// 50; the grid item is primary and carries the ICC profile.
// `bits` 10: HEVC Main 10, as Samsung phones write their 10-bit HEIF.
int make_heif(const char* path, int width, int height, heif_compression_format format,
              const Bytes& icc, int bits = 8) {
  Bytes photo = whole_photo(width, height);
  sora::test::HeifGridOptions options;
  options.format = format;
  options.icc = icc;
  options.bits = bits;
  auto pixel = [&](int x, int y, unsigned char* rgb) {
    std::memcpy(rgb, &photo[(std::size_t(y) * std::size_t(width) + std::size_t(x)) * 3], 3);
  };
  return sora::test::write_heif_grid(path, width, height, pixel, options) ? 0 : 1;
}

int make(const std::string& kind, const char* path, int width, int height) {
  if (width < 1 || height < 1) return 2;
  if (kind == "jpeg" || kind == "jpeg-progressive")
    return make_jpeg(path, width, height, kind != "jpeg", display_p3());
  if (kind == "png") return make_png(path, width, height, 8, display_p3());
  if (kind == "png16") return make_png(path, width, height, 16, adobe_rgb());
  if (kind == "webp") return make_webp(path, width, height);
  if (kind == "heic") return make_heif(path, width, height, heif_compression_HEVC, display_p3());
  if (kind == "heic10")
    return make_heif(path, width, height, heif_compression_HEVC, display_p3(), 10);
  if (kind == "avif") return make_heif(path, width, height, heif_compression_AV1, display_p3());
  return 2;
}

int fit(const char* source, const char* size, const char* mode, const char* temp_dir) {
  sora::FitOptions options;
  auto wh = sora::parse_size(size);
  auto m = sora::parse_fit_mode(mode);
  if (!wh || !m) return 2;
  options.width = wh->first;
  options.height = wh->second;
  options.mode = *m;
  options.temp_dir = temp_dir;
  auto start = std::chrono::steady_clock::now();
  auto fitted = sora::fit_image(source, options);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!fitted) {
    std::fprintf(stderr, "sora-fit-bench: %s\n", fitted.error().message.c_str());
    return 1;
  }
  auto written = sora::probe_image(fitted->file.path());
  if (!written || written->width != options.width || written->height != options.height) {
    std::fprintf(stderr, "sora-fit-bench: the output is not %s\n", size);
    return 1;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("%.6f %ld\n", seconds, usage.ru_maxrss);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::string command = argc > 1 ? argv[1] : "";
  if (command == "make" && argc == 6)
    return make(argv[2], argv[3], std::atoi(argv[4]), std::atoi(argv[5]));
  if (command == "fit" && argc == 6) return fit(argv[2], argv[3], argv[4], argv[5]);
  std::fprintf(stderr, "usage: sora-fit-bench make KIND OUT W H | fit IN WxH MODE TEMP_DIR\n"
                       "  KIND: jpeg, jpeg-progressive, png, png16, webp, heic, heic10, avif\n");
  return 2;
}
