// Writes HEIC and AVIF files with libheif's encoder (x265 or libaom), 8 or 10 bits, 4:2:0 or
// 4:2:2: one picture with an orientation (irot/imir) and optional alpha, monochrome or limited
// range, or a grid of tiles as phones store a large photo, each tile coded alone, the grid item
// primary with the ICC profile and an optional rotation (irot); libheif 1.15 cannot write grids,
// so their boxes are written here. The photo and HEIF tile tests and the fit benchmark
// (bench/fit_bench.cpp) share it; no GoogleTest inside.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <libheif/heif.h>
#include <string>
#include <vector>

namespace sora::test {

struct HeifGridOptions {
  heif_compression_format format = heif_compression_HEVC;
  int tile = 512;                 ///< tiles are tile x tile; the edge ones repeat the last pixels
  int quality = 50;               ///< the encoder's lossy quality
  bool fastest = true;            ///< x265 "ultrafast", libaom speed 9
  std::vector<unsigned char> icc; ///< an ICC profile for the grid (none when empty)
  int turns = 0;                  ///< irot: anticlockwise quarter turns (0: no irot box)
  int bits = 8;                   ///< 10: HEVC Main 10 (the 8-bit pixels scaled to 10 bits)
  const char* chroma = nullptr;   ///< x265's subsampling: "420" (nullptr), "422", "444"
};

/// `pixel(x, y, rgb)` writes the RGB (or RGBA, for a picture with alpha) of one pixel.
using GridPixelFn = std::function<void(int x, int y, unsigned char* rgb)>;

struct HeifImageOptions {
  heif_compression_format format = heif_compression_HEVC;
  int quality = 95;
  heif_orientation orientation = heif_orientation_normal; ///< written as irot and imir
  bool alpha = false;                                     ///< `pixel` writes RGBA
  int bits = 8;                 ///< 10: HEVC Main 10 (the 8-bit pixels scaled to 10 bits)
  const char* chroma = nullptr; ///< x265's subsampling: "420" (nullptr), "422", "444"
  bool monochrome = false;      ///< one Y' plane: `pixel`'s red
  bool limited_range = false;   ///< an nclx of BT.709, limited range (libheif's default: full)
};

/// A `w` x `h` monochrome image of `bits` bits from `pixel`'s red, or nullptr.
inline heif_image* gray_image(int w, int h, int bits, const GridPixelFn& pixel) {
  heif_image* image = nullptr;
  if (heif_image_create(w, h, heif_colorspace_monochrome, heif_chroma_monochrome, &image).code != 0)
    return nullptr;
  if (heif_image_add_plane(image, heif_channel_Y, w, h, bits).code != 0) {
    heif_image_release(image);
    return nullptr;
  }
  int stride = 0;
  std::uint8_t* p = heif_image_get_plane(image, heif_channel_Y, &stride);
  unsigned max = (1U << bits) - 1;
  unsigned char px[4] = {};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      pixel(x, y, px);
      std::uint8_t* at = p + std::ptrdiff_t(y) * stride + std::ptrdiff_t(x) * (bits > 8 ? 2 : 1);
      unsigned v = bits > 8 ? (px[0] * max + 127) / 255 : px[0];
      at[0] = static_cast<std::uint8_t>(v & 0xFF);
      if (bits > 8) at[1] = static_cast<std::uint8_t>(v >> 8);
    }
  return image;
}

/// A `w` x `h` interleaved RGB(A) image of `bits` bits (8, else 16-bit words) from `pixel`, or
/// nullptr. `pixel` always writes 8-bit values; more bits scale them (v * max / 255).
inline heif_image* rgb_image(int w, int h, int bits, bool alpha, const GridPixelFn& pixel) {
  heif_image* image = nullptr;
  bool deep = bits > 8;
  auto chroma = alpha ? (deep ? heif_chroma_interleaved_RRGGBBAA_LE : heif_chroma_interleaved_RGBA)
                      : (deep ? heif_chroma_interleaved_RRGGBB_LE : heif_chroma_interleaved_RGB);
  if (heif_image_create(w, h, heif_colorspace_RGB, chroma, &image).code != 0) return nullptr;
  if (heif_image_add_plane(image, heif_channel_interleaved, w, h, bits).code != 0) {
    heif_image_release(image);
    return nullptr;
  }
  int stride = 0, channels = alpha ? 4 : 3;
  std::uint8_t* p = heif_image_get_plane(image, heif_channel_interleaved, &stride);
  unsigned max = (1U << bits) - 1;
  unsigned char px[4] = {};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      std::uint8_t* at = p + std::ptrdiff_t(y) * stride + std::ptrdiff_t(x) * channels * (deep + 1);
      pixel(x, y, deep ? px : at);
      for (int c = 0; deep && c < channels; ++c) {
        unsigned v = (px[c] * max + 127) / 255;
        at[2 * c] = static_cast<std::uint8_t>(v & 0xFF);
        at[2 * c + 1] = static_cast<std::uint8_t>(v >> 8);
      }
    }
  return image;
}

