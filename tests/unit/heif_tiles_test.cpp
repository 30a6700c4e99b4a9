// The fast path for HEIC photos (media/heif_tiles.hpp): the tiles read from the boxes and decoded
// by FFmpeg must give libheif's picture (decoded by libde265) within rounding, for one picture, a
// grid cropped at its edges, every orientation, and shrunk; a broken file must be declined, not
// crash.
#include "media/heif_tiles.hpp"
#include "media/raster.hpp"
#include "support/temp_dir.hpp"
#include "support/write_heif.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <libheif/heif.h>

using namespace sora;
namespace fs = std::filesystem;

namespace {

// Smooth gradients with saturated corners: both chroma channels vary, so swapping Cb and Cr
// (or a wrong matrix) moves many pixels far.
void colourful(int x, int y, unsigned char* rgb) {
  rgb[0] = static_cast<unsigned char>(20 + (x * 7) % 220);
  rgb[1] = static_cast<unsigned char>(30 + (y * 5) % 200);
  rgb[2] = static_cast<unsigned char>(230 - ((x + y) * 3) % 210);
}

// Gradients without `colourful`'s sharp wraps, which ring in 4:2:2 at a high quality and clip:
// averaging Y'CbCr before the clipping (the shrink) then differs from averaging clipped RGB by up
// to 12 levels next to the wraps. Red and blue still differ widely.
void gentle(int x, int y, unsigned char* rgb) {
  rgb[0] = static_cast<unsigned char>(40 + x * 3 / 4);
  rgb[1] = static_cast<unsigned char>(50 + y / 2);
  rgb[2] = static_cast<unsigned char>(220 - (x + y) / 2);
}

// libheif's own decode (libde265, its RGB conversion, its transforms): the reference.
media::Raster libheif_rgb(const fs::path& path) {
  media::Raster out;
  heif_context* context = heif_context_alloc();
  heif_image_handle* handle = nullptr;
  heif_image* image = nullptr;
  if (heif_context_read_from_file(context, path.c_str(), nullptr).code == 0 &&
      heif_context_get_primary_image_handle(context, &handle).code == 0 &&
      heif_decode_image(handle, &image, heif_colorspace_RGB, heif_chroma_interleaved_RGB, nullptr)
              .code == 0) {
    int stride = 0;
    const std::uint8_t* p = heif_image_get_plane_readonly(image, heif_channel_interleaved, &stride);
    out.width = heif_image_get_width(image, heif_channel_interleaved);
    out.height = heif_image_get_height(image, heif_channel_interleaved);
    for (int y = 0; y < out.height; ++y)
      out.rgb.insert(out.rgb.end(), p + std::ptrdiff_t(y) * stride,
                     p + std::ptrdiff_t(y) * stride + std::ptrdiff_t(out.width) * 3);
  }
  if (image) heif_image_release(image);
  if (handle) heif_image_handle_release(handle);
  heif_context_free(context);
  return out;
}

// `in` as it is meant to be seen under EXIF orientation `o` (written from the EXIF definitions,
// independently of the code under test).
media::Raster shown(const media::Raster& in, int o) {
  media::Raster out;
  bool swap = o >= 5;
  int w = in.width, h = in.height;
  out.width = swap ? h : w;
  out.height = swap ? w : h;
  out.rgb.resize(in.rgb.size());
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      int dx = x, dy = y;
      switch (o) {
      case 2:
        dx = w - 1 - x;
        break;
      case 3:
        dx = w - 1 - x, dy = h - 1 - y;
        break;
      case 4:
        dy = h - 1 - y;
        break;
      case 5:
        dx = y, dy = x;
        break;
      case 6:
        dx = h - 1 - y, dy = x;
        break;
      case 7:
        dx = h - 1 - y, dy = w - 1 - x;
        break;
      case 8:
        dx = y, dy = w - 1 - x;
        break;
      default:
        break;
      }
      std::copy_n(&in.rgb[(std::size_t(y) * std::size_t(w) + std::size_t(x)) * 3], 3,
                  &out.rgb[(std::size_t(dy) * std::size_t(out.width) + std::size_t(dx)) * 3]);
    }
  return out;
}

media::Raster shrunk(const media::Raster& in, int factor) {
  media::RowShrinker shrinker(in.width, in.height, factor);
  for (int y = 0; y < in.height; ++y)
    shrinker.add_row(&in.rgb[std::size_t(y) * std::size_t(in.width) * 3]);
  return shrinker.take();
}

