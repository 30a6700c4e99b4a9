#include "hints.hpp"
#include "support/read_image.hpp"
#include "support/temp_dir.hpp"
#include "support/write_jpeg.hpp"

#include <sora/batch.hpp>
#include <sora/fit.hpp>
#include <sora/validate.hpp>

#include <gtest/gtest.h>

#include <jpeglib.h>
#include <png.h>

#include <array>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <tuple>
#include <vector>

using namespace sora;
namespace fs = std::filesystem;

namespace {

const std::string k_data = SORA_TEST_DATA;

using Image = test::DecodedImage;

using PixelFn = std::function<Color(int x, int y)>;

// An APP1 payload with one IFD0 entry, Orientation = `orientation`, in either byte order.
std::vector<unsigned char> exif_app1(int orientation, bool big_endian) {
  std::vector<unsigned char> b{'E', 'x', 'i', 'f', 0, 0};
  auto u16 = [&](unsigned v) {
    if (big_endian) {
      b.push_back(static_cast<unsigned char>(v >> 8));
      b.push_back(static_cast<unsigned char>(v));
    } else {
      b.push_back(static_cast<unsigned char>(v));
      b.push_back(static_cast<unsigned char>(v >> 8));
    }
  };
  auto u32 = [&](std::uint32_t v) {
    if (big_endian) {
      u16(v >> 16);
      u16(v & 0xFFFF);
    } else {
      u16(v & 0xFFFF);
      u16(v >> 16);
    }
  };
  b.push_back(big_endian ? 'M' : 'I');
  b.push_back(big_endian ? 'M' : 'I');
  u16(42);
  u32(8);                                       // IFD0 right after the header
  u16(2);                                       // two entries: an unrelated one first
  u16(0x010F), u16(2), u32(4), u32(0x00414243); // Make, ASCII
  u16(0x0112), u16(3), u32(1), u16(static_cast<unsigned>(orientation)), u16(0);
  u32(0); // no next IFD
  return b;
}

void write_jpeg(const fs::path& path, int w, int h, const PixelFn& pixel, int orientation = 1,
                int quality = 95) {
  test::JpegWriteOptions options;
  options.quality = quality;
  if (orientation != 1) options.app1 = exif_app1(orientation, orientation % 2 == 0);
  test::write_test_jpeg(
      path, w, h,
      [&](int x, int y, unsigned char* out) {
        Color c = pixel(x, y);
        out[0] = c.r, out[1] = c.g, out[2] = c.b;
      },
      options);
}

// RGBA, so transparency can be tested.
void write_png(const fs::path& path, int w, int h,
               const std::function<std::array<unsigned char, 4>(int, int)>& pixel) {
  std::vector<unsigned char> rgba(std::size_t(w) * std::size_t(h) * 4);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      auto p = pixel(x, y);
      std::copy(p.begin(), p.end(), rgba.begin() + (std::ptrdiff_t(y) * w + x) * 4);
    }
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(w);
  image.height = static_cast<png_uint_32>(h);
  image.format = PNG_FORMAT_RGBA;
  ASSERT_TRUE(png_image_write_to_file(&image, path.c_str(), 0, rgba.data(), 0, nullptr));
}

bool near(Color a, Color b, int tolerance) {
  return std::abs(a.r - b.r) <= tolerance && std::abs(a.g - b.g) <= tolerance &&
         std::abs(a.b - b.b) <= tolerance;
}

std::string str(Color c) {
  return "(" + std::to_string(c.r) + "," + std::to_string(c.g) + "," + std::to_string(c.b) + ")";
}

constexpr Color k_red{255, 0, 0}, k_green{0, 255, 0}, k_blue{0, 0, 255}, k_white{255, 255, 255};

FitOptions options(const test::TempDir& dir, FitMode mode, int w, int h) {
  FitOptions o;
  o.mode = mode;
  o.width = w;
  o.height = h;
  o.temp_dir = dir.path();
  return o;
}

