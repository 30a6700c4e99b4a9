// Shrinking on load and the errors every image codec reports.
#include "media/raster.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

namespace sora::media {

namespace fs = std::filesystem;

int shrink_factor(int width, int height, int orientation, const FitOptions& fit) {
  if (width < 1 || height < 1 || fit.width < 1 || fit.height < 1) return 1;
  double dw = orientation >= 5 ? height : width;
  double dh = orientation >= 5 ? width : height;
  double sx = fit.width / dw, sy = fit.height / dh;
  double need = fit.mode == FitMode::contain ? std::min(sx, sy) : std::max(sx, sy);
  return std::max(1, static_cast<int>(std::floor(1.0 / need + 1e-9)));
}

RowShrinker::RowShrinker(int width, int height, int factor)
    : m_width(width), m_factor(std::max(1, factor)) {
  m_out.width = (width + m_factor - 1) / m_factor;
  m_out.height = (height + m_factor - 1) / m_factor;
  m_out.rgb.reserve(std::size_t(m_out.width) * std::size_t(m_out.height) * 3);
  m_sums.assign(std::size_t(m_out.width) * 3, 0);
}

void RowShrinker::add_row(const unsigned char* rgb) {
  if (m_factor == 1) {
    m_out.rgb.insert(m_out.rgb.end(), rgb, rgb + std::size_t(m_width) * 3);
    ++m_rows_in;
    return;
  }
  // Sums each block of `factor` pixels of the row into its output column (no division per pixel).
  const unsigned char* p = rgb;
  std::uint32_t* sum = m_sums.data();
  for (int x0 = 0; x0 < m_width; x0 += m_factor, sum += 3) {
    int n = std::min(m_factor, m_width - x0);
    std::uint32_t r = 0, g = 0, b = 0;
    for (int i = 0; i < n; ++i, p += 3) {
      r += p[0];
      g += p[1];
      b += p[2];
    }
    sum[0] += r;
    sum[1] += g;
    sum[2] += b;
  }
  ++m_rows_in;
  if (m_rows_in % m_factor == 0) flush_row(m_factor);
}

void RowShrinker::flush_row(int rows) {
  for (int x = 0; x < m_out.width; ++x) {
    int cols = std::min(m_factor, m_width - x * m_factor);
    auto n = static_cast<std::uint32_t>(cols * rows);
    for (int c = 0; c < 3; ++c) {
      auto& sum = m_sums[std::size_t(x) * 3 + std::size_t(c)];
      m_out.rgb.push_back(static_cast<unsigned char>((sum + n / 2) / n));
      sum = 0;
    }
  }
}

Raster RowShrinker::take() {
  if (m_factor > 1 && m_rows_in % m_factor != 0) flush_row(m_rows_in % m_factor);
  m_out.height = static_cast<int>(m_out.rgb.size() / (std::size_t(m_out.width) * 3));
  return std::move(m_out);
}

namespace {

// The RGB of one averaged Y'CbCr pixel.
void ycbcr_to_rgb(const YCbCrPlanes& p, double y, double cb, double cr, unsigned char* rgb) {
  cb -= 128;
  cr -= 128;
  if (!p.full_range) {
    y = (y - 16) * (255.0 / 219.0);
    cb *= 255.0 / 224.0;
    cr *= 255.0 / 224.0;
  }
  double r = y + 2 * (1 - p.kr) * cr;
  double b = y + 2 * (1 - p.kb) * cb;
  double g = y - (2 * p.kb * (1 - p.kb) * cb + 2 * p.kr * (1 - p.kr) * cr) / (1 - p.kr - p.kb);
  for (double v : {r, g, b})
    *rgb++ = static_cast<unsigned char>(std::clamp(std::lround(v), 0L, 255L));
}

} // namespace

namespace {

// Sums of Y', Cb and Cr per output column (`sums`, 3 a column) over rows [first_row, first_row +
// rows) of `p`, whose samples are `Sample`s.
template <class Sample>
void sum_ycbcr_rows(const YCbCrPlanes& p, int f, int first_row, int rows, std::uint32_t* sums) {
  auto row_of = [](const std::uint8_t* plane, std::size_t offset) {
    return plane ? reinterpret_cast<const Sample*>(plane + offset) : nullptr;
  };
  for (int y = first_row; y < first_row + rows; ++y) {
    const Sample* luma = row_of(p.y, std::size_t(y) * std::size_t(p.y_stride));
    std::size_t c_row = std::size_t(y >> p.shift_y) * std::size_t(p.c_stride);
    const Sample* cb = row_of(p.cb, c_row);
    const Sample* cr = row_of(p.cr, c_row);
    std::uint32_t* sum = sums;
    for (int x0 = 0; x0 < p.width; x0 += f, sum += 3) {
      int x1 = std::min(p.width, x0 + f);
      std::uint32_t sy = 0, sb = 0, sr = 0;
      for (int x = x0; x < x1; ++x)
        sy += luma[x];
      if (cb)
        for (int x = x0; x < x1; ++x) {
          sb += cb[x >> p.shift_x];
          sr += cr[x >> p.shift_x];
        }
      sum[0] += sy;
      sum[1] += sb;
      sum[2] += sr;
    }
  }
}

} // namespace

void shrink_ycbcr_rows(const YCbCrPlanes& p, int factor, int first_row, int rows,
                       unsigned char* rgb) {
  int f = std::max(1, factor), width = (p.width + f - 1) / f;
  std::vector<std::uint32_t> sums(std::size_t(width) * 3);
  if (p.bits > 8)
    sum_ycbcr_rows<std::uint16_t>(p, f, first_row, rows, sums.data());
  else
    sum_ycbcr_rows<std::uint8_t>(p, f, first_row, rows, sums.data());
  // 10 bits: the averages divided by 4 are on the 8-bit scale (64-940 is 16-235, 512 is 128).
  double scale = p.bits > 8 ? double(1U << (p.bits - 8)) : 1.0;
  for (int ox = 0; ox < width; ++ox, rgb += 3) {
    double n = double(std::min(f, p.width - ox * f) * rows) * scale;
    const std::uint32_t* sum = &sums[std::size_t(ox) * 3];
    ycbcr_to_rgb(p, sum[0] / n, p.cb ? sum[1] / n : 128, p.cb ? sum[2] / n : 128, rgb);
  }
}

Raster shrink_ycbcr(const YCbCrPlanes& p, int factor) {
  int f = std::max(1, factor);
  Raster out;
  out.width = (p.width + f - 1) / f;
  out.height = (p.height + f - 1) / f;
  out.rgb.resize(std::size_t(out.width) * std::size_t(out.height) * 3);
  for (int oy = 0; oy < out.height; ++oy)
    shrink_ycbcr_rows(p, f, oy * f, std::min(p.height, (oy + 1) * f) - oy * f,
                      &out.rgb[std::size_t(oy) * std::size_t(out.width) * 3]);
  return out;
}

bool use_matrix(YCbCrPlanes& planes, int matrix) {
  if (matrix == 1)
    planes.kr = 0.2126, planes.kb = 0.0722;
  else if (matrix == 9 || matrix == 10)
    planes.kr = 0.2627, planes.kb = 0.0593;
  else if (matrix == 2 || matrix == 5 || matrix == 6)
    planes.kr = 0.299, planes.kb = 0.114;
  else
    return false;
  return true;
}

Unexpected bad_image(const fs::path& path, const std::string& why, std::string hint) {
  return unexpected(ErrorCode::invalid_argument, path.string() + ": " + why, std::move(hint));
}

Unexpected too_large(const fs::path& path, std::uint64_t width, std::uint64_t height) {
  return bad_image(path,
                   "the image is " + std::to_string(width) + "x" + std::to_string(height) +
                       ", more than " + std::to_string(k_max_pixels / (1024 * 1024)) +
                       " megapixels once decoded.",
                   "Scale it down with an image editor first.");
}

Unexpected unreadable(const fs::path& path, int error) {
  return bad_image(path, std::string("cannot be read: ") + std::strerror(error) + ".",
                   "Check the file's permissions.");
}

Unexpected write_failed(const fs::path& path, int error) {
  return unexpected(ErrorCode::io,
                    "Cannot write the fitted image " + path.string() + ": " +
                        std::strerror(error ? error : EIO) + ".",
                    "Set TMPDIR to a writable folder with free space.");
}

} // namespace sora::media
