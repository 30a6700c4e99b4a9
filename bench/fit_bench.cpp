// sora-fit-bench: makes large synthetic photos in every format `fit` reads, and times fit_image
// on one (bench/fit runs it).
//   sora-fit-bench make KIND OUT WIDTH HEIGHT
//     KIND: jpeg, jpeg-progressive, png, png16, webp, heic, avif. Each carries the ICC profile
//     its source would: Display P3 (phones: JPEG, HEIC, AVIF, PNG screenshots), Adobe RGB
//     (cameras and raw developers: the 16-bit PNG); WebP none (`fit` does not read WebP's).
//   sora-fit-bench fit IN WxH cover|contain|stretch TEMP_DIR
// `fit` prints the wall time of the fit and the process's peak RSS (getrusage), one line.
#include <sora/fit.hpp>

#include <jpeglib.h>
#include <png.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <lcms2.h>
#include <libheif/heif.h>
#include <string>
#include <vector>
#include <webp/encode.h>

namespace {

using Bytes = std::vector<unsigned char>;

// Gradients, stripes and sensor-like noise, so it compresses like a photo (several MiB).
void photo_row(Bytes& row, int y, int width, int height, std::uint32_t& seed) {
  for (int x = 0; x < width; ++x) {
    seed = seed * 1664525u + 1013904223u;
    int noise = static_cast<int>(seed >> 28) - 8;
    int r = x * 255 / width + noise, g = y * 255 / height + noise;
    int b = ((x / 40 + y / 40) % 2 ? 200 : 60) + noise;
    auto* p = &row[static_cast<std::size_t>(x) * 3];
    p[0] = static_cast<unsigned char>(r < 0 ? 0 : r > 255 ? 255 : r);
    p[1] = static_cast<unsigned char>(g < 0 ? 0 : g > 255 ? 255 : g);
    p[2] = static_cast<unsigned char>(b < 0 ? 0 : b > 255 ? 255 : b);
  }
}

// ---- ICC profiles, as phones and cameras embed them -------------------------------------------

Bytes save_profile(cmsHPROFILE profile) {
  Bytes data;
  cmsUInt32Number size = 0;
  if (profile && cmsSaveProfileToMem(profile, nullptr, &size) && size > 0) {
    data.resize(size);
    if (!cmsSaveProfileToMem(profile, data.data(), &size)) data.clear();
  }
  if (profile) cmsCloseProfile(profile);
  return data;
}

Bytes rgb_profile(const cmsCIExyYTRIPLE& primaries, cmsToneCurve* curve) {
  cmsCIExyY d65{0.3127, 0.3290, 1.0};
  cmsToneCurve* curves[3] = {curve, curve, curve};
  Bytes icc = save_profile(cmsCreateRGBProfile(&d65, &primaries, curves));
  cmsFreeToneCurve(curve);
  return icc;
}

// Display P3: what an iPhone or a recent Android phone tags its photos with.
Bytes display_p3() {
  cmsFloat64Number srgb_curve[5] = {2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.04045};
  return rgb_profile({{0.680, 0.320, 1.0}, {0.265, 0.690, 1.0}, {0.150, 0.060, 1.0}},
                     cmsBuildParametricToneCurve(nullptr, 4, srgb_curve));
}

// Adobe RGB (1998): what cameras and raw developers write.
Bytes adobe_rgb() {
  return rgb_profile({{0.64, 0.33, 1.0}, {0.21, 0.71, 1.0}, {0.15, 0.06, 1.0}},
                     cmsBuildGamma(nullptr, 563.0 / 256.0));
}

// ---- the encoders -------------------------------------------------------------------------------

// 8- or 16-bit RGB PNG, written row by row at zlib level 6 (libpng's default, what editors write).
int make_png(const char* path, int width, int height, int depth, const Bytes& icc) {
  std::FILE* f = std::fopen(path, "wb");
  if (!f) return 1;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) return 1;
  png_init_io(png, f);
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), depth,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_set_iCCP(png, info, "ICC", PNG_COMPRESSION_TYPE_BASE, icc.data(),
               static_cast<png_uint_32>(icc.size()));
  png_write_info(png, info);
  Bytes row(static_cast<std::size_t>(width) * 3), wide(row.size() * 2);
  std::uint32_t seed = 12345;
  for (int y = 0; y < height; ++y) {
    photo_row(row, y, width, height, seed);
    if (depth == 16) { // big-endian samples, with noise in the low byte as a sensor has
      for (std::size_t i = 0; i < row.size(); ++i) {
        wide[i * 2] = row[i];
        seed = seed * 1664525u + 1013904223u;
        wide[i * 2 + 1] = static_cast<unsigned char>(seed >> 24);
      }
    }
    png_write_row(png, depth == 16 ? wide.data() : row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return std::fclose(f) == 0 ? 0 : 1;
}

int make_jpeg(const char* path, int width, int height, bool progressive, const Bytes& icc) {
  std::FILE* f = std::fopen(path, "wb");
  if (!f) return 1;
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr err{};
  cinfo.err = jpeg_std_error(&err);
  jpeg_create_compress(&cinfo);
  jpeg_stdio_dest(&cinfo, f);
  cinfo.image_width = static_cast<JDIMENSION>(width);
  cinfo.image_height = static_cast<JDIMENSION>(height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 92, TRUE); // what cameras and phones write
  if (progressive) jpeg_simple_progression(&cinfo);
  jpeg_start_compress(&cinfo, TRUE);
  jpeg_write_icc_profile(&cinfo, icc.data(), static_cast<unsigned>(icc.size()));
  Bytes row(static_cast<std::size_t>(width) * 3);
  std::uint32_t seed = 12345;
  for (int y = 0; y < height; ++y) {
    photo_row(row, y, width, height, seed);
    JSAMPROW r = row.data();
    jpeg_write_scanlines(&cinfo, &r, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  return std::fclose(f) == 0 ? 0 : 1;
}

Bytes whole_photo(int width, int height) {
  Bytes pixels(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
  Bytes row(static_cast<std::size_t>(width) * 3);
  std::uint32_t seed = 12345;
  for (int y = 0; y < height; ++y) {
    photo_row(row, y, width, height, seed);
    std::memcpy(&pixels[static_cast<std::size_t>(y) * row.size()], row.data(), row.size());
  }
  return pixels;
}

// Lossy WebP at quality 80 with the fastest method (generation time is not what is measured).
int make_webp(const char* path, int width, int height) {
  Bytes pixels = whole_photo(width, height);
  WebPConfig config;
  WebPPicture picture;
  if (!WebPConfigInit(&config) || !WebPPictureInit(&picture)) return 1;
  config.quality = 80;
  config.method = 0;
  picture.width = width;
  picture.height = height;
  WebPMemoryWriter writer;
  WebPMemoryWriterInit(&writer);
  picture.writer = WebPMemoryWrite;
  picture.custom_ptr = &writer;
  bool ok =
      WebPPictureImportRGB(&picture, pixels.data(), width * 3) && WebPEncode(&config, &picture);
  WebPPictureFree(&picture);
  std::FILE* f = ok ? std::fopen(path, "wb") : nullptr;
  ok = f && std::fwrite(writer.mem, 1, writer.size, f) == writer.size;
  WebPMemoryWriterClear(&writer);
  if (f && std::fclose(f) != 0) ok = false;
  return ok ? 0 : 1;
}

bool heif_ok(heif_error e, const char* what) {
  if (e.code == heif_error_Ok) return true;
  std::fprintf(stderr, "sora-fit-bench: %s: %s\n", what, e.message ? e.message : "failed");
  return false;
}

// One tile (or a whole image) coded by libheif's encoder, x265 or libaom, at its fastest.
struct Coded {
  Bytes config; // the hvcC or av1C box, whole
  Bytes data;   // the coded image (the only item in mdat)
};

heif_error write_to(heif_context*, const void* data, size_t size, void* out) {
  auto* bytes = static_cast<Bytes*>(out);
  bytes->insert(bytes->end(), static_cast<const unsigned char*>(data),
                static_cast<const unsigned char*>(data) + size);
  return {heif_error_Ok, heif_suberror_Unspecified, "ok"};
}

std::uint32_t be32(const unsigned char* p) {
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

bool code_image(heif_image* image, heif_compression_format format, Coded& out) {
  heif_context* context = heif_context_alloc();
  heif_encoder* encoder = nullptr;
  bool ok = heif_ok(heif_context_get_encoder_for_format(context, format, &encoder), "encoder");
  Bytes file;
  if (ok) {
    heif_encoder_set_lossy_quality(encoder, 50);
    // Fastest settings; a parameter this libheif's plugin does not know is ignored.
    heif_encoder_set_parameter(encoder, "preset", "ultrafast"); // x265
    heif_encoder_set_parameter(encoder, "speed", "9");          // libaom
    heif_encoder_set_parameter(encoder, "realtime", "true");    // libaom
    heif_writer writer{1, write_to};
    ok = heif_ok(heif_context_encode_image(context, image, encoder, nullptr, nullptr), "encode") &&
         heif_ok(heif_context_write(context, &writer, &file), "write");
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

constexpr int k_tile = 512;

// Codes the photo in k_tile x k_tile tiles, row by row; the edge tiles repeat the last row and
// column. Empty on failure.
std::vector<Coded> code_tiles(int width, int height, int columns, int rows,
                              heif_compression_format format) {
  Bytes photo = whole_photo(width, height);
  std::vector<Coded> tiles(static_cast<std::size_t>(columns * rows));
  for (int ty = 0; ty < rows; ++ty)
    for (int tx = 0; tx < columns; ++tx) {
      heif_image* image = nullptr;
      if (!heif_ok(heif_image_create(k_tile, k_tile, heif_colorspace_RGB,
                                     heif_chroma_interleaved_RGB, &image),
                   "image") ||
          !heif_ok(heif_image_add_plane(image, heif_channel_interleaved, k_tile, k_tile, 8),
                   "plane"))
        return {};
      int stride = 0;
      std::uint8_t* plane = heif_image_get_plane(image, heif_channel_interleaved, &stride);
      for (int y = 0; y < k_tile; ++y)
        for (int x = 0; x < k_tile; ++x)
          std::memcpy(
              plane + y * stride + x * 3,
              &photo[(std::size_t(std::min(ty * k_tile + y, height - 1)) * std::size_t(width) +
                      std::size_t(std::min(tx * k_tile + x, width - 1))) *
                     3],
              3);
      bool ok = code_image(image, format, tiles[std::size_t(ty * columns + tx)]);
      heif_image_release(image);
      if (!ok) return {};
    }
  return tiles;
}

// A HEIC or AVIF as phones write one: a grid of 512x512 tiles (one HEVC or AV1 picture of 48 MP
// would exceed every level of either codec), each coded alone; the grid item is primary and
// carries the ICC profile. libheif 1.15 cannot write grids, so the boxes are written here.
int make_heif(const char* path, int width, int height, heif_compression_format format,
              const Bytes& icc) {
  int columns = (width + k_tile - 1) / k_tile, rows = (height + k_tile - 1) / k_tile;
  std::vector<Coded> tiles = code_tiles(width, height, columns, rows, format);
  if (tiles.empty()) return 1;
  bool avif = format == heif_compression_AV1;
  auto n = static_cast<unsigned>(tiles.size());
  Box ftyp;
  ftyp.str(avif ? "avif" : "heic").u32(0).str("mif1").str(avif ? "avif" : "heic").str("miaf");
  Box hdlr, pitm, iinf, dimg, ipco, ipma, idat;
  hdlr.full(0, 0).u32(0).str("pict").u32(0).u32(0).u32(0).u8(0);
  pitm.full(0, 0).u16(1); // item 1: the grid; items 2..n+1: the tiles
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
  Box iref, tile_ispe, full_ispe, colr;
  iref.full(0, 0).bytes(dimg.wrap("dimg"));
  tile_ispe.full(0, 0).u32(k_tile).u32(k_tile);
  full_ispe.full(0, 0)
      .u32(static_cast<std::uint32_t>(width))
      .u32(static_cast<std::uint32_t>(height));
  colr.str("prof").bytes(icc);
  // Properties 1: the codec configuration, 2: the tile size, 3: the image size, 4: the profile.
  ipco.bytes(tiles[0].config).bytes(tile_ispe.wrap("ispe")).bytes(full_ispe.wrap("ispe"));
  ipco.bytes(colr.wrap("colr"));
  ipma.full(0, 0).u32(n + 1).u16(1).u8(2).u8(3).u8(4);
  for (unsigned i = 0; i < n; ++i)
    ipma.u16(i + 2).u8(2).u8(0x81).u8(2);
  Box iprp;
  iprp.bytes(ipco.wrap("ipco")).bytes(ipma.wrap("ipma"));
  idat.u8(0).u8(0).u8(static_cast<unsigned>(rows - 1)).u8(static_cast<unsigned>(columns - 1));
  idat.u16(static_cast<unsigned>(width)).u16(static_cast<unsigned>(height));
  // iloc v1 (for the grid's construction method 1, idat), 4-byte offsets and lengths.
  auto iloc = [&](std::uint32_t mdat_payload) {
    Box box;
    box.full(1, 0).u8(0x44).u8(0x00).u16(n + 1);
    box.u16(1).u16(1).u16(0).u16(1).u32(0).u32(8);
    std::uint32_t at = mdat_payload;
    for (unsigned i = 0; i < n; ++i) {
      auto size = static_cast<std::uint32_t>(tiles[i].data.size());
      box.u16(i + 2).u16(0).u16(0).u16(1).u32(at).u32(size);
      at += size;
    }
    return box.wrap("iloc");
  };
  auto meta = [&](std::uint32_t mdat_payload) {
    Box box;
    box.full(0, 0).bytes(hdlr.wrap("hdlr")).bytes(pitm.wrap("pitm")).bytes(iloc(mdat_payload));
    box.bytes(iinf.wrap("iinf")).bytes(iref.wrap("iref")).bytes(iprp.wrap("iprp"));
    box.bytes(idat.wrap("idat"));
    return box.wrap("meta");
  };
  Bytes head = ftyp.wrap("ftyp");
  auto payload = static_cast<std::uint32_t>(head.size() + meta(0).size() + 8);
  Bytes m = meta(payload);
  head.insert(head.end(), m.begin(), m.end());
  std::size_t data_size = 0;
  for (const auto& t : tiles)
    data_size += t.data.size();
  Box mdat_header;
  mdat_header.u32(static_cast<std::uint32_t>(data_size + 8)).str("mdat");
  head.insert(head.end(), mdat_header.b.begin(), mdat_header.b.end());
  std::FILE* f = std::fopen(path, "wb");
  if (!f) return 1;
  bool ok = std::fwrite(head.data(), 1, head.size(), f) == head.size();
  for (const auto& t : tiles)
    ok = ok && std::fwrite(t.data.data(), 1, t.data.size(), f) == t.data.size();
  return std::fclose(f) == 0 && ok ? 0 : 1;
}

int make(const std::string& kind, const char* path, int width, int height) {
  if (width < 1 || height < 1) return 2;
  if (kind == "jpeg" || kind == "jpeg-progressive")
    return make_jpeg(path, width, height, kind != "jpeg", display_p3());
  if (kind == "png") return make_png(path, width, height, 8, display_p3());
  if (kind == "png16") return make_png(path, width, height, 16, adobe_rgb());
  if (kind == "webp") return make_webp(path, width, height);
  if (kind == "heic") return make_heif(path, width, height, heif_compression_HEVC, display_p3());
  if (kind == "avif") return make_heif(path, width, height, heif_compression_AV1, display_p3());
  return 2;
}

int fit(const char* source, const char* size, const char* mode, const char* temp_dir) {
  sora::FitOptions options;
  auto wh = sora::parse_size(size);
  auto m = sora::parse_fit_mode(mode);
  if (!wh || !m) return 2;
  options.width = wh->first;
  options.height = wh->second;
  options.mode = *m;
  options.temp_dir = temp_dir;
  auto start = std::chrono::steady_clock::now();
  auto fitted = sora::fit_image(source, options);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!fitted) {
    std::fprintf(stderr, "sora-fit-bench: %s\n", fitted.error().message.c_str());
    return 1;
  }
  auto written = sora::probe_image(fitted->file.path());
  if (!written || written->width != options.width || written->height != options.height) {
    std::fprintf(stderr, "sora-fit-bench: the output is not %s\n", size);
    return 1;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("%.6f %ld\n", seconds, usage.ru_maxrss);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::string command = argc > 1 ? argv[1] : "";
  if (command == "make" && argc == 6)
    return make(argv[2], argv[3], std::atoi(argv[4]), std::atoi(argv[5]));
  if (command == "fit" && argc == 6) return fit(argv[2], argv[3], argv[4], argv[5]);
  std::fprintf(stderr, "usage: sora-fit-bench make KIND OUT W H | fit IN WxH MODE TEMP_DIR\n"
                       "  KIND: jpeg, jpeg-progressive, png, png16, webp, heic, avif\n");
  return 2;
}
