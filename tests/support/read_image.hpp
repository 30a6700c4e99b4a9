// Reads back a fitted copy (JPEG or PNG) as 8-bit RGB for pixel checks, and whether it is tagged
// sRGB. The photo and fit tests share it.
#pragma once

#include "support/temp_dir.hpp"

#include <sora/fit.hpp>

#include <gtest/gtest.h>

// jpeglib.h needs FILE and size_t declared first.
#include <jpeglib.h>
#include <png.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace sora::test {

struct DecodedImage {
  int width = 0, height = 0;
  std::vector<unsigned char> rgb;
  bool icc_tagged = false; ///< JPEG: an ICC_PROFILE APP2; PNG: an sRGB chunk
  Color at(int x, int y) const {
    std::size_t i = (std::size_t(y) * std::size_t(width) + std::size_t(x)) * 3;
    return {rgb[i], rgb[i + 1], rgb[i + 2]};
  }
};

inline DecodedImage read_jpeg_image(const std::filesystem::path& path) {
  DecodedImage out;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  EXPECT_NE(f, nullptr) << path;
  if (!f) return out;
  jpeg_decompress_struct cinfo{};
  jpeg_error_mgr err{};
  cinfo.err = jpeg_std_error(&err);
  jpeg_create_decompress(&cinfo);
  jpeg_stdio_src(&cinfo, f);
  jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xFFFF);
  jpeg_read_header(&cinfo, TRUE);
  JOCTET* icc = nullptr;
  unsigned icc_size = 0;
  out.icc_tagged = jpeg_read_icc_profile(&cinfo, &icc, &icc_size) && icc_size > 0;
  std::free(icc);
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  out.width = static_cast<int>(cinfo.output_width);
  out.height = static_cast<int>(cinfo.output_height);
  out.rgb.resize(std::size_t(out.width) * std::size_t(out.height) * 3);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW r = out.rgb.data() + std::size_t(cinfo.output_scanline) * std::size_t(out.width) * 3;
    jpeg_read_scanlines(&cinfo, &r, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  std::fclose(f);
  return out;
}

inline DecodedImage read_png_image(const std::filesystem::path& path) {
  DecodedImage out;
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  EXPECT_TRUE(png_image_begin_read_from_file(&image, path.c_str())) << path;
  out.icc_tagged = (image.flags & PNG_IMAGE_FLAG_COLORSPACE_NOT_sRGB) == 0 &&
                   read_file(path).find("sRGB") != std::string::npos;
  image.format = PNG_FORMAT_RGB;
  out.width = static_cast<int>(image.width);
  out.height = static_cast<int>(image.height);
  out.rgb.resize(PNG_IMAGE_SIZE(image));
  EXPECT_TRUE(png_image_finish_read(&image, nullptr, out.rgb.data(), 0, nullptr)) << path;
  return out;
}

/// A JPEG or PNG (by its content) as RGB.
inline DecodedImage read_image(const std::filesystem::path& path) {
  auto info = probe_image(path);
  EXPECT_TRUE(info) << path;
  if (!info) return {};
  return info->type == ImageType::png ? read_png_image(path) : read_jpeg_image(path);
}

} // namespace sora::test
