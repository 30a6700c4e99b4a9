// The fast PNG reader (ISA-L's inflate) against libpng: the same pixels for every colour type,
// bit depth and filter it takes, tRNS and ICC; damaged files (CRC, Adler-32, truncation) are
// errors; what it does not take (interlaced, gamma to correct) still decodes through libpng.
#include "media/png_fast_reader.hpp"
#include "media/raster.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <png.h>
#include <zlib.h>

#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

using namespace sora;
namespace fs = std::filesystem;

namespace {

struct PngSpec {
  int width = 37, height = 23;
  int bit_depth = 8;
  int color_type = PNG_COLOR_TYPE_RGB;
  int filter = PNG_ALL_FILTERS; // png_set_filter's mask: one filter forces it on every row
  int interlace = PNG_INTERLACE_NONE;
  bool transparent = false;       // tRNS: a palette's alpha, or the colour of pixel (0, 0)
  std::vector<unsigned char> icc; // iCCP
  double gamma = 0;               // gAMA (0: none)
  std::size_t idat_size = 300;    // small IDAT chunks: rows and checks span chunks
};

int samples(int color_type) {
  switch (color_type) {
  case PNG_COLOR_TYPE_GRAY:
  case PNG_COLOR_TYPE_PALETTE:
    return 1;
  case PNG_COLOR_TYPE_GRAY_ALPHA:
    return 2;
  case PNG_COLOR_TYPE_RGB:
    return 3;
  default:
    return 4;
  }
}

// Rows of samples as the file stores them (16-bit big-endian): a gradient with some noise, so
// every filter has work to do, alpha from 0 to 255, and pixel (0, 0) repeated to meet tRNS.
std::vector<unsigned char> make_pixels(const PngSpec& s) {
  std::size_t bytes = std::size_t(samples(s.color_type)) * std::size_t(s.bit_depth / 8);
  std::size_t stride = bytes * std::size_t(s.width);
  std::vector<unsigned char> rows(stride * std::size_t(s.height));
  std::uint32_t noise = 12345;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    noise = noise * 1103515245u + 12345u;
    std::size_t x = (i % stride) / bytes, y = i / stride;
    rows[i] = static_cast<unsigned char>(x * 5 + y * 9 + (noise >> 28));
    if (s.color_type == PNG_COLOR_TYPE_PALETTE) rows[i] = static_cast<unsigned char>(rows[i] % 40);
  }
  for (int y = 0; y < s.height; y += 3) // every third row starts with pixel (0, 0)
    for (std::size_t x = 0; x < std::size_t(s.width); x += 7)
      std::copy_n(rows.begin(), bytes, rows.begin() + std::ptrdiff_t(y * stride + x * bytes));
  return rows;
}

// setjmp frame: trivially destructible locals only.
bool write_frame(png_structp png, png_infop info, std::FILE* f, const PngSpec& s,
                 const unsigned char* pixels, const png_color* palette, const unsigned char* alphas,
                 const png_color_16* key) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_init_io(png, f);
  png_set_compression_buffer_size(png, s.idat_size);
  png_set_IHDR(png, info, png_uint_32(s.width), png_uint_32(s.height), s.bit_depth, s.color_type,
               s.interlace, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_filter(png, PNG_FILTER_TYPE_BASE, s.filter);
  if (s.color_type == PNG_COLOR_TYPE_PALETTE) png_set_PLTE(png, info, palette, 40);
  if (s.transparent && s.color_type == PNG_COLOR_TYPE_PALETTE)
    png_set_tRNS(png, info, alphas, 30, nullptr); // indexes 30-39 stay opaque
  else if (s.transparent)
    png_set_tRNS(png, info, nullptr, 0, key);
  if (!s.icc.empty())
    png_set_iCCP(png, info, "test", PNG_COMPRESSION_TYPE_BASE, s.icc.data(),
                 png_uint_32(s.icc.size()));
  if (s.gamma > 0) png_set_gAMA(png, info, s.gamma);
  png_write_info(png, info);
  std::size_t stride = std::size_t(samples(s.color_type) * s.bit_depth / 8 * s.width);
  int passes = png_set_interlace_handling(png);
  for (int pass = 0; pass < passes; ++pass)
    for (int y = 0; y < s.height; ++y)
      png_write_row(png, pixels + std::size_t(y) * stride);
  png_write_end(png, info);
  return true;
}

