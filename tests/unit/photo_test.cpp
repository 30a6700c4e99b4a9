// Photos as they come off phones and cameras: HEIC and AVIF (made here with libheif's own
// encoder), Display P3 and CMYK colour, 16-bit and grayscale PNGs, and the sRGB tag on the output.
#include "media/raster.hpp"
#include "media/shared_library.hpp"
#include "support/read_image.hpp"
#include "support/temp_dir.hpp"
#include "support/write_heif.hpp"
#include "support/write_jpeg.hpp"

#include <sora/fit.hpp>

#include <gtest/gtest.h>

#include <jpeglib.h>
#include <png.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <libheif/heif.h>
#include <string>
#include <vector>

using namespace sora;
namespace fs = std::filesystem;

namespace {

using Pixel = std::function<Color(int x, int y)>;

// A JPEG of `components` channels (3: RGB, 4: CMYK as Adobe stores it, inverted) with an
// optional ICC profile, written at quality 100 without chroma subsampling.
void write_jpeg(const fs::path& path, int w, int h, int components,
                const std::function<std::vector<unsigned char>(int, int)>& pixel,
                const std::vector<unsigned char>& icc = {}, J_COLOR_SPACE stored = JCS_UNKNOWN) {
  test::write_test_jpeg(path, w, h,
                        [&](int x, int y, unsigned char* out) {
                          auto p = pixel(x, y);
                          std::copy(p.begin(), p.end(), out);
                        },
                        {components, 100, true, stored, icc, {}});
}

// A PNG through the simplified API: `format` PNG_FORMAT_GRAY, PNG_FORMAT_LINEAR_RGB (16-bit)…
void write_png(const fs::path& path, int w, int h, png_uint_32 format, const void* pixels) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(w);
  image.height = static_cast<png_uint_32>(h);
  image.format = format;
  ASSERT_TRUE(png_image_write_to_file(&image, path.c_str(), 0, pixels, 0, nullptr))
      << image.message;
}

// A HEIC or AVIF made with libheif's own encoder (x265 / aom), `orientation` as irot/imir.
void write_heif(const fs::path& path, int w, int h, const Pixel& pixel,
                heif_compression_format format,
                heif_orientation orientation = heif_orientation_normal, bool alpha = false) {
  auto rgba = [&](int x, int y, unsigned char* q) {
    Color c = pixel(x, y);
    q[0] = c.r, q[1] = c.g, q[2] = c.b;
    if (alpha) q[3] = x < w / 2 ? 0 : 255; // left half transparent
  };
  ASSERT_TRUE(test::write_heif_image(path, w, h, rgba, {format, 95, orientation, alpha})) << path;
}

bool near(Color a, Color b, int tolerance) {
  return std::abs(a.r - b.r) <= tolerance && std::abs(a.g - b.g) <= tolerance &&
         std::abs(a.b - b.b) <= tolerance;
}

std::string str(Color c) {
  return "(" + std::to_string(c.r) + "," + std::to_string(c.g) + "," + std::to_string(c.b) + ")";
}

FitOptions fit(const test::TempDir& dir, FitMode mode, int w, int h) {
  FitOptions o;
  o.mode = mode;
  o.width = w;
  o.height = h;
  o.temp_dir = dir.path();
  return o;
}

constexpr Color k_red{230, 20, 20}, k_blue{20, 20, 230};
Pixel left_red_right_blue(int w) {
  return [w](int x, int) { return x < w / 2 ? k_red : k_blue; };
}

// The sRGB value of a Display P3 colour, computed from the published matrices (P3 -> XYZ ->
// sRGB, both D65) rather than by the code under test.
Color p3_to_srgb(Color p3) {
  auto decode = [](double v) {
    v /= 255;
    return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
  };
  auto encode = [](double v) {
    v = std::clamp(v, 0.0, 1.0);
    v = v <= 0.0031308 ? v * 12.92 : 1.055 * std::pow(v, 1 / 2.4) - 0.055;
    return static_cast<std::uint8_t>(std::lround(v * 255));
  };
  double r = decode(p3.r), g = decode(p3.g), b = decode(p3.b);
  double x = 0.4865709 * r + 0.2656677 * g + 0.1982173 * b;
  double y = 0.2289746 * r + 0.6917385 * g + 0.0792869 * b;
  double z = 0.0000000 * r + 0.0451134 * g + 1.0439444 * b;
  return {encode(3.2404542 * x - 1.5371385 * y - 0.4985314 * z),
          encode(-0.9692660 * x + 1.8760108 * y + 0.0415560 * z),
          encode(0.0556434 * x - 0.2040259 * y + 1.0572252 * z)};
}

} // namespace