// The largest difference of one sample; 256 when the sizes differ.
int worst_difference(const media::Raster& a, const media::Raster& b) {
  if (a.width != b.width || a.height != b.height || a.rgb.size() != b.rgb.size()) return 256;
  int worst = 0;
  for (std::size_t i = 0; i < a.rgb.size(); ++i)
    worst = std::max(worst, std::abs(int(a.rgb[i]) - int(b.rgb[i])));
  return worst;
}

media::DecodeTarget target(int w, int h) {
  media::DecodeTarget t;
  t.fit.mode = FitMode::stretch;
  t.fit.width = w;
  t.fit.height = h;
  return t;
}

// The fast path's picture of `path` (as stored, with its orientation), failing when the fast
// path declines it: a silent fallback to libheif would make every comparison pass.
media::Raster fast(const fs::path& path, int factor, int* orientation = nullptr) {
  auto tiles = media::read_hevc_tiles(path);
  EXPECT_TRUE(tiles) << path;
  if (!tiles) return {};
  if (orientation) *orientation = tiles->orientation;
  auto out = media::decode_hevc_tiles(path, *tiles, factor, {});
  EXPECT_TRUE(out) << path;
  return out ? *out : media::Raster{};
}

} // namespace

// The reference must be colourful enough that a Cb/Cr swap shows: red and blue differ widely.
TEST(HeifTilesTest, TheTestPictureWouldShowSwappedChroma) {
  test::TempDir dir;
  ASSERT_TRUE(test::write_heif_image(dir / "p.heic", 96, 64, colourful));
  media::Raster ref = libheif_rgb(dir / "p.heic");
  ASSERT_EQ(ref.width, 96);
  int far_apart = 0;
  for (std::size_t i = 0; i < ref.rgb.size(); i += 3)
    far_apart += std::abs(int(ref.rgb[i]) - int(ref.rgb[i + 2])) > 60;
  EXPECT_GT(far_apart, int(ref.rgb.size() / 3 / 2));
}

TEST(HeifTilesTest, OnePictureDecodesLikeLibheif) {
  test::TempDir dir;
  ASSERT_TRUE(test::write_heif_image(dir / "p.heic", 96, 64, colourful));
  media::Raster ref = libheif_rgb(dir / "p.heic");
  EXPECT_LE(worst_difference(fast(dir / "p.heic", 1), ref), 2);
  EXPECT_LE(worst_difference(fast(dir / "p.heic", 3), shrunk(ref, 3)), 2);
  // And through decode_heif, which takes the fast path with the file's own colour (nclx).
  auto decoded = media::decode_heif(dir / "p.heic", target(96, 64));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_LE(worst_difference(*decoded, ref), 2);
}

// A grid of 64x64 tiles, 4 x 3, cropped to 200x136 (the right and bottom tiles stick out), shrunk
// by 1, 3 (blocks straddle tile rows), 5 and 70 (blocks taller than a tile).
TEST(HeifTilesTest, GridDecodesLikeLibheifWholeAndShrunk) {
  test::TempDir dir;
  test::HeifGridOptions options;
  options.tile = 64;
  options.quality = 90;
  ASSERT_TRUE(test::write_heif_grid(dir / "grid.heic", 200, 136, colourful, options));
  media::Raster ref = libheif_rgb(dir / "grid.heic");
  ASSERT_EQ(ref.width, 200);
  ASSERT_EQ(ref.height, 136);
  auto tiles = media::read_hevc_tiles(dir / "grid.heic");
  ASSERT_TRUE(tiles);
  EXPECT_EQ(tiles->columns, 4);
  EXPECT_EQ(tiles->rows, 3);
  for (int factor : {1, 3, 5, 70}) // 70: a block taller than a row of tiles
    EXPECT_LE(worst_difference(fast(dir / "grid.heic", factor), shrunk(ref, factor)), 2)
        << "factor " << factor;
}

TEST(HeifTilesTest, EveryOrientationIsReadAsLibheifShowsIt) {
  test::TempDir dir;
  for (int o = 1; o <= 8; ++o) {
    fs::path path = dir / ("o" + std::to_string(o) + ".heic");
    test::HeifImageOptions options;
    options.orientation = static_cast<heif_orientation>(o);
    ASSERT_TRUE(test::write_heif_image(path, 48, 32, colourful, options));
    int orientation = 0;
    media::Raster stored = fast(path, 1, &orientation);
    EXPECT_EQ(orientation, o);
    EXPECT_LE(worst_difference(shown(stored, orientation), libheif_rgb(path)), 2) << o;
  }
}