void write_png(const fs::path& path, const PngSpec& s) {
  auto pixels = make_pixels(s);
  png_color palette[40];
  unsigned char alphas[30];
  for (int i = 0; i < 40; ++i)
    palette[i] = {png_byte(i * 6), png_byte(255 - i * 5), png_byte(i * i % 256)};
  for (int i = 0; i < 30; ++i)
    alphas[i] = png_byte(i * 8);
  png_color_16 key{}; // pixel (0, 0): gray or red, green, blue
  auto at = [&](std::size_t i) -> png_uint_16 {
    if (s.bit_depth == 8) return pixels[i];
    return static_cast<png_uint_16>(pixels[2 * i] << 8 | pixels[2 * i + 1]);
  };
  key.gray = key.red = at(0);
  if (s.color_type == PNG_COLOR_TYPE_RGB) key.green = at(1), key.blue = at(2);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  bool ok = write_frame(png, info, f, s, pixels.data(), palette, alphas, &key);
  png_destroy_write_struct(&png, &info);
  std::fclose(f);
  ASSERT_TRUE(ok) << path;
}

media::DecodeTarget full_size(const PngSpec& s) {
  media::DecodeTarget target;
  target.fit.mode = FitMode::stretch;
  target.fit.width = s.width, target.fit.height = s.height;
  target.fit.pad = Color{10, 200, 30}; // alpha is flattened onto it: every alpha value shows
  return target;
}

// Decodes `path` with both decoders and expects the same raster from each.
void expect_same_as_libpng(const fs::path& path, const PngSpec& s) {
  auto fast = media::decode_png_using(path, full_size(s), media::PngDecoder::fast);
  auto slow = media::decode_png_using(path, full_size(s), media::PngDecoder::libpng);
  ASSERT_TRUE(fast) << fast.error().message;
  ASSERT_TRUE(slow) << slow.error().message;
  EXPECT_EQ(fast->width, s.width);
  EXPECT_EQ(fast->height, s.height);
  EXPECT_EQ(fast->rgb, slow->rgb);
  EXPECT_EQ(fast->icc, slow->icc);
  EXPECT_EQ(fast->had_alpha, slow->had_alpha);
}

std::string describe(const PngSpec& s) {
  return "colour type " + std::to_string(s.color_type) + ", " + std::to_string(s.bit_depth) +
         " bits, filter mask " + std::to_string(s.filter) + (s.transparent ? ", tRNS" : "");
}

// The offsets of each chunk's length field, in file order.
std::vector<std::size_t> chunk_offsets(const std::string& file) {
  std::vector<std::size_t> offsets;
  for (std::size_t at = 8; at + 12 <= file.size();) {
    offsets.push_back(at);
    auto b = [&](std::size_t i) { return std::uint32_t(static_cast<unsigned char>(file[at + i])); };
    at += 12 + (b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3));
  }
  return offsets;
}

std::string chunk_type(const std::string& file, std::size_t at) {
  return file.substr(at + 4, 4);
}

class FastPngTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (!media::png_fast_reader_available()) GTEST_SKIP() << "libisal.so.2 is not installed";
  }
  test::TempDir dir;
};

} // namespace

TEST_F(FastPngTest, SamePixelsAsLibpngForEveryLayoutAndFilter) {
  const int filters[] = {PNG_FILTER_NONE, PNG_FILTER_SUB,   PNG_FILTER_UP,
                         PNG_FILTER_AVG,  PNG_FILTER_PAETH, PNG_ALL_FILTERS};
  const int types[] = {PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                       PNG_COLOR_TYPE_RGB_ALPHA, PNG_COLOR_TYPE_PALETTE};
  for (int type : types)
    for (int depth : {8, 16})
      for (int filter : filters) {
        if (type == PNG_COLOR_TYPE_PALETTE && depth == 16) continue;
        PngSpec s;
        s.color_type = type, s.bit_depth = depth, s.filter = filter;
        SCOPED_TRACE(describe(s));
        write_png(dir / "layout.png", s);
        expect_same_as_libpng(dir / "layout.png", s);
      }
}

