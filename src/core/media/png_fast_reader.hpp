// The image data of the PNGs photos come as (8 or 16 bits, not interlaced), read without libpng:
// libpng cannot change its inflater, and zlib's inflate is most of a large PNG's decoding time.
// ISA-L's inflate (libisal.so.2, opened on first use like libheif: docs/adr/0016) is about twice
// as fast on photo data. libpng still reads everything before the first IDAT chunk (so iCCP,
// sRGB, gAMA, PLTE and tRNS are judged exactly as before) and every other kind of PNG.
#pragma once

#include "media/raster.hpp"

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>

namespace sora::media {

/// What the fast reader needs to know of a PNG's pixels, taken from libpng's reading of the
/// chunks before the image data.
struct PngLayout {
  std::uint32_t width = 0, height = 0;
  int bit_depth = 8;  ///< 8 or 16
  int color_type = 2; ///< 0 gray, 2 RGB, 3 palette (8 bits only), 4 gray + alpha, 6 RGBA
  /// Palette images: RGBA for each index; indexes past PLTE are black, past tRNS opaque.
  std::array<unsigned char, 256 * 4> palette{};
  bool palette_alpha = false; ///< a palette image with a tRNS chunk
  bool has_key = false;       ///< tRNS of a gray or RGB image: the colour that is transparent
  std::array<std::uint16_t, 3> key{}; ///< gray in key[0]
  /// 4 (RGBA) when the image has alpha or a tRNS chunk, else 3 (RGB): as libpng gives them.
  int channels() const { return (color_type & 4) || has_key || palette_alpha ? 4 : 3; }
};

/// Called with each row, top to bottom, as 8-bit RGB or RGBA (`layout.channels()`); 16-bit
/// samples are rounded to 8 bits as libpng's png_set_scale_16 does.
using PngRowSink = void (*)(void* context, const unsigned char* row);

/// True when ISA-L's inflate can be used (the library is opened on the first call).
bool png_fast_reader_available();

/// Reads the image data of a non-interlaced PNG from `file`, positioned just after the header of
/// its first IDAT chunk (`idat_length` bytes), then the chunks after it up to IEND. Every
/// critical chunk's CRC and the zlib stream's Adler-32 are checked. Memory: two rows and a read
/// buffer. Returns what is wrong with the file (empty: every row was given to `sink`).
std::string read_png_rows(std::FILE* file, std::uint32_t idat_length, const PngLayout& layout,
                          PngRowSink sink, void* context);

/// Which PNG decoder `decode_png_using` runs (tests compare the two).
enum class PngDecoder {
  best,   ///< the fast reader when the file and the machine allow, else libpng
  libpng, ///< libpng alone
  fast,   ///< the fast reader, or an `unsupported` error when it cannot read this file
};

Result<Raster> decode_png_using(const std::filesystem::path& path, const DecodeTarget& target,
                                PngDecoder decoder);

} // namespace sora::media