TEST(HeifTilesTest, RotatedGridIsShownAsLibheifShowsIt) {
  test::TempDir dir;
  test::HeifGridOptions options;
  options.tile = 64;
  options.turns = 1; // a quarter turn anticlockwise: EXIF 8
  ASSERT_TRUE(test::write_heif_grid(dir / "turned.heic", 130, 70, colourful, options));
  int orientation = 0;
  media::Raster stored = fast(dir / "turned.heic", 1, &orientation);
  EXPECT_EQ(orientation, 8);
  EXPECT_LE(worst_difference(shown(stored, orientation), libheif_rgb(dir / "turned.heic")), 2);
  auto decoded = media::decode_heif(dir / "turned.heic", target(70, 130));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->orientation, 8);
}

TEST(HeifTilesTest, AnAvifIsLeftToLibheif) {
  test::TempDir dir;
  test::HeifGridOptions options;
  options.tile = 64;
  options.format = heif_compression_AV1;
  ASSERT_TRUE(test::write_heif_grid(dir / "grid.avif", 100, 70, colourful, options));
  EXPECT_FALSE(media::read_hevc_tiles(dir / "grid.avif"));
  EXPECT_TRUE(media::decode_heif(dir / "grid.avif", target(100, 70)));
}

// Every cut of the header, and bytes of it changed one at a time: declined or decoded, never a
// crash (the sanitizer build reads out of bounds as a failure), and decode_heif answers.
TEST(HeifTilesTest, ABrokenHeaderIsDeclinedNotACrash) {
  test::TempDir dir;
  test::HeifGridOptions options;
  options.tile = 64;
  ASSERT_TRUE(test::write_heif_grid(dir / "grid.heic", 128, 64, colourful, options));
  std::ifstream in(dir / "grid.heic", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t meta_end = bytes.find("mdat"); // the meta box ends where mdat's header starts
  ASSERT_NE(meta_end, std::string::npos);
  meta_end -= 4;
  auto write = [&](const std::string& content) {
    std::ofstream(dir / "broken.heic", std::ios::binary | std::ios::trunc) << content;
    return dir / "broken.heic";
  };
  for (std::size_t cut = 0; cut < meta_end; cut += 7)
    EXPECT_FALSE(media::read_hevc_tiles(write(bytes.substr(0, cut)))) << cut;
  for (std::size_t at = 24; at < meta_end; at += 5) {
    std::string changed = bytes;
    changed[at] = static_cast<char>(changed[at] ^ 0xA5);
    fs::path path = write(changed);
    if (auto tiles = media::read_hevc_tiles(path))
      (void)media::decode_hevc_tiles(path, *tiles, 2, {});
  }
  // Tiles cut short: the fast path declines, libheif reports the broken file.
  fs::path cut = write(bytes.substr(0, bytes.size() - 100));
  auto tiles = media::read_hevc_tiles(cut);
  ASSERT_TRUE(tiles);
  EXPECT_FALSE(media::decode_hevc_tiles(cut, *tiles, 1, {}));
}

// 10-bit HEIC (HEVC Main 10, as Samsung phones and Canon/Sony cameras write it): FFmpeg's
// yuv420p10le or yuv422p10le tiles, shrunk from 16-bit words into the same 8-bit RGB.
TEST(HeifTilesTest, TenBitPictureDecodesLikeLibheif) {
  test::TempDir dir;
  test::HeifImageOptions options;
  options.bits = 10;
  options.orientation = heif_orientation_rotate_90_cw; // EXIF 6
  ASSERT_TRUE(test::write_heif_image(dir / "p.heic", 48, 32, colourful, options));
  media::Raster ref = libheif_rgb(dir / "p.heic");
  ASSERT_EQ(ref.width, 32);
  int orientation = 0;
  media::Raster stored = fast(dir / "p.heic", 1, &orientation);
  EXPECT_EQ(orientation, 6);
  EXPECT_LE(worst_difference(shown(stored, orientation), ref), 3);
  // Shrunk as stored: EXIF 8 turns the shown picture back.
  EXPECT_LE(worst_difference(fast(dir / "p.heic", 3), shrunk(shown(ref, 8), 3)), 3);
  auto decoded = media::decode_heif(dir / "p.heic", target(32, 48));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->orientation, 6);
  EXPECT_LE(worst_difference(shown(*decoded, 6), ref), 3);
}

// Limited range (64-940 luma, 64-960 chroma at 10 bits) and BT.709, from the file's nclx as
// decode_heif reads it, and from the stream's VUI.
TEST(HeifTilesTest, TenBitLimitedRangeDecodesLikeLibheif) {
  test::TempDir dir;
  for (int bits : {8, 10}) {
    test::HeifImageOptions options;
    options.bits = bits;
    options.limited_range = true;
    fs::path path = dir / ("limited" + std::to_string(bits) + ".heic");
    ASSERT_TRUE(test::write_heif_image(path, 96, 64, colourful, options));
    media::Raster ref = libheif_rgb(path);
    ASSERT_EQ(ref.width, 96);
    EXPECT_LE(worst_difference(fast(path, 1), ref), 3) << bits;
    auto decoded = media::decode_heif(path, target(96, 64));
    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_LE(worst_difference(*decoded, ref), 3) << bits;
  }
}