TEST_F(FastPngTest, TransparencyChunksGiveTheSameAlphaAsLibpng) {
  for (int type : {PNG_COLOR_TYPE_PALETTE, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_RGB})
    for (int depth : {8, 16}) {
      if (type == PNG_COLOR_TYPE_PALETTE && depth == 16) continue;
      PngSpec s;
      s.color_type = type, s.bit_depth = depth, s.transparent = true;
      SCOPED_TRACE(describe(s));
      write_png(dir / "trns.png", s);
      expect_same_as_libpng(dir / "trns.png", s);
      auto fast = media::decode_png_using(dir / "trns.png", full_size(s), media::PngDecoder::fast);
      ASSERT_TRUE(fast) << fast.error().message;
      EXPECT_TRUE(fast->had_alpha);
    }
}

TEST_F(FastPngTest, KeepsTheIccProfileAndIgnoresGammaNextToIt) {
  PngSpec s;
  s.icc = media::display_p3_profile();
  s.gamma = 1.0; // with a profile, libpng corrects no gamma
  write_png(dir / "p3.png", s);
  expect_same_as_libpng(dir / "p3.png", s);
  auto fast = media::decode_png_using(dir / "p3.png", full_size(s), media::PngDecoder::fast);
  ASSERT_TRUE(fast);
  EXPECT_EQ(fast->icc, s.icc);
}

TEST_F(FastPngTest, GammaLibpngCorrectsAndInterlacingStayWithLibpng) {
  struct Case {
    const char* name;
    PngSpec spec;
    bool fast_reads;
  };
  Case cases[3];
  cases[0] = {"linear.png", {}, false};
  cases[0].spec.gamma = 1.0;
  cases[1] = {"interlaced.png", {}, false};
  cases[1].spec.interlace = PNG_INTERLACE_ADAM7;
  cases[2] = {"srgb.png", {}, true}; // gamma 1/2.2: no correction, the fast reader takes it
  cases[2].spec.gamma = 1 / 2.2;
  for (const auto& [name, s, fast_reads] : cases) {
    SCOPED_TRACE(name);
    write_png(dir / name, s);
    auto fast = media::decode_png_using(dir / name, full_size(s), media::PngDecoder::fast);
    EXPECT_EQ(bool(fast), fast_reads);
    if (!fast) {
      EXPECT_EQ(fast.error().code, ErrorCode::unsupported);
    }
    auto best = media::decode_png(dir / name, full_size(s));
    auto slow = media::decode_png_using(dir / name, full_size(s), media::PngDecoder::libpng);
    ASSERT_TRUE(best && slow);
    EXPECT_EQ(best->rgb, slow->rgb);
  }
}