TEST(PhotoTest, HeicAndAvifFitAndComeOutAsTaggedJpeg) {
  test::TempDir dir;
  for (auto [name, format] : {std::pair{"photo.heic", heif_compression_HEVC},
                              std::pair{"photo.avif", heif_compression_AV1}}) {
    write_heif(dir / name, 64, 48, left_red_right_blue(64), format);
    auto info = probe_image(dir / name);
    ASSERT_TRUE(info) << name << ": " << info.error().message;
    EXPECT_EQ(info->type, std::string(name).ends_with("heic") ? ImageType::heic : ImageType::avif);
    EXPECT_EQ(info->width, 64);
    EXPECT_EQ(info->height, 48);
    EXPECT_TRUE(needs_conversion(info->type));
    auto fitted = fit_image(dir / name, fit(dir, FitMode::stretch, 32, 24));
    ASSERT_TRUE(fitted) << name << ": " << fitted.error().message;
    EXPECT_EQ(fitted->info.type, ImageType::jpeg) << name;
    auto out = test::read_image(fitted->file.path());
    EXPECT_TRUE(out.icc_tagged) << name;
    EXPECT_TRUE(near(out.at(4, 12), k_red, 12)) << name << " " << str(out.at(4, 12));
    EXPECT_TRUE(near(out.at(28, 12), k_blue, 12)) << name << " " << str(out.at(28, 12));
  }
}

TEST(PhotoTest, HeifRotationIsAppliedOnceToSizeAndPixels) {
  test::TempDir dir;
  // Stored 64x48 with red on the left; rotated 90 degrees clockwise it shows 48x64, red on top.
  write_heif(dir / "turned.heic", 64, 48, left_red_right_blue(64), heif_compression_HEVC,
             heif_orientation_rotate_90_cw);
  auto shown = probe_displayed_image(dir / "turned.heic");
  ASSERT_TRUE(shown) << shown.error().message;
  EXPECT_EQ(shown->width, 48);
  EXPECT_EQ(shown->height, 64);
  auto fitted = fit_image(dir / "turned.heic", fit(dir, FitMode::stretch, 48, 64));
  ASSERT_TRUE(fitted) << fitted.error().message;
  auto out = test::read_image(fitted->file.path());
  EXPECT_TRUE(near(out.at(24, 4), k_red, 12)) << str(out.at(24, 4));
  EXPECT_TRUE(near(out.at(24, 60), k_blue, 12)) << str(out.at(24, 60));
}

TEST(PhotoTest, TransparentHeicBecomesPngOnThePad) {
  test::TempDir dir;
  write_heif(dir / "cutout.heic", 64, 48, left_red_right_blue(64), heif_compression_HEVC,
             heif_orientation_normal, true);
  auto options = fit(dir, FitMode::stretch, 64, 48);
  options.pad = Color{255, 255, 255};
  auto fitted = fit_image(dir / "cutout.heic", options);
  ASSERT_TRUE(fitted) << fitted.error().message;
  EXPECT_EQ(fitted->info.type, ImageType::png);
  auto out = test::read_image(fitted->file.path());
  EXPECT_TRUE(out.icc_tagged);
  EXPECT_TRUE(near(out.at(8, 24), Color{255, 255, 255}, 12)) << str(out.at(8, 24));
  EXPECT_TRUE(near(out.at(56, 24), k_blue, 12)) << str(out.at(56, 24));
}

TEST(PhotoTest, DisplayP3IsConvertedToTheMatchingSrgb) {
  test::TempDir dir;
  const Color p3{200, 80, 60}; // a saturated red that sRGB can still show
  write_jpeg(
      dir / "p3.jpg", 32, 32, 3,
      [&](int, int) {
        return std::vector<unsigned char>{p3.r, p3.g, p3.b};
      },
      media::display_p3_profile());
  auto fitted = fit_image(dir / "p3.jpg", fit(dir, FitMode::stretch, 16, 16));
  ASSERT_TRUE(fitted) << fitted.error().message;
  auto out = test::read_image(fitted->file.path());
  Color expected = p3_to_srgb(p3);
  EXPECT_TRUE(near(out.at(8, 8), expected, 3))
      << "got " << str(out.at(8, 8)) << ", expected " << str(expected);
  EXPECT_FALSE(near(out.at(8, 8), p3, 8)) << "the P3 values were read as sRGB";
  EXPECT_TRUE(out.icc_tagged);
}

