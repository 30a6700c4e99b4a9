// PNG with libpng's row API: any bit depth (16-bit scaled to 8), grayscale, palette and
// transparency; decoded row by row and shrunk as the rows arrive, so a 48-megapixel PNG never
// sits in memory whole; the iCCP profile is kept for colour conversion. Written with an sRGB chunk.
// libpng always reads the chunks before the image data; the image data of the common photo
// layouts is then read by the fast reader (png_fast_reader.hpp) when ISA-L can be opened.
#include "media/png_fast_reader.hpp"
#include "media/png_library.hpp"
#include "media/raster.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <csetjmp>
#include <cstring>

namespace sora::media {
namespace {

namespace fs = std::filesystem;

struct PngErrors {
  char message[256];
};

extern "C" void sora_png_error(png_structp png, png_const_charp text) {
  auto* errors = static_cast<PngErrors*>(libpng().png_get_error_ptr(png));
  std::snprintf(errors->message, sizeof errors->message, "%s", text ? text : "damaged data");
  libpng().png_longjmp(png, 1);
}

extern "C" void sora_png_warning(png_structp, png_const_charp) {} // the core never prints

// libpng reads through this, so that the fast reader can take over at the first IDAT chunk:
// libpng reads each chunk header (length and type) in one 8-byte read and stops after the first
// IDAT's.
struct PngInput {
  std::FILE* file = nullptr;
  unsigned char last_header[8] = {};
  std::uint32_t last_length() const {
    const unsigned char* p = last_header;
    return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
  }
};

extern "C" void sora_png_read(png_structp png, png_bytep data, std::size_t size) {
  auto* input = static_cast<PngInput*>(libpng().png_get_io_ptr(png));
  if (std::fread(data, 1, size, input->file) != size) libpng().png_error(png, "Read Error");
  if (size == 8) std::memcpy(input->last_header, data, 8);
}

struct PngReader {
  PngErrors errors{};
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~PngReader() { libpng().png_destroy_read_struct(&png, &info, nullptr); }
};

// What the header says, read inside the setjmp frame.
struct PngHeader {
  png_uint_32 width = 0, height = 0;
  int bit_depth = 8, color_type = 0, interlace = 0; // as the file has them
  int channels = 3;                                 // after the transforms: RGB or RGBA
  int passes = 1;                                   // 7 for an interlaced image
  // Read before the transforms are set up (libpng's png_read_update_info rewrites the info).
  PngLayout layout;             // for the fast reader
  bool gamma_corrected = false; // libpng converts the file's gamma to sRGB's
};

void describe_pixels(const PngReader& r, PngHeader& h, bool has_icc);

enum class PngStatus { ok, error };

// setjmp frame: trivially destructible locals only; every buffer lives in the caller.
PngStatus read_header(PngReader& r, PngInput& input, PngHeader& h,
                      std::vector<unsigned char>& icc) {
  if (setjmp(png_jump_buffer(r.png))) return PngStatus::error;
  libpng().png_set_read_fn(r.png, &input, sora_png_read);
  libpng().png_read_info(r.png, r.info);
  libpng().png_get_IHDR(r.png, r.info, &h.width, &h.height, &h.bit_depth, &h.color_type,
                        &h.interlace, nullptr, nullptr);
  png_charp name = nullptr;
  png_bytep profile = nullptr;
  png_uint_32 profile_size = 0;
  int compression = 0;
  if (libpng().png_get_iCCP(r.png, r.info, &name, &compression, &profile, &profile_size) && profile)
    icc.assign(profile, profile + profile_size);
  describe_pixels(r, h, !icc.empty());
  // Without a profile, the file's gAMA (linear 16-bit files have 1.0) is converted to sRGB's
  // curve; a file without gAMA is taken as sRGB. With a profile, the profile says it all.
  if (icc.empty()) libpng().png_set_alpha_mode(r.png, PNG_ALPHA_PNG, PNG_DEFAULT_sRGB);
  libpng().png_set_expand(r.png);   // palette -> RGB, gray < 8 bits -> 8 bits, tRNS -> alpha
  libpng().png_set_scale_16(r.png); // 16 bits -> 8, rounded
  if (!(h.color_type & PNG_COLOR_MASK_COLOR)) libpng().png_set_gray_to_rgb(r.png);
  h.passes = libpng().png_set_interlace_handling(r.png);
  libpng().png_read_update_info(r.png, r.info);
  h.channels = libpng().png_get_channels(r.png, r.info);
  return PngStatus::ok;
}

// Reads every row (all passes) into `rows` (interlaced) or, one at a time, into `row` and on to
// `sink`. setjmp frame, as above.
PngStatus read_rows(PngReader& r, const PngHeader& h, std::vector<unsigned char>& row,
                    std::vector<unsigned char>& rows, PngRowSink sink, void* context) {
  if (setjmp(png_jump_buffer(r.png))) return PngStatus::error;
  std::size_t stride = std::size_t(h.width) * std::size_t(h.channels);
  if (h.passes > 1) {
    for (int pass = 0; pass < h.passes; ++pass)
      for (png_uint_32 y = 0; y < h.height; ++y)
        libpng().png_read_row(r.png, rows.data() + y * stride, nullptr);
    for (png_uint_32 y = 0; y < h.height; ++y)
      sink(context, rows.data() + y * stride);
  } else {
    for (png_uint_32 y = 0; y < h.height; ++y) {
      libpng().png_read_row(r.png, row.data(), nullptr);
      sink(context, row.data());
    }
  }
  libpng().png_read_end(r.png, nullptr);
  return PngStatus::ok;
}

struct RowSink {
  RowShrinker* shrinker;
  std::vector<unsigned char>* rgb; // one row, alpha flattened
  int channels;
  Color pad;
  bool had_alpha = false;
};

void flatten_row(void* context, const unsigned char* row) {
  auto* s = static_cast<RowSink*>(context);
  if (s->channels == 3) return s->shrinker->add_row(row);
  const unsigned char pad[3] = {s->pad.r, s->pad.g, s->pad.b};
  std::size_t width = s->rgb->size() / 3;
  for (std::size_t x = 0; x < width; ++x) {
    unsigned a = row[x * 4 + 3];
    if (a != 255) s->had_alpha = true;
    for (std::size_t c = 0; c < 3; ++c)
      (*s->rgb)[x * 3 + c] = over(row[x * 4 + c], a, pad[c]);
  }
  s->shrinker->add_row(s->rgb->data());
}

Unexpected damaged(const fs::path& path, const std::string& why) {
  return bad_image(path, "the PNG cannot be decoded (" + why + ").",
                   "Open it in an image viewer to check it; re-save it as PNG or JPEG.");
}

// Whether libpng corrects the gamma of a file without a profile to sRGB's: when its gAMA (or
// sRGB chunk) times sRGB's 2.2 is more than 5 % from 1 (PNG_GAMMA_THRESHOLD_FIXED). Near the
// threshold the answer is yes, so that such a file stays with libpng.
bool gamma_corrected(const PngReader& r) {
  png_fixed_point gamma = 0;
  if (!libpng().png_get_gAMA_fixed(r.png, r.info, &gamma)) return false; // taken as sRGB
  double product = double(gamma) * 2.2;
  return product < 95001 || product > 104999;
}

// The palette and transparency as the fast reader wants them, read from libpng's info after
// png_read_info (libpng has checked the chunks) and before the transforms change it.
void describe_pixels(const PngReader& r, PngHeader& h, bool has_icc) {
  h.gamma_corrected = !has_icc && gamma_corrected(r);
  PngLayout& l = h.layout;
  l.width = h.width, l.height = h.height, l.bit_depth = h.bit_depth, l.color_type = h.color_type;
  bool palette = h.color_type == PNG_COLOR_TYPE_PALETTE;
  png_colorp colors = nullptr;
  int count = 0;
  if (palette && libpng().png_get_PLTE(r.png, r.info, &colors, &count))
    for (std::size_t i = 0; i < std::size_t(std::clamp(count, 0, 256)); ++i)
      l.palette[i * 4] = colors[i].red, l.palette[i * 4 + 1] = colors[i].green,
                    l.palette[i * 4 + 2] = colors[i].blue;
  for (std::size_t i = 0; i < 256; ++i)
    l.palette[i * 4 + 3] = 255;
  png_bytep alpha = nullptr;
  int transparent = 0;
  png_color_16p key = nullptr;
  if (!libpng().png_get_tRNS(r.png, r.info, &alpha, &transparent, &key)) return;
  if (palette && alpha) {
    l.palette_alpha = true;
    for (std::size_t i = 0; i < std::size_t(std::clamp(transparent, 0, 256)); ++i)
      l.palette[i * 4 + 3] = alpha[i];
  } else if (!palette && key && !(h.color_type & PNG_COLOR_MASK_ALPHA)) {
    // libpng compares an 8-bit image's samples with the low byte of the tRNS values.
    std::uint16_t mask = h.bit_depth == 8 ? 0xff : 0xffff;
    l.has_key = true;
    l.key = {std::uint16_t(key->red & mask), std::uint16_t(key->green & mask),
             std::uint16_t(key->blue & mask)};
    if (h.color_type == PNG_COLOR_TYPE_GRAY) l.key[0] = std::uint16_t(key->gray & mask);
  }
}

// Whether the fast reader can read the image data: a layout it knows, no gamma for libpng to
// correct, libpng stopped just after the first IDAT chunk's header, and the same channels.
bool fast_reader_can_read(const PngHeader& h, const PngInput& input) {
  bool palette = h.color_type == PNG_COLOR_TYPE_PALETTE;
  return h.interlace == PNG_INTERLACE_NONE &&
         (h.bit_depth == 8 || (h.bit_depth == 16 && !palette)) && !h.gamma_corrected &&
         std::memcmp(input.last_header + 4, "IDAT", 4) == 0 && h.layout.channels() == h.channels;
}

Result<Raster> decode(const fs::path& path, const DecodeTarget& target, PngDecoder decoder) {
  if (const auto& library = open_library<PngLibrary>(); !library)
    return unexpected(library.error());
  // libpng reads 8 KiB at a time; a 1 MiB buffer turns a 48 MP PNG's thousands of reads into
  // dozens. Declared before the file, so it outlives the fclose that may still use it.
  std::vector<char> buffer(1 << 20);
  File file(std::fopen(path.c_str(), "rb"));
  if (!file) return unreadable(path, errno);
  std::setvbuf(file.get(), buffer.data(), _IOFBF, buffer.size());
  PngReader r;
  r.png = libpng().png_create_read_struct(PNG_LIBPNG_VER_STRING, &r.errors, sora_png_error,
                                          sora_png_warning);
  if (r.png) r.info = libpng().png_create_info_struct(r.png);
  if (!r.png || !r.info) return unexpected(ErrorCode::internal, "libpng could not start.");
  PngHeader h;
  PngInput input{file.get()};
  std::vector<unsigned char> icc;
  if (read_header(r, input, h, icc) != PngStatus::ok) return damaged(path, r.errors.message);
  if (std::uint64_t{h.width} * h.height > k_max_pixels) return too_large(path, h.width, h.height);
  bool fast = decoder != PngDecoder::libpng && fast_reader_can_read(h, input) &&
              png_fast_reader_available();
  if (!fast && decoder == PngDecoder::fast)
    return unexpected(ErrorCode::unsupported, "The fast PNG reader cannot read " + path.string());
  auto w = static_cast<int>(h.width), ht = static_cast<int>(h.height);
  RowShrinker shrinker(w, ht, shrink_factor(w, ht, 1, target.fit));
  std::size_t stride = std::size_t(h.width) * std::size_t(h.channels);
  std::vector<unsigned char> row(fast ? 0 : stride),
      rows(h.passes > 1 && !fast ? stride * h.height : 0), rgb(std::size_t(h.width) * 3);
  RowSink sink{&shrinker, &rgb, h.channels, target.fit.pad};
  if (fast) {
    auto failure = read_png_rows(file.get(), input.last_length(), h.layout, flatten_row, &sink);
    if (!failure.empty()) return damaged(path, failure);
  } else if (read_rows(r, h, row, rows, flatten_row, &sink) != PngStatus::ok) {
    return damaged(path, r.errors.message);
  }
  Raster out = shrinker.take();
  out.icc = std::move(icc);
  out.had_alpha = sink.had_alpha;
  return out;
}

// 8-bit RGB with an sRGB chunk. setjmp frame, as above.
PngStatus write_rows(png_structp png, png_infop info, std::FILE* file, const Raster& image) {
  if (setjmp(png_jump_buffer(png))) return PngStatus::error;
  libpng().png_init_io(png, file);
  libpng().png_set_IHDR(png, info, png_uint_32(image.width), png_uint_32(image.height), 8,
                        PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                        PNG_FILTER_TYPE_DEFAULT);
  libpng().png_set_sRGB(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
  // Run-length matches after libpng's row filters: for a 1280x720 photo, a sixth of zlib's
  // default CPU time (0.055 s against 0.34 s) and a 3 % smaller file; flat graphics come out up
  // to a third larger, still small (bench/notes.md).
  libpng().png_set_compression_strategy(png, Z_RLE);
  libpng().png_write_info(png, info);
  std::size_t stride = std::size_t(image.width) * 3;
  for (int y = 0; y < image.height; ++y)
    libpng().png_write_row(png, image.rgb.data() + std::size_t(y) * stride);
  libpng().png_write_end(png, nullptr);
  return PngStatus::ok;
}

} // namespace

Result<Raster> decode_png(const fs::path& path, const DecodeTarget& target) {
  return decode(path, target, PngDecoder::best);
}

Result<Raster> decode_png_using(const fs::path& path, const DecodeTarget& target,
                                PngDecoder decoder) {
  return decode(path, target, decoder);
}

Result<void> write_png(const fs::path& path, const Raster& image) {
  if (const auto& library = open_library<PngLibrary>(); !library)
    return unexpected(library.error());
  File file(std::fopen(path.c_str(), "wb"));
  if (!file) return write_failed(path, errno);
  PngErrors errors{};
  png_structp png = libpng().png_create_write_struct(PNG_LIBPNG_VER_STRING, &errors, sora_png_error,
                                                     sora_png_warning);
  png_infop info = png ? libpng().png_create_info_struct(png) : nullptr;
  errno = 0;
  bool written = info && write_rows(png, info, file.get(), image) == PngStatus::ok;
  libpng().png_destroy_write_struct(&png, &info);
  int error = written ? 0 : errno ? errno : EIO;
  if (std::ferror(file.get()) && !error) error = EIO;
  if (std::fclose(file.release()) != 0 && !error) error = errno ? errno : EIO;
  if (error) return write_failed(path, error);
  return {};
}

} // namespace sora::media
