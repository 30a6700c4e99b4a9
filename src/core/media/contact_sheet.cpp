// Contact sheets: per shot, its label over its first and last frame, scaled with libswscale; the
// labels are drawn with a built-in 5x7 bitmap font (upper-case ASCII; lower case is drawn upper).
#include "media/av.hpp"

#include <sora/media.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace sora {
namespace {

using namespace media;

struct Glyph {
  char c;
  std::array<std::uint8_t, 7> rows; // 5 bits a row, most significant on the left
};

constexpr Glyph k_font[] = {
    {' ', {0, 0, 0, 0, 0, 0, 0}},        {'0', {14, 17, 19, 21, 25, 17, 14}},
    {'1', {4, 12, 4, 4, 4, 4, 14}},      {'2', {14, 17, 1, 2, 4, 8, 31}},
    {'3', {31, 2, 4, 2, 1, 17, 14}},     {'4', {2, 6, 10, 18, 31, 2, 2}},
    {'5', {31, 16, 30, 1, 1, 17, 14}},   {'6', {6, 8, 16, 30, 17, 17, 14}},
    {'7', {31, 1, 2, 4, 8, 8, 8}},       {'8', {14, 17, 17, 14, 17, 17, 14}},
    {'9', {14, 17, 17, 15, 1, 2, 12}},   {'A', {14, 17, 17, 31, 17, 17, 17}},
    {'B', {30, 17, 17, 30, 17, 17, 30}}, {'C', {14, 17, 16, 16, 16, 17, 14}},
    {'D', {28, 18, 17, 17, 17, 18, 28}}, {'E', {31, 16, 16, 30, 16, 16, 31}},
    {'F', {31, 16, 16, 30, 16, 16, 16}}, {'G', {14, 17, 16, 23, 17, 17, 15}},
    {'H', {17, 17, 17, 31, 17, 17, 17}}, {'I', {14, 4, 4, 4, 4, 4, 14}},
    {'J', {7, 2, 2, 2, 2, 18, 12}},      {'K', {17, 18, 20, 24, 20, 18, 17}},
    {'L', {16, 16, 16, 16, 16, 16, 31}}, {'M', {17, 27, 21, 21, 17, 17, 17}},
    {'N', {17, 17, 25, 21, 19, 17, 17}}, {'O', {14, 17, 17, 17, 17, 17, 14}},
    {'P', {30, 17, 17, 30, 16, 16, 16}}, {'Q', {14, 17, 17, 17, 21, 18, 13}},
    {'R', {30, 17, 17, 30, 20, 18, 17}}, {'S', {15, 16, 16, 14, 1, 1, 30}},
    {'T', {31, 4, 4, 4, 4, 4, 4}},       {'U', {17, 17, 17, 17, 17, 17, 14}},
    {'V', {17, 17, 17, 17, 17, 10, 4}},  {'W', {17, 17, 17, 21, 21, 21, 10}},
    {'X', {17, 17, 10, 4, 10, 17, 17}},  {'Y', {17, 17, 17, 10, 4, 4, 4}},
    {'Z', {31, 1, 2, 4, 8, 16, 31}},     {'-', {0, 0, 0, 31, 0, 0, 0}},
    {'_', {0, 0, 0, 0, 0, 0, 31}},       {'.', {0, 0, 0, 0, 0, 12, 12}},
    {':', {0, 12, 12, 0, 12, 12, 0}},    {'/', {0, 1, 2, 4, 8, 16, 0}},
    {'(', {2, 4, 8, 8, 8, 4, 2}},        {')', {8, 4, 2, 2, 2, 4, 8}},
    {'#', {10, 10, 31, 10, 31, 10, 10}}, {'!', {4, 4, 4, 4, 4, 0, 4}},
    {'?', {14, 17, 1, 2, 4, 0, 4}},      {',', {0, 0, 0, 0, 12, 4, 8}},
    {'+', {0, 4, 4, 31, 4, 4, 0}},
};
constexpr int k_scale = 2;  // font pixels per glyph dot
constexpr int k_margin = 8; // around and between pictures
constexpr int k_label_height = 7 * k_scale + 2 * k_margin;

const Glyph& glyph(char c) {
  const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const auto& g : k_font)
    if (g.c == upper) return g;
  return k_font[sizeof(k_font) / sizeof(k_font[0]) - 3]; // '?'
}