TEST(HeifTilesTest, TenBitGridsDecodeLikeLibheif) {
  test::TempDir dir;
  for (const char* chroma : {"420", "422"})
    for (int bits : {8, 10}) {
      if (bits == 8 && std::string(chroma) == "420") continue; // the tests above
      test::HeifGridOptions options;
      options.tile = 64;
      options.quality = 90;
      options.bits = bits;
      options.chroma = chroma;
      options.turns = 3; // EXIF 6
      fs::path path = dir / (std::string(chroma) + "-" + std::to_string(bits) + ".heic");
      ASSERT_TRUE(test::write_heif_grid(path, 200, 136, gentle, options));
      media::Raster ref = libheif_rgb(path);
      ASSERT_EQ(ref.width, 136);
      for (int factor : {1, 3, 70}) {
        int orientation = 0;
        media::Raster stored = fast(path, factor, &orientation);
        EXPECT_EQ(orientation, 6);
        EXPECT_LE(worst_difference(stored, shrunk(shown(ref, 8), factor)), 3)
            << chroma << " " << bits << " bits, factor " << factor;
      }
    }
}

// The test of the tests above: libheif's own 10-bit planes shrunk here match its RGB within the
// tolerance when read as 10 bits, and miss it by far when read with a wrong shift.
TEST(HeifTilesTest, TenBitSamplesReadWithAWrongShiftWouldFail) {
  test::TempDir dir;
  test::HeifImageOptions options;
  options.bits = 10;
  ASSERT_TRUE(test::write_heif_image(dir / "p.heic", 96, 64, colourful, options));
  media::Raster ref = libheif_rgb(dir / "p.heic");
  heif_context* context = heif_context_alloc();
  heif_image_handle* handle = nullptr;
  heif_image* image = nullptr;
  ASSERT_EQ(heif_context_read_from_file(context, (dir / "p.heic").c_str(), nullptr).code, 0);
  ASSERT_EQ(heif_context_get_primary_image_handle(context, &handle).code, 0);
  ASSERT_EQ(heif_decode_image(handle, &image, heif_colorspace_YCbCr, heif_chroma_420, nullptr).code,
            0);
  media::YCbCrPlanes planes;
  planes.width = 96, planes.height = 64;
  planes.y = heif_image_get_plane_readonly(image, heif_channel_Y, &planes.y_stride);
  planes.cb = heif_image_get_plane_readonly(image, heif_channel_Cb, &planes.c_stride);
  planes.cr = heif_image_get_plane_readonly(image, heif_channel_Cr, &planes.c_stride);
  EXPECT_EQ(heif_image_get_bits_per_pixel_range(image, heif_channel_Y), 10);
  heif_color_profile_nclx* nclx = nullptr;
  if (heif_image_get_nclx_color_profile(image, &nclx).code == 0 && nclx) {
    planes.full_range = nclx->full_range_flag != 0;
    EXPECT_TRUE(media::use_matrix(planes, nclx->matrix_coefficients));
    heif_nclx_color_profile_free(nclx);
  }
  planes.bits = 10;
  EXPECT_LE(worst_difference(media::shrink_ycbcr(planes, 1), ref), 3);
  for (int wrong : {9, 11}) {
    planes.bits = wrong;
    EXPECT_GT(worst_difference(media::shrink_ycbcr(planes, 1), ref), 40) << wrong;
  }
  heif_image_release(image);
  heif_image_handle_release(handle);
  heif_context_free(context);
}

TEST(HeifTilesTest, MonochromeDecodesLikeLibheif) {
  test::TempDir dir;
  for (int bits : {8, 10}) {
    test::HeifImageOptions options;
    options.bits = bits;
    options.monochrome = true;
    fs::path path = dir / ("gray" + std::to_string(bits) + ".heic");
    ASSERT_TRUE(test::write_heif_image(path, 96, 64, colourful, options));
    media::Raster ref = libheif_rgb(path);
    ASSERT_EQ(ref.width, 96);
    EXPECT_LE(worst_difference(fast(path, 1), ref), 3) << bits;
    EXPECT_LE(worst_difference(fast(path, 3), shrunk(ref, 3)), 3) << bits;
  }
}