bool no_files_in(const fs::path& dir) {
  return fs::is_empty(dir);
}

} // namespace

TEST(FitTest, EveryModeProducesExactlyTheTargetSize) {
  test::TempDir dir;
  for (auto source : {"photo-1024x768.jpg", "photo-1280x720.png", "photo-1280x720.webp"})
    for (auto [mode, w, h] :
         {std::tuple{FitMode::cover, 720, 1280}, std::tuple{FitMode::contain, 1280, 720},
          std::tuple{FitMode::stretch, 333, 77}}) {
      auto fitted = fit_image(k_data + "/" + source, options(dir, mode, w, h));
      ASSERT_TRUE(fitted) << source << ": " << fitted.error().message;
      auto info = probe_image(fitted->file.path());
      ASSERT_TRUE(info);
      EXPECT_EQ(info->width, w) << source << " " << to_string(mode);
      EXPECT_EQ(info->height, h) << source << " " << to_string(mode);
      // JPEG stays JPEG; PNG and WebP become lossless PNG.
      bool jpeg = std::string(source).ends_with(".jpg");
      EXPECT_EQ(info->type, jpeg ? ImageType::jpeg : ImageType::png) << source;
      EXPECT_EQ(fitted->info.width, w);
      EXPECT_EQ(fitted->file.path().stem(), fs::path(source).stem()); // the upload's name
      Image pixels = test::read_image(fitted->file.path());
      EXPECT_EQ(pixels.width, w);
      EXPECT_EQ(pixels.height, h);
    }
  EXPECT_TRUE(no_files_in(dir.path())) << "every fitted copy removed itself";
}

TEST(FitTest, CoverScalesAndCropsTheCentre) {
  test::TempDir dir;
  // Red | green | blue thirds: a square cover keeps only the green middle.
  write_png(dir / "thirds.png", 300, 100, [](int x, int) -> std::array<unsigned char, 4> {
    if (x < 100) return {255, 0, 0, 255};
    if (x < 200) return {0, 255, 0, 255};
    return {0, 0, 255, 255};
  });
  auto fitted = fit_image(dir / "thirds.png", options(dir, FitMode::cover, 50, 50));
  ASSERT_TRUE(fitted) << fitted.error().message;
  Image out = test::read_image(fitted->file.path());
  ASSERT_EQ(out.width, 50);
  for (auto [x, y] : {std::pair{3, 3}, std::pair{46, 46}, std::pair{25, 25}, std::pair{46, 3}})
    EXPECT_TRUE(near(out.at(x, y), k_green, 8)) << x << "," << y << " " << str(out.at(x, y));
}

TEST(FitTest, ContainPadsWithTheColour) {
  test::TempDir dir;
  write_png(dir / "wide.png", 200, 100, [](int, int) -> std::array<unsigned char, 4> {
    return {0, 255, 0, 255};
  });
  auto o = options(dir, FitMode::contain, 100, 100);
  o.pad = *parse_color("#ff00ff");
  auto fitted = fit_image(dir / "wide.png", o);
  ASSERT_TRUE(fitted) << fitted.error().message;
  Image out = test::read_image(fitted->file.path());
  ASSERT_EQ(out.width, 100);
  ASSERT_EQ(out.height, 100);
  // 100x50 of picture in rows 25..74, magenta above and below (exact: PNG is lossless).
  for (auto [x, y] : {std::pair{0, 0}, std::pair{50, 10}, std::pair{99, 24}, std::pair{50, 75},
                      std::pair{99, 99}})
    EXPECT_EQ(out.at(x, y), (Color{255, 0, 255})) << x << "," << y << " " << str(out.at(x, y));
  for (auto [x, y] : {std::pair{0, 26}, std::pair{50, 50}, std::pair{99, 73}})
    EXPECT_TRUE(near(out.at(x, y), k_green, 2)) << x << "," << y << " " << str(out.at(x, y));
}