/// Sets `encoder`'s chroma subsampling when one is given (x265's "chroma" parameter).
inline bool set_chroma(heif_encoder* encoder, const char* chroma) {
  return !chroma || heif_encoder_set_parameter(encoder, "chroma", chroma).code == 0;
}

/// Writes one picture coded whole by libheif; false when the encoder or the file fails.
inline bool write_heif_image(const std::filesystem::path& path, int w, int h,
                             const GridPixelFn& pixel, const HeifImageOptions& o = {}) {
  heif_image* image =
      o.monochrome ? gray_image(w, h, o.bits, pixel) : rgb_image(w, h, o.bits, o.alpha, pixel);
  if (!image) return false;
  heif_context* context = heif_context_alloc();
  heif_encoder* encoder = nullptr;
  bool ok = heif_context_get_encoder_for_format(context, o.format, &encoder).code == 0;
  ok = ok && set_chroma(encoder, o.chroma);
  if (ok) {
    heif_encoder_set_lossy_quality(encoder, o.quality);
    heif_encoding_options* options = heif_encoding_options_alloc();
    options->image_orientation = o.orientation;
    heif_color_profile_nclx* nclx = o.limited_range ? heif_nclx_color_profile_alloc() : nullptr;
    if (nclx) {
      nclx->matrix_coefficients = heif_matrix_coefficients_ITU_R_BT_709_5;
      nclx->full_range_flag = 0;
      options->output_nclx_profile = nclx;
      options->macOS_compatibility_workaround_no_nclx_profile = 0;
      heif_image_set_nclx_color_profile(image, nclx);
    }
    ok = heif_context_encode_image(context, image, encoder, options, nullptr).code == 0 &&
         heif_context_write_to_file(context, path.c_str()).code == 0;
    heif_encoding_options_free(options);
    if (nclx) heif_nclx_color_profile_free(nclx);
    heif_encoder_release(encoder);
  }
  heif_image_release(image);
  heif_context_free(context);
  return ok;
}