void draw_text(RgbImage& sheet, int x, int y, const std::string& text) {
  for (const char c : text) {
    if (x + 5 * k_scale > sheet.width) break;
    const auto& g = glyph(c);
    for (int row = 0; row < 7; ++row) {
      for (int col = 0; col < 5; ++col) {
        if (!(g.rows[static_cast<std::size_t>(row)] & (16 >> col))) continue;
        for (int dy = 0; dy < k_scale; ++dy) {
          for (int dx = 0; dx < k_scale; ++dx) {
            const auto at = (static_cast<std::size_t>(y + row * k_scale + dy) * sheet.width +
                             static_cast<std::size_t>(x + col * k_scale + dx)) *
                            3;
            sheet.rgb[at] = sheet.rgb[at + 1] = sheet.rgb[at + 2] = 255;
          }
        }
      }
    }
    x += 6 * k_scale;
  }
}

/// Scales `image` to `width` x `height` and copies it into `sheet` at (x, y).
void paste(RgbImage& sheet, const RgbImage& image, int x, int y, int width, int height) {
  if (image.width <= 0 || image.height <= 0) return;
  std::vector<std::uint8_t> scaled(static_cast<std::size_t>(width) * height * 3);
  SwsPtr sws(av().sws_getContext(image.width, image.height, AV_PIX_FMT_RGB24, width, height,
                                 AV_PIX_FMT_RGB24, SWS_AREA, nullptr, nullptr, nullptr));
  if (!sws) return;
  const std::uint8_t* src[1] = {image.rgb.data()};
  const int src_stride[1] = {image.width * 3};
  if (!scale_to_packed_rgb(*sws, src, src_stride, image.height, width, height, scaled.data()))
    return;
  for (int row = 0; row < height; ++row) {
    std::copy_n(scaled.begin() + static_cast<std::ptrdiff_t>(row) * width * 3, width * 3,
                sheet.rgb.begin() +
                    static_cast<std::ptrdiff_t>((static_cast<std::size_t>(y + row) * sheet.width +
                                                 static_cast<std::size_t>(x)) *
                                                3));
  }
}

} // namespace

Result<void> write_contact_sheet(const std::vector<ContactRow>& rows,
                                 const std::filesystem::path& path, int thumb_width) {
  if (rows.empty()) return unexpected(ErrorCode::invalid_argument, "No shots to show.");
  if (thumb_width < 16 || thumb_width > 4096)
    return unexpected(ErrorCode::invalid_argument, "The thumbnail width must be 16 to 4096.");
  int thumb_height = 0;
  for (const auto& row : rows) {
    if (row.first.width > 0)
      thumb_height = std::max(thumb_height, thumb_width * row.first.height / row.first.width);
  }
  thumb_height = std::max(2, thumb_height & ~1);
  RgbImage sheet;
  sheet.width = 2 * thumb_width + 3 * k_margin;
  const int row_height = k_label_height + thumb_height;
  sheet.height = static_cast<int>(rows.size()) * row_height + k_margin;
  sheet.rgb.assign(static_cast<std::size_t>(sheet.width) * sheet.height * 3, 32);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const int top = static_cast<int>(i) * row_height;
    draw_text(sheet, k_margin, top + k_margin, rows[i].label);
    paste(sheet, rows[i].first, k_margin, top + k_label_height, thumb_width, thumb_height);
    paste(sheet, rows[i].last, 2 * k_margin + thumb_width, top + k_label_height, thumb_width,
          thumb_height);
  }
  return write_png(path, sheet);
}

} // namespace sora