TEST(FitTest, TransparencyIsFlattenedOntoThePadColour) {
  test::TempDir dir;
  write_png(dir / "clear.png", 40, 40, [](int, int) -> std::array<unsigned char, 4> {
    return {0, 0, 0, 0};
  });
  auto o = options(dir, FitMode::stretch, 20, 20);
  o.pad = k_white;
  auto fitted = fit_image(dir / "clear.png", o);
  ASSERT_TRUE(fitted) << fitted.error().message;
  EXPECT_EQ(test::read_image(fitted->file.path()).at(10, 10), k_white);
}

TEST(FitTest, StretchFillsBothAxes) {
  test::TempDir dir;
  write_jpeg(dir / "half.jpg", 64, 64, [](int x, int) { return x < 32 ? k_red : k_blue; });
  auto fitted = fit_image(dir / "half.jpg", options(dir, FitMode::stretch, 128, 16));
  ASSERT_TRUE(fitted) << fitted.error().message;
  Image out = test::read_image(fitted->file.path());
  ASSERT_EQ(out.width, 128);
  ASSERT_EQ(out.height, 16);
  EXPECT_TRUE(near(out.at(20, 8), k_red, 40)) << str(out.at(20, 8));
  EXPECT_TRUE(near(out.at(108, 8), k_blue, 40)) << str(out.at(108, 8));
}

TEST(FitTest, HonoursExifOrientation) {
  // Stored 64x32 with quadrants red | green over blue | white.
  auto quadrants = [](int x, int y) {
    if (y < 16) return x < 32 ? k_red : k_green;
    return x < 32 ? k_blue : k_white;
  };
  struct Case {
    int orientation;
    int w, h;                                             // as displayed
    Color top_left, top_right, bottom_left, bottom_right; // as displayed
  } cases[] = {
      {1, 64, 32, k_red, k_green, k_blue, k_white},
      {3, 64, 32, k_white, k_blue, k_green, k_red}, // 180
      {6, 32, 64, k_blue, k_red, k_white, k_green}, // 90 clockwise
      {8, 32, 64, k_green, k_white, k_red, k_blue}, // 90 anticlockwise
      {2, 64, 32, k_green, k_red, k_white, k_blue}, // mirrored
      {5, 32, 64, k_red, k_blue, k_green, k_white}, // transposed
  };
  test::TempDir dir;
  for (const auto& c : cases) {
    fs::path source = dir / ("o" + std::to_string(c.orientation) + ".jpg");
    write_jpeg(source, 64, 32, quadrants, c.orientation);
    auto displayed = probe_displayed_image(source);
    ASSERT_TRUE(displayed);
    EXPECT_EQ(displayed->width, c.w) << "orientation " << c.orientation;
    EXPECT_EQ(displayed->height, c.h) << "orientation " << c.orientation;
    auto fitted = fit_image(source, options(dir, FitMode::stretch, c.w, c.h));
    ASSERT_TRUE(fitted) << fitted.error().message;
    EXPECT_EQ(fitted->orientation, c.orientation);
    Image out = test::read_image(fitted->file.path());
    ASSERT_EQ(out.width, c.w);
    ASSERT_EQ(out.height, c.h);
    int qx = c.w / 4, qy = c.h / 4;
    EXPECT_TRUE(near(out.at(qx, qy), c.top_left, 40))
        << "orientation " << c.orientation << " top left " << str(out.at(qx, qy));
    EXPECT_TRUE(near(out.at(3 * qx, qy), c.top_right, 40))
        << "orientation " << c.orientation << " top right " << str(out.at(3 * qx, qy));
    EXPECT_TRUE(near(out.at(qx, 3 * qy), c.bottom_left, 40))
        << "orientation " << c.orientation << " bottom left " << str(out.at(qx, 3 * qy));
    EXPECT_TRUE(near(out.at(3 * qx, 3 * qy), c.bottom_right, 40))
        << "orientation " << c.orientation << " bottom right " << str(out.at(3 * qx, 3 * qy));
  }
}