namespace heif_grid_detail {

using Bytes = std::vector<unsigned char>;

inline std::uint32_t be32(const unsigned char* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

// The boxes of `b[from, to)`: calls `found(type, start, end)` for each (32-bit sizes only).
template <class F> void boxes(const Bytes& b, std::size_t from, std::size_t to, F found) {
  while (from + 8 <= to) {
    std::size_t size = be32(&b[from]);
    if (size < 8 || from + size > to) return;
    found(std::string(reinterpret_cast<const char*>(&b[from + 4]), 4), from, from + size);
    from += size;
  }
}

inline heif_error write_to(heif_context*, const void* data, size_t size, void* out) {
  auto* bytes = static_cast<Bytes*>(out);
  bytes->insert(bytes->end(), static_cast<const unsigned char*>(data),
                static_cast<const unsigned char*>(data) + size);
  return {heif_error_Ok, heif_suberror_Unspecified, "ok"};
}

// One tile coded by libheif's encoder: its configuration box (hvcC or av1C, whole) and data.
struct Coded {
  Bytes config;
  Bytes data;
};

inline bool code_image(heif_image* image, const HeifGridOptions& o, Coded& out) {
  heif_context* context = heif_context_alloc();
  heif_encoder* encoder = nullptr;
  bool ok = heif_context_get_encoder_for_format(context, o.format, &encoder).code == 0;
  Bytes file;
  ok = ok && set_chroma(encoder, o.chroma);
  if (ok) {
    heif_encoder_set_lossy_quality(encoder, o.quality);
    if (o.fastest) { // a parameter this libheif's plugin does not know is ignored
      heif_encoder_set_parameter(encoder, "preset", "ultrafast"); // x265
      heif_encoder_set_parameter(encoder, "speed", "9");          // libaom
      heif_encoder_set_parameter(encoder, "realtime", "true");    // libaom
    }
    heif_writer writer{1, write_to};
    ok = heif_context_encode_image(context, image, encoder, nullptr, nullptr).code == 0 &&
         heif_context_write(context, &writer, &file).code == 0;
    heif_encoder_release(encoder);
  }
  heif_context_free(context);
  // meta/iprp/ipco/{hvcC|av1C} and mdat's payload.
  boxes(file, 0, file.size(), [&](const std::string& type, std::size_t b, std::size_t e) {
    if (type == "mdat")
      out.data.assign(file.begin() + std::ptrdiff_t(b + 8), file.begin() + std::ptrdiff_t(e));
    if (type != "meta") return;
    boxes(file, b + 12, e, [&](const std::string& t2, std::size_t b2, std::size_t e2) {
      if (t2 != "iprp") return;
      boxes(file, b2 + 8, e2, [&](const std::string& t3, std::size_t b3, std::size_t e3) {
        if (t3 != "ipco") return;
        boxes(file, b3 + 8, e3, [&](const std::string& t4, std::size_t b4, std::size_t e4) {
          if (t4 == "hvcC" || t4 == "av1C")
            out.config.assign(file.begin() + std::ptrdiff_t(b4), file.begin() + std::ptrdiff_t(e4));
        });
      });
    });
  });
  return ok && !out.config.empty() && !out.data.empty();
}

// Codes the picture in tiles, row by row. Empty on failure.
inline std::vector<Coded> code_tiles(int width, int height, int columns, int rows,
                                     const GridPixelFn& pixel, const HeifGridOptions& o) {
  std::vector<Coded> tiles(static_cast<std::size_t>(columns * rows));
  for (int ty = 0; ty < rows; ++ty)
    for (int tx = 0; tx < columns; ++tx) {
      auto tile_pixel = [&](int x, int y, unsigned char* rgb) {
        pixel(std::min(tx * o.tile + x, width - 1), std::min(ty * o.tile + y, height - 1), rgb);
      };
      heif_image* image = rgb_image(o.tile, o.tile, o.bits, false, tile_pixel);
      if (!image) return {};
      bool ok = code_image(image, o, tiles[std::size_t(ty * columns + tx)]);
      heif_image_release(image);
      if (!ok) return {};
    }
  return tiles;
}

// Big-endian box writing.
struct Box {
  Bytes b;
  Box& u8(unsigned v) { return b.push_back(static_cast<unsigned char>(v)), *this; }
  Box& u16(unsigned v) { return u8(v >> 8).u8(v); }
  Box& u32(std::uint32_t v) { return u16(v >> 16).u16(v & 0xFFFF); }
  Box& str(const char* s) { return b.insert(b.end(), s, s + std::strlen(s)), *this; }
  Box& bytes(const Bytes& x) { return b.insert(b.end(), x.begin(), x.end()), *this; }
  Box& full(unsigned version, std::uint32_t flags) { return u32(version << 24 | flags); }
  Bytes wrap(const char* type) const {
    Box out;
    out.b.reserve(b.size() + 8); // (also keeps GCC 12's -Wstringop-overflow quiet)
    out.u32(static_cast<std::uint32_t>(b.size() + 8)).str(type).bytes(b);
    return out.b;
  }
};

// The meta box: item 1 the grid (primary), items 2..n+1 the tiles, whose data starts at
// `mdat_payload` in the file.
inline Bytes meta_box(int width, int height, int columns, int rows, const std::vector<Coded>& tiles,
                      const HeifGridOptions& o, std::uint32_t mdat_payload) {
  bool avif = o.format == heif_compression_AV1;
  auto n = static_cast<unsigned>(tiles.size());
  Box hdlr, pitm, iinf, dimg, ipco, ipma, idat, iloc;
  hdlr.full(0, 0).u32(0).str("pict").u32(0).u32(0).u32(0).u8(0);
  pitm.full(0, 0).u16(1);
  iinf.full(0, 0).u16(n + 1);
  Box grid_infe;
  grid_infe.full(2, 0).u16(1).u16(0).str("grid").u8(0);
  iinf.bytes(grid_infe.wrap("infe"));
  for (unsigned i = 0; i < n; ++i) {
    Box infe;
    infe.full(2, 1).u16(i + 2).u16(0).str(avif ? "av01" : "hvc1").u8(0); // hidden
    iinf.bytes(infe.wrap("infe"));
  }
  dimg.u16(1).u16(n);
  for (unsigned i = 0; i < n; ++i)
    dimg.u16(i + 2);
  Box iref, tile_ispe, full_ispe, colr, irot;
  iref.full(0, 0).bytes(dimg.wrap("dimg"));
  tile_ispe.full(0, 0).u32(std::uint32_t(o.tile)).u32(std::uint32_t(o.tile));
  full_ispe.full(0, 0).u32(std::uint32_t(width)).u32(std::uint32_t(height));
  colr.str("prof").bytes(o.icc);
  irot.u8(unsigned(o.turns) & 3);
  // Properties 1: the codec configuration, 2: the tile size, 3: the image size, 4: the profile,
  // 5: the rotation.
  ipco.bytes(tiles[0].config).bytes(tile_ispe.wrap("ispe")).bytes(full_ispe.wrap("ispe"));
  ipco.bytes(colr.wrap("colr"));
  if (o.turns) ipco.bytes(irot.wrap("irot"));
  unsigned grid_properties = 1 + (o.icc.empty() ? 0 : 1) + (o.turns ? 1 : 0);
  ipma.full(0, 0).u32(n + 1).u16(1).u8(grid_properties).u8(3);
  if (!o.icc.empty()) ipma.u8(4);
  if (o.turns) ipma.u8(0x80 | 5); // essential
  for (unsigned i = 0; i < n; ++i)
    ipma.u16(i + 2).u8(2).u8(0x81).u8(2);
  Box iprp;
  iprp.bytes(ipco.wrap("ipco")).bytes(ipma.wrap("ipma"));
  idat.u8(0).u8(0).u8(static_cast<unsigned>(rows - 1)).u8(static_cast<unsigned>(columns - 1));
  idat.u16(static_cast<unsigned>(width)).u16(static_cast<unsigned>(height));
  // iloc v1 (for the grid's construction method 1, idat), 4-byte offsets and lengths.
  iloc.full(1, 0).u8(0x44).u8(0x00).u16(n + 1);
  iloc.u16(1).u16(1).u16(0).u16(1).u32(0).u32(8);
  std::uint32_t at = mdat_payload;
  for (unsigned i = 0; i < n; ++i) {
    auto size = static_cast<std::uint32_t>(tiles[i].data.size());
    iloc.u16(i + 2).u16(0).u16(0).u16(1).u32(at).u32(size);
    at += size;
  }
  Box meta;
  meta.full(0, 0).bytes(hdlr.wrap("hdlr")).bytes(pitm.wrap("pitm")).bytes(iloc.wrap("iloc"));
  meta.bytes(iinf.wrap("iinf")).bytes(iref.wrap("iref")).bytes(iprp.wrap("iprp"));
  meta.bytes(idat.wrap("idat"));
  return meta.wrap("meta");
}

} // namespace heif_grid_detail

/// Writes the grid HEIC or AVIF; false when the encoder or the file fails.
inline bool write_heif_grid(const std::filesystem::path& path, int width, int height,
                            const GridPixelFn& pixel, const HeifGridOptions& o = {}) {
  using namespace heif_grid_detail;
  if (width < 1 || height < 1 || o.tile < 1) return false;
  int columns = (width + o.tile - 1) / o.tile, rows = (height + o.tile - 1) / o.tile;
  std::vector<Coded> tiles = code_tiles(width, height, columns, rows, pixel, o);
  if (tiles.empty()) return false;
  bool avif = o.format == heif_compression_AV1;
  Box ftyp;
  ftyp.str(avif ? "avif" : "heic").u32(0).str("mif1").str(avif ? "avif" : "heic").str("miaf");
  Bytes head = ftyp.wrap("ftyp");
  auto payload = static_cast<std::uint32_t>(
      head.size() + meta_box(width, height, columns, rows, tiles, o, 0).size() + 8);
  Bytes meta = meta_box(width, height, columns, rows, tiles, o, payload);
  head.insert(head.end(), meta.begin(), meta.end());
  std::size_t data_size = 0;
  for (const auto& t : tiles)
    data_size += t.data.size();
  Box mdat_header;
  mdat_header.u32(static_cast<std::uint32_t>(data_size + 8)).str("mdat");
  head.insert(head.end(), mdat_header.b.begin(), mdat_header.b.end());
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  bool ok = std::fwrite(head.data(), 1, head.size(), f) == head.size();
  for (const auto& t : tiles)
    ok = ok && std::fwrite(t.data.data(), 1, t.data.size(), f) == t.data.size();
  return std::fclose(f) == 0 && ok;
}

} // namespace sora::test
