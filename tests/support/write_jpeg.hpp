// Writes test JPEGs with libjpeg: RGB or CMYK samples, a quality, full chroma or libjpeg's
// default subsampling, an optional stored colour space (YCCK), ICC profile and EXIF (APP1) block.
// The photo and fit tests share it.
#pragma once

#include <gtest/gtest.h>

// jpeglib.h needs FILE and size_t declared first.
#include <jpeglib.h>

#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <vector>

namespace sora::test {

struct JpegWriteOptions {
  int components = 3; ///< 3: RGB samples, 4: CMYK
  int quality = 95;
  bool full_chroma = false;           ///< no chroma subsampling
  J_COLOR_SPACE stored = JCS_UNKNOWN; ///< e.g. JCS_YCCK; libjpeg's default when unknown
  std::vector<unsigned char> icc;     ///< an ICC profile to embed
  std::vector<unsigned char> app1;    ///< an EXIF block (APP1), e.g. with an orientation
};

/// `sample(x, y, out)` writes the `components` samples of one pixel to `out`.
using SampleFn = std::function<void(int x, int y, unsigned char* out)>;

inline void write_test_jpeg(const std::filesystem::path& path, int w, int h, const SampleFn& sample,
                            const JpegWriteOptions& o = {}) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr err{};
  cinfo.err = jpeg_std_error(&err);
  jpeg_create_compress(&cinfo);
  jpeg_stdio_dest(&cinfo, f);
  cinfo.image_width = static_cast<JDIMENSION>(w);
  cinfo.image_height = static_cast<JDIMENSION>(h);
  cinfo.input_components = o.components;
  cinfo.in_color_space = o.components == 4 ? JCS_CMYK : JCS_RGB;
  jpeg_set_defaults(&cinfo);
  if (o.stored != JCS_UNKNOWN) jpeg_set_colorspace(&cinfo, o.stored);
  if (o.full_chroma)
    for (int i = 0; i < cinfo.num_components; ++i)
      cinfo.comp_info[i].h_samp_factor = cinfo.comp_info[i].v_samp_factor = 1;
  jpeg_set_quality(&cinfo, o.quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  if (!o.app1.empty())
    jpeg_write_marker(&cinfo, JPEG_APP0 + 1, o.app1.data(), static_cast<unsigned>(o.app1.size()));
  if (!o.icc.empty())
    jpeg_write_icc_profile(&cinfo, o.icc.data(), static_cast<unsigned>(o.icc.size()));
  const auto stride = static_cast<std::size_t>(o.components);
  std::vector<unsigned char> row(static_cast<std::size_t>(w) * stride);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x)
      sample(x, y, row.data() + static_cast<std::size_t>(x) * stride);
    JSAMPROW r = row.data();
    jpeg_write_scanlines(&cinfo, &r, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::fclose(f);
}

} // namespace sora::test