TEST(PhotoTest, CmykAndYcckJpegsAreConvertedNotRefused) {
  test::TempDir dir;
  // Ink C 20%, M 60%, Y 80%, K 10%, stored inverted as Adobe does (255 = no ink).
  std::vector<unsigned char> stored{204, 102, 51, 229};
  // The reference conversion without a profile: R = 255 (1-C)(1-K), likewise G and B.
  const Color reference{184, 92, 46};
  for (auto space : {JCS_CMYK, JCS_YCCK}) {
    fs::path path = dir / (space == JCS_CMYK ? "cmyk.jpg" : "ycck.jpg");
    write_jpeg(
        path, 32, 32, 4, [&](int, int) { return stored; }, {}, space);
    auto fitted = fit_image(path, fit(dir, FitMode::stretch, 16, 16));
    ASSERT_TRUE(fitted) << path << ": " << fitted.error().message;
    auto out = test::read_image(fitted->file.path());
    EXPECT_TRUE(near(out.at(8, 8), reference, 3)) << path << " " << str(out.at(8, 8));
  }
}

TEST(PhotoTest, SixteenBitAndGrayscalePngsWork) {
  test::TempDir dir;
  std::vector<std::uint16_t> deep(32 * 32 * 3);
  for (std::size_t i = 0; i < deep.size(); i += 3) // linear 16-bit: 0.5 light, 0.0, 1.0
    deep[i] = 32768, deep[i + 1] = 0, deep[i + 2] = 65535;
  write_png(dir / "deep.png", 32, 32, PNG_FORMAT_LINEAR_RGB, deep.data());
  auto fitted = fit_image(dir / "deep.png", fit(dir, FitMode::stretch, 16, 16));
  ASSERT_TRUE(fitted) << fitted.error().message;
  auto out = test::read_image(fitted->file.path());
  // libpng writes linear 16-bit with gamma 1.0; the 8-bit decode is gamma-encoded (0.5 -> 188).
  EXPECT_TRUE(near(out.at(8, 8), Color{188, 0, 255}, 4)) << str(out.at(8, 8));

  std::vector<unsigned char> gray(32 * 32, 100);
  write_png(dir / "gray.png", 32, 32, PNG_FORMAT_GRAY, gray.data());
  fitted = fit_image(dir / "gray.png", fit(dir, FitMode::stretch, 16, 16));
  ASSERT_TRUE(fitted) << fitted.error().message;
  out = test::read_image(fitted->file.path());
  EXPECT_TRUE(near(out.at(8, 8), Color{100, 100, 100}, 1)) << str(out.at(8, 8));
  EXPECT_TRUE(out.icc_tagged);
}

TEST(PhotoTest, LargePngIsShrunkRowByRow) {
  test::TempDir dir;
  const int w = 4000, h = 3000;
  std::vector<unsigned char> rgb(std::size_t(w) * h * 3);
  for (std::size_t i = 0; i < rgb.size(); i += 3)
    rgb[i] = 200, rgb[i + 1] = 100, rgb[i + 2] = 50;
  write_png(dir / "big.png", w, h, PNG_FORMAT_RGB, rgb.data());
  media::DecodeTarget target{fit(dir, FitMode::cover, 400, 300)};
  auto decoded = media::decode_png(dir / "big.png", target);
  ASSERT_TRUE(decoded) << decoded.error().message;
  // Shrunk by 10 while decoding: never more than the fit needs, never less.
  EXPECT_EQ(decoded->width, 400);
  EXPECT_EQ(decoded->height, 300);
  EXPECT_TRUE(
      near(Color{decoded->rgb[0], decoded->rgb[1], decoded->rgb[2]}, Color{200, 100, 50}, 0));
}