TEST(FitTest, ReadsTheOrientationTagInBothByteOrders) {
  for (int o = 1; o <= 8; ++o) {
    EXPECT_EQ(exif_orientation(exif_app1(o, true)), o);
    EXPECT_EQ(exif_orientation(exif_app1(o, false)), o);
  }
  EXPECT_EQ(exif_orientation(exif_app1(9, true)), 1);
  auto damaged = exif_app1(6, true);
  damaged.resize(20); // the IFD is cut off
  EXPECT_EQ(exif_orientation(damaged), 1);
  EXPECT_EQ(exif_orientation({}), 1);
}

TEST(FitTest, LargeJpegIsScaledWhileDecoded) {
  test::TempDir dir;
  write_jpeg(dir / "big.jpg", 2400, 1600, [](int x, int y) {
    return Color{static_cast<std::uint8_t>(x % 256), static_cast<std::uint8_t>(y % 256), 128};
  });
  for (auto mode : {FitMode::cover, FitMode::contain}) {
    auto fitted = fit_image(dir / "big.jpg", options(dir, mode, 300, 533));
    ASSERT_TRUE(fitted) << fitted.error().message;
    Image out = test::read_image(fitted->file.path());
    EXPECT_EQ(out.width, 300);
    EXPECT_EQ(out.height, 533);
  }
}

TEST(FitTest, AutoSizeFollowsOrientationAndAspect) {
  EXPECT_EQ(choose_auto_size(4000, 3000, "sora-2"), "1280x720");
  EXPECT_EQ(choose_auto_size(3000, 4000, "sora-2"), "720x1280");
  EXPECT_EQ(choose_auto_size(1024, 768, "sora-2"), "1280x720");
  EXPECT_EQ(choose_auto_size(1000, 1000, "sora-2"), "720x1280"); // square: the first size
  EXPECT_EQ(choose_auto_size(4000, 3000, "sora-2-pro"), "1792x1024");
  EXPECT_EQ(choose_auto_size(3000, 4000, "sora-2-pro"), "1024x1792");
  EXPECT_EQ(choose_auto_size(1920, 1080, "sora-2-pro"), "1920x1080"); // exact wins
  EXPECT_EQ(choose_auto_size(3840, 2160, "sora-2-pro"), "1280x720");  // same aspect: smaller
  EXPECT_EQ(choose_auto_size(0, 0, "sora-2"), "720x1280");
}

TEST(FitTest, AutoSizeUsesTheDisplayedOrientation) {
  test::TempDir dir;
  // Stored landscape, displayed portrait.
  write_jpeg(
      dir / "turned.jpg", 160, 90, [](int, int) { return k_red; }, 6);
  auto displayed = probe_displayed_image(dir / "turned.jpg");
  ASSERT_TRUE(displayed);
  CreateRequest request;
  request.prompt = "a red wall";
  request.size = "auto";
  FitOptions o = options(dir, FitMode::cover, 0, 0);
  ASSERT_TRUE(plan_fit(request, *displayed, o));
  EXPECT_EQ(request.size, "720x1280");
  EXPECT_EQ(o.width, 720);
  EXPECT_EQ(o.height, 1280);

  CreateRequest unset; // --fit without --size: auto
  unset.prompt = "x";
  ASSERT_TRUE(plan_fit(unset, *displayed, o));
  EXPECT_EQ(unset.size, "720x1280");

  CreateRequest pro_only;
  pro_only.prompt = "x";
  pro_only.size = "1920x1080";
  auto refused = plan_fit(pro_only, *displayed, o);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument);
}

