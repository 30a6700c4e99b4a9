// Decoded pixels and what every image codec of the media folder shares: the limits, the errors
// they report, and shrinking on load so a large photo never sits in memory at full size.
#pragma once

#include <sora/fit.hpp>
#include <sora/result.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace sora::media {

// Decoded pixels are capped: 64 megapixels is 256 MiB as RGBA, the most any decoder holds.
inline constexpr std::uint64_t k_max_pixels = 64ULL * 1024 * 1024;
inline constexpr int k_max_side = 16384;

/// 8-bit RGB pixels, rows top to bottom, no padding, in the colour space `icc` describes (empty:
/// sRGB), before `orientation` (EXIF 1-8) is applied.
struct Raster {
  int width = 0;
  int height = 0;
  std::vector<unsigned char> rgb;
  std::vector<unsigned char> icc; ///< the source's embedded ICC profile, if any
  int orientation = 1;
  bool had_alpha = false; ///< the source was transparent somewhere (flattened onto the pad)
};

/// What a decoder may use to shrink while it decodes: the fit's target (width x height after
/// orientation) and mode. A decoder never shrinks below what the fit needs.
struct DecodeTarget {
  FitOptions fit;
};

/// The whole-number factor (1, 2, 3, …) by which a `width` x `height` image (before
/// `orientation`) can be shrunk while it is decoded and still cover the fit without upscaling.
int shrink_factor(int width, int height, int orientation, const FitOptions& fit);

/// Averages `factor` x `factor` blocks of rows as they arrive: feed each decoded RGB row of the
/// full image, then take the shrunk raster. Holds only one output row of sums.
class RowShrinker {
public:
  RowShrinker(int width, int height, int factor);
  void add_row(const unsigned char* rgb);
  Raster take();

private:
  int m_width, m_factor, m_rows_in = 0;
  std::vector<std::uint32_t> m_sums;
  Raster m_out;
  void flush_row(int rows);
};

/// Y'CbCr planes as HEVC and AV1 decoders give them, and how to turn them into RGB. Samples of
/// more than 8 bits are 16-bit words in the machine's order (FFmpeg's yuv420p10le, libheif's
/// planes); the strides are in bytes either way.
struct YCbCrPlanes {
  int width = 0, height = 0;
  int bits = 8; ///< 8, or 9-16 for 16-bit samples (10 bits: limited range is 64-940, 64-960)
  const std::uint8_t* y = nullptr;
  int y_stride = 0;
  const std::uint8_t* cb = nullptr; ///< with `cr`; both null for a grayscale image
  const std::uint8_t* cr = nullptr;
  int c_stride = 0;
  int shift_x = 1, shift_y = 1;  ///< chroma subsampling: 4:2:0 is 1, 1; 4:2:2 1, 0; 4:4:4 0, 0
  double kr = 0.299, kb = 0.114; ///< the matrix: BT.601 unless the file names another
  bool full_range = true;        ///< false: Y' 16-235, Cb and Cr 16-240 (at 8 bits)
};

/// Averages `factor` x `factor` blocks of `planes` (chroma taken by nearest neighbour, as libheif
/// upsamples it) and converts the averages to 8-bit RGB. Since the conversion is affine, that is
/// the average of the converted pixels (but for clipping), without a full-size RGB copy.
Raster shrink_ycbcr(const YCbCrPlanes& planes, int factor);

/// One output row of shrink_ycbcr: averages rows [first_row, first_row + rows) of `planes` in
/// blocks of `factor` columns into `rgb` ((width + factor - 1) / factor pixels).
void shrink_ycbcr_rows(const YCbCrPlanes& planes, int factor, int first_row, int rows,
                       unsigned char* rgb);

/// Sets the matrix of `planes` from its ITU-T H.273 code: BT.601 (2: unspecified, 5, 6), BT.709
/// (1) or BT.2020 (9, 10); false for any other.
bool use_matrix(YCbCrPlanes& planes, int matrix);

Unexpected bad_image(const std::filesystem::path& path, const std::string& why,
                     std::string hint = "Use a JPEG, PNG, WebP, HEIC or AVIF image, or convert "
                                        "this one.");
Unexpected too_large(const std::filesystem::path& path, std::uint64_t width, std::uint64_t height);
Unexpected unreadable(const std::filesystem::path& path, int error);
/// io: the fitted copy could not be written (a full or read-only temporary folder).
Unexpected write_failed(const std::filesystem::path& path, int error);

struct FileCloser {
  void operator()(std::FILE* f) const noexcept {
    if (f) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

/// Blends `alpha` (0-255) of a colour channel over the pad colour's channel.
inline unsigned char over(unsigned value, unsigned alpha, unsigned pad) {
  return static_cast<unsigned char>((value * alpha + pad * (255 - alpha) + 127) / 255);
}

// The decoders (one file each). `target` lets them shrink on load; none applies orientation.
Result<Raster> decode_jpeg(const std::filesystem::path& path, const DecodeTarget& target);
Result<Raster> decode_png(const std::filesystem::path& path, const DecodeTarget& target);
Result<Raster> decode_webp(const std::filesystem::path& path, const DecodeTarget& target);
/// HEIC/HEIF and AVIF through libheif; its rotation and mirror transforms are applied.
Result<Raster> decode_heif(const std::filesystem::path& path, const DecodeTarget& target);
/// The displayed size of a HEIF/AVIF image (after its transforms), without decoding pixels.
Result<ImageInfo> probe_heif(const std::filesystem::path& path, ImageType type);

/// Converts `image` from its ICC profile (or the profile `icc` names) to sRGB in place and clears
/// `icc`. A missing or unusable profile leaves the pixels as they are (read as sRGB).
Result<void> convert_to_srgb(Raster& image);
/// Converts CMYK pixels (4 bytes each, `inverted` as Adobe writes them) to sRGB: through the
/// profile when one is given, else the naive formula R = 255 (1-C)(1-K).
Result<Raster> cmyk_to_srgb(const std::vector<unsigned char>& cmyk, int width, int height,
                            bool inverted, const std::vector<unsigned char>& icc);
/// The bytes of a Display P3 ICC profile (P3 primaries, D65, the sRGB curve), for HEIF files
/// that name their colours by nclx primaries instead of embedding a profile.
std::vector<unsigned char> display_p3_profile();
/// The bytes of an sRGB ICC profile, to tag written files with.
const std::vector<unsigned char>& srgb_icc_profile();

/// Writes `image` (sRGB) as a JPEG at `quality`, tagged with an sRGB profile.
Result<void> write_jpeg(const std::filesystem::path& path, const Raster& image, int quality);
/// Writes `image` (sRGB) as a PNG with an sRGB chunk.
Result<void> write_png(const std::filesystem::path& path, const Raster& image);

} // namespace sora::media