TEST(PhotoTest, RowShrinkerAveragesBlocksAndKeepsTheEdges) {
  media::RowShrinker shrink(5, 3, 2); // 3x2 out; the last column and row are partial blocks
  for (int y = 0; y < 3; ++y) {
    std::vector<unsigned char> row(15);
    for (int x = 0; x < 5; ++x)
      row[std::size_t(x) * 3] = static_cast<unsigned char>(x * 10 + y * 100);
    shrink.add_row(row.data());
  }
  auto out = shrink.take();
  ASSERT_EQ(out.width, 3);
  ASSERT_EQ(out.height, 2);
  EXPECT_EQ(out.rgb[0], 55);      // (0 + 10 + 100 + 110) / 4
  EXPECT_EQ(out.rgb[2 * 3], 90);  // (40 + 140) / 2
  EXPECT_EQ(out.rgb[3 * 3], 205); // (200 + 210) / 2
}

// A HEIC or AVIF that is shrunk is decoded to Y'CbCr and shrunk before it becomes RGB; the result
// must match libheif's own RGB conversion shrunk the same way (within rounding).
TEST(PhotoTest, HeifShrunkFromYCbCrMatchesLibheifsRgb) {
  test::TempDir dir;
  auto colourful = [](int x, int y) {
    return Color{static_cast<std::uint8_t>(40 + x * 2), static_cast<std::uint8_t>(200 - y * 2),
                 static_cast<std::uint8_t>(60 + (x + y) % 120)};
  };
  for (auto [name, format] :
       {std::pair{"p.heic", heif_compression_HEVC}, std::pair{"p.avif", heif_compression_AV1}}) {
    write_heif(dir / name, 80, 64, colourful, format);
    auto shrunk = media::decode_heif(dir / name, {fit(dir, FitMode::stretch, 20, 16)});
    ASSERT_TRUE(shrunk) << name << ": " << shrunk.error().message;
    ASSERT_EQ(shrunk->width, 20) << name; // shrunk by 4 while decoding
    ASSERT_EQ(shrunk->height, 16) << name;
    // The reference: libheif's RGB, averaged in the same 4x4 blocks.
    heif_context* context = heif_context_alloc();
    ASSERT_EQ(heif_context_read_from_file(context, (dir / name).c_str(), nullptr).code, 0);
    heif_image_handle* handle = nullptr;
    heif_context_get_primary_image_handle(context, &handle);
    heif_image* rgb = nullptr;
    ASSERT_EQ(
        heif_decode_image(handle, &rgb, heif_colorspace_RGB, heif_chroma_interleaved_RGB, nullptr)
            .code,
        0);
    int stride = 0;
    const std::uint8_t* p = heif_image_get_plane_readonly(rgb, heif_channel_interleaved, &stride);
    media::RowShrinker reference(80, 64, 4);
    for (int y = 0; y < 64; ++y)
      reference.add_row(p + std::size_t(y) * std::size_t(stride));
    media::Raster expected = reference.take();
    heif_image_release(rgb);
    heif_image_handle_release(handle);
    heif_context_free(context);
    int worst = 0;
    for (std::size_t i = 0; i < expected.rgb.size(); ++i)
      worst = std::max(worst, std::abs(expected.rgb[i] - shrunk->rgb[i]));
    EXPECT_LE(worst, 2) << name;
  }
}

// libheif (and FFmpeg) are opened on first use: a missing library or function is an io error
// (exit 1) naming the file and the package that installs it, not a crash.
TEST(PhotoTest, AMissingLibraryIsAnErrorNamingItsPackage) {
  media::LibraryLoader missing({"libsora-no-such-library.so.7", "testing", "libsora-test7"});
  void (*function)() = nullptr;
  missing.resolve(function, "heif_context_alloc");
  EXPECT_EQ(function, nullptr);
  auto failed = missing.result();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::io);
  EXPECT_NE(failed.error().message.find("libsora-no-such-library.so.7 is needed for testing"),
            std::string::npos)
      << failed.error().message;
  EXPECT_NE(failed.error().hint.find("libsora-test7"), std::string::npos) << failed.error().hint;

  media::LibraryLoader heif({"libheif.so.1", "HEIC and AVIF photos", "libheif1"});
  heif.resolve(function, "heif_context_alloc");
  EXPECT_NE(function, nullptr);
  EXPECT_TRUE(heif.result());
  heif.resolve(function, "heif_no_such_function");
  ASSERT_FALSE(heif.result());
  EXPECT_NE(heif.result().error().message.find("heif_no_such_function"), std::string::npos)
      << heif.result().error().message;
}