TEST(FitTest, SizeAutoWithoutFitMustMatchTheImage) {
  CreateRequest request;
  request.prompt = "x";
  request.size = "auto";
  ASSERT_TRUE(validate_create(request, ImageInfo{ImageType::jpeg, 720, 1280}));
  EXPECT_EQ(request.size, "720x1280");

  request.size = "auto";
  auto wrong = validate_create(request, ImageInfo{ImageType::jpeg, 1024, 768});
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("1280x720"), std::string::npos);
  // The core names the remedy (use_fit); the CLI's hints table says the flag.
  EXPECT_EQ(wrong.error().hint_kind, HintKind::use_fit);
  EXPECT_NE(sora::cli::hint_for(wrong.error()).find("--fit"), std::string::npos);

  request.size = "auto";
  auto none = validate_create(request, std::nullopt);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().hint_kind, HintKind::give_image_or_size);
  EXPECT_NE(sora::cli::hint_for(none.error()).find("--image"), std::string::npos);

  request.size = "1280x720"; // the plain mismatch now names --fit too
  auto mismatch = validate_create(request, ImageInfo{ImageType::jpeg, 720, 1280});
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().hint_kind, HintKind::use_fit);
  EXPECT_NE(sora::cli::hint_for(mismatch.error()).find("--fit"), std::string::npos);
}