TEST_F(FastPngTest, ADamagedIdatCrcIsAnError) {
  PngSpec s;
  write_png(dir / "crc.png", s);
  std::string file = test::read_file(dir / "crc.png");
  auto chunks = chunk_offsets(file);
  int idats = 0;
  for (std::size_t at : chunks) {
    if (chunk_type(file, at) != "IDAT" || ++idats != 2) continue;
    std::size_t length = file.size(); // the second IDAT's CRC: its last 4 bytes
    auto b = [&](std::size_t i) { return std::uint32_t(static_cast<unsigned char>(file[at + i])); };
    length = b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
    file[at + 8 + length] = static_cast<char>(file[at + 8 + length] ^ 0x01);
  }
  ASSERT_GE(idats, 2);
  test::write_file(dir / "crc.png", file);
  auto fast = media::decode_png_using(dir / "crc.png", full_size(s), media::PngDecoder::fast);
  ASSERT_FALSE(fast);
  EXPECT_EQ(fast.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(fast.error().message.find("CRC error in the IDAT chunk"), std::string::npos)
      << fast.error().message;
}

TEST_F(FastPngTest, ADamagedAdlerChecksumIsAnError) {
  PngSpec s;
  write_png(dir / "adler.png", s);
  std::string file = test::read_file(dir / "adler.png");
  std::size_t last = 0;
  for (std::size_t at : chunk_offsets(file))
    if (chunk_type(file, at) == "IDAT") last = at;
  ASSERT_GT(last, 0u);
  auto b = [&](std::size_t i) { return std::uint32_t(static_cast<unsigned char>(file[last + i])); };
  std::uint32_t length = b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
  // The Adler-32 is the zlib stream's last 4 bytes; the chunk's CRC is made right again.
  std::size_t adler = last + 8 + length - 1;
  file[adler] = static_cast<char>(file[adler] ^ 0x01);
  auto crc = crc32(0, reinterpret_cast<const Bytef*>(file.data() + last + 4), length + 4);
  for (int i = 0; i < 4; ++i)
    file[last + 8 + length + std::size_t(i)] = static_cast<char>(crc >> (24 - 8 * i));
  test::write_file(dir / "adler.png", file);
  auto fast = media::decode_png_using(dir / "adler.png", full_size(s), media::PngDecoder::fast);
  ASSERT_FALSE(fast);
  EXPECT_NE(fast.error().message.find("Adler-32"), std::string::npos) << fast.error().message;
}

TEST_F(FastPngTest, ATruncatedFileIsAnErrorWhereverItEnds) {
  PngSpec s;
  write_png(dir / "whole.png", s);
  std::string file = test::read_file(dir / "whole.png");
  auto chunks = chunk_offsets(file);
  std::size_t first_idat = 0;
  for (std::size_t at : chunks)
    if (!first_idat && chunk_type(file, at) == "IDAT") first_idat = at;
  ASSERT_GT(first_idat, 0u);
  // Cut after the first IDAT's header (where the fast reader starts), inside the image data and
  // its chunk boundaries, and just before the end of IEND.
  for (std::size_t cut = first_idat + 8; cut < file.size();
       cut += cut + 40 < file.size() ? 37 : 1) {
    SCOPED_TRACE("cut at " + std::to_string(cut) + " of " + std::to_string(file.size()));
    test::write_file(dir / "cut.png", file.substr(0, cut));
    auto fast = media::decode_png_using(dir / "cut.png", full_size(s), media::PngDecoder::fast);
    ASSERT_FALSE(fast);
    EXPECT_EQ(fast.error().code, ErrorCode::invalid_argument);
  }
}

namespace {

// A PNG chunk: length, type, data, CRC.
std::string chunk(const std::string& type, const std::string& data) {
  std::string out;
  auto put32 = [&](std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
      out += static_cast<char>((v >> shift) & 0xff);
  };
  put32(static_cast<std::uint32_t>(data.size()));
  std::string body = type + data;
  out += body;
  put32(static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
  return out;
}

} // namespace

TEST_F(FastPngTest, AnUnknownFilterTypeIsAnErrorAndStopsTheInflatingThread) {
  // 100x5000 RGB, all zeros, row 10 with filter type 5: the inflating side is far ahead and
  // waiting for room when the error is found, so it must be stopped, not waited for.
  PngSpec s;
  s.width = 100, s.height = 5000;
  std::string rows(std::size_t(s.height) * (1 + 3 * std::size_t(s.width)), '\0');
  rows[10 * (1 + 3 * std::size_t(s.width))] = 5;
  std::string compressed(compressBound(uLong(rows.size())), '\0');
  uLongf size = compressed.size();
  ASSERT_EQ(compress(reinterpret_cast<Bytef*>(compressed.data()), &size,
                     reinterpret_cast<const Bytef*>(rows.data()), uLong(rows.size())),
            Z_OK);
  compressed.resize(size);
  std::string header = {0, 0, 0, 100, 0, 0, 0x13, static_cast<char>(0x88), 8, 2, 0, 0, 0};
  test::write_file(dir / "filter.png", "\x89PNG\r\n\x1a\n" + chunk("IHDR", header) +
                                           chunk("IDAT", compressed) + chunk("IEND", ""));
  auto fast = media::decode_png_using(dir / "filter.png", full_size(s), media::PngDecoder::fast);
  ASSERT_FALSE(fast);
  EXPECT_NE(fast.error().message.find("unknown filter type 5 in row 10"), std::string::npos)
      << fast.error().message;
}
