// sora-fit-bench: makes a large synthetic photo and times fit_image on it (bench/fit runs it).
//   sora-fit-bench make OUT.jpg|OUT.png WIDTH HEIGHT
//   sora-fit-bench fit IN WxH cover|contain|stretch TEMP_DIR
// `fit` prints the wall time of the fit and the process's peak RSS (getrusage), one line.
#include <sora/fit.hpp>

#include <jpeglib.h>
#include <png.h>
#include <sys/resource.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

// Gradients, stripes and sensor-like noise, so it compresses like a photo (several MiB).
void photo_row(std::vector<unsigned char>& row, int y, int width, int height, std::uint32_t& seed) {
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

// The same photo as a PNG, written row by row.
int make_png(const char* path, int width, int height) {
  std::FILE* f = std::fopen(path, "wb");
  if (!f) return 1;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) return 1;
  png_init_io(png, f);
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level(png, 1);
  png_write_info(png, info);
  std::vector<unsigned char> row(static_cast<std::size_t>(width) * 3);
  std::uint32_t seed = 12345;
  for (int y = 0; y < height; ++y) {
    photo_row(row, y, width, height, seed);
    png_write_row(png, row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return std::fclose(f) == 0 ? 0 : 1;
}

int make(const char* path, int width, int height) {
  if (std::string(path).ends_with(".png")) return make_png(path, width, height);
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
  jpeg_start_compress(&cinfo, TRUE);
  std::vector<unsigned char> row(static_cast<std::size_t>(width) * 3);
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
  if (command == "make" && argc == 5) return make(argv[2], std::atoi(argv[3]), std::atoi(argv[4]));
  if (command == "fit" && argc == 6) return fit(argv[2], argv[3], argv[4], argv[5]);
  std::fprintf(stderr, "usage: sora-fit-bench make OUT.jpg W H | fit IN WxH MODE TEMP_DIR\n");
  return 2;
}