TEST(FitTest, ParsesColours) {
  EXPECT_EQ(*parse_color("#1a2B3c"), (Color{0x1a, 0x2b, 0x3c}));
  EXPECT_EQ(*parse_color("1A2B3C"), (Color{0x1a, 0x2b, 0x3c}));
  EXPECT_EQ(*parse_color("#fff"), k_white);
  EXPECT_EQ(*parse_color("White"), k_white);
  EXPECT_EQ(*parse_color("black"), (Color{0, 0, 0}));
  EXPECT_EQ(*parse_color("grey"), (Color{128, 128, 128}));
  for (auto bad : {"", "#", "#12345", "#1234567", "fff", "#ggg000", "mauve", "12 34 56"}) {
    auto c = parse_color(bad);
    ASSERT_FALSE(c) << bad;
    EXPECT_EQ(c.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(c.error().hint.find("#RRGGBB"), std::string::npos);
  }
}

TEST(FitTest, ParsesModesAndSizes) {
  EXPECT_EQ(*parse_fit_mode("contain"), FitMode::contain);
  EXPECT_FALSE(parse_fit_mode("fill"));
  EXPECT_EQ(*parse_size("1280x720"), (std::pair{1280, 720}));
  for (auto bad : {"", "x", "1280", "1280x", "0x10", "-1x5", "1280X720", "99999x1"})
    EXPECT_FALSE(parse_size(bad)) << bad;
}

TEST(FitTest, DamagedOrUnsupportedImagesAreRefusedAndLeaveNothing) {
  test::TempDir dir;
  fs::path out = dir / "out";
  fs::create_directory(out);
  std::string jpeg = test::read_file(k_data + "/photo-1024x768.jpg");
  test::write_file(dir / "truncated.jpg", jpeg.substr(0, jpeg.size() / 3));
  std::string garbage = jpeg.substr(0, 600); // headers, then noise instead of the scan
  for (int i = 0; i < 5000; ++i)
    garbage += static_cast<char>((i * 7919) % 251);
  test::write_file(dir / "garbage.jpg", garbage);
  std::string png = test::read_file(k_data + "/photo-1280x720.png");
  test::write_file(dir / "truncated.png", png.substr(0, png.size() / 2));
  test::write_file(dir / "text.jpg", "not an image at all");
  for (auto name : {"truncated.jpg", "garbage.jpg", "truncated.png", "text.jpg", "missing.png"}) {
    FitOptions o = options(dir, FitMode::cover, 64, 64);
    o.temp_dir = out;
    auto fitted = fit_image(dir / name, o);
    ASSERT_FALSE(fitted) << name;
    EXPECT_EQ(fitted.error().code, ErrorCode::invalid_argument) << name;
    EXPECT_NE(fitted.error().message.find(name), std::string::npos) << fitted.error().message;
    EXPECT_FALSE(fitted.error().hint.empty()) << name;
  }
  EXPECT_TRUE(no_files_in(out));
}

TEST(FitTest, AnUnwritableFolderIsAnIoError) {
  test::TempDir dir;
  FitOptions o = options(dir, FitMode::cover, 64, 64);
  o.temp_dir = dir / "does-not-exist";
  auto fitted = fit_image(k_data + "/photo-1024x768.jpg", o);
  ASSERT_FALSE(fitted);
  EXPECT_EQ(fitted.error().code, ErrorCode::io);
  EXPECT_NE(fitted.error().hint.find("TMPDIR"), std::string::npos);

  o.temp_dir.clear();
  EXPECT_EQ(fit_image(k_data + "/photo-1024x768.jpg", o).error().code, ErrorCode::invalid_argument);
}

TEST(FitTest, TheTemporaryFileRemovesItself) {
  test::TempDir dir;
  fs::path file, folder;
  {
    auto fitted = fit_image(k_data + "/photo-1280x720.webp", options(dir, FitMode::cover, 32, 32));
    ASSERT_TRUE(fitted) << fitted.error().message;
    file = fitted->file.path();
    folder = file.parent_path();
    EXPECT_TRUE(fs::exists(file));
    EXPECT_EQ(folder.parent_path(), dir.path());
    TempFile moved = std::move(fitted->file); // ownership moves; still one file
    EXPECT_TRUE(fitted->file.path().empty());
    EXPECT_TRUE(fs::exists(moved.path()));
  }
  EXPECT_FALSE(fs::exists(file));
  EXPECT_FALSE(fs::exists(folder));
  EXPECT_TRUE(no_files_in(dir.path()));
}

TEST(FitTest, ManifestKeysAreCheckedWithLineNumbers) {
  test::TempDir dir;
  fs::copy_file(k_data + "/photo-1024x768.jpg", dir / "photo.jpg");
  test::write_file(
      dir / "ok.jsonl",
      R"({"id":"a","prompt":"x","image":"photo.jpg","fit":"cover"})"
      "\n"
      R"({"id":"b","prompt":"x","image":"photo.jpg","fit":"contain","size":"720x1280","pad_color":"white"})"
      "\n");
  auto jobs = load_manifest(dir / "ok.jsonl", dir.path());
  ASSERT_TRUE(jobs) << jobs.error().message;
  ASSERT_EQ(jobs->size(), 2u);
  ASSERT_TRUE((*jobs)[0].fit);
  EXPECT_EQ((*jobs)[0].request.size, "1280x720"); // auto from the 1024x768 photo
  EXPECT_EQ((*jobs)[0].fit->width, 1280);
  EXPECT_EQ((*jobs)[1].fit->mode, FitMode::contain);
  EXPECT_EQ((*jobs)[1].fit->pad, k_white);
  EXPECT_EQ((*jobs)[1].fit->height, 1280);

  test::write_file(dir / "bad.jsonl",
                   R"({"prompt":"x","image":"photo.jpg","fit":"squash"})"
                   "\n"
                   R"({"prompt":"x","image":"photo.jpg","fit":"cover","pad_color":"#12"})"
                   "\n"
                   R"({"prompt":"x","pad_color":"white"})"
                   "\n"
                   R"({"prompt":"x","fit":"cover"})"
                   "\n"
                   R"({"prompt":"x","image":"photo.jpg","size":"auto"})"
                   "\n");
  auto bad = load_manifest(dir / "bad.jsonl", dir.path());
  ASSERT_FALSE(bad);
  const std::string m = sora::cli::cli_words(bad.error().message); // as the CLI says it
  EXPECT_NE(m.find("line 1: fit: 'squash'"), std::string::npos) << m;
  EXPECT_NE(m.find("line 2: pad_color: '#12'"), std::string::npos) << m;
  EXPECT_NE(m.find("line 3: pad_color needs fit"), std::string::npos) << m;
  EXPECT_NE(m.find("line 4: fit resizes the image"), std::string::npos) << m;
  EXPECT_NE(m.find("line 5: --size auto picks 1280x720"), std::string::npos) << m;
}
