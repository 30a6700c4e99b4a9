// PNG with libpng's row API: any bit depth (16-bit scaled to 8), grayscale, palette and
// transparency; decoded row by row and shrunk as the rows arrive, so a 48-megapixel PNG never
// sits in memory whole; the iCCP profile is kept for colour conversion. Written with an sRGB chunk.
#include "media/png_library.hpp"
#include "media/raster.hpp"

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

struct PngReader {
  PngErrors errors{};
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~PngReader() { libpng().png_destroy_read_struct(&png, &info, nullptr); }
};

// What the header says, read inside the setjmp frame.
struct PngHeader {
  png_uint_32 width = 0, height = 0;
  int channels = 3; // after the transforms: RGB or RGBA
  int passes = 1;   // 7 for an interlaced image
};

enum class PngStatus { ok, error };

// setjmp frame: trivially destructible locals only; every buffer lives in the caller.
PngStatus read_header(PngReader& r, std::FILE* file, PngHeader& h,
                      std::vector<unsigned char>& icc) {
  if (setjmp(png_jump_buffer(r.png))) return PngStatus::error;
  libpng().png_init_io(r.png, file);
  libpng().png_read_info(r.png, r.info);
  int bit_depth = 0, color_type = 0, interlace = 0;
  libpng().png_get_IHDR(r.png, r.info, &h.width, &h.height, &bit_depth, &color_type, &interlace,
                        nullptr, nullptr);
  png_charp name = nullptr;
  png_bytep profile = nullptr;
  png_uint_32 profile_size = 0;
  int compression = 0;
  if (libpng().png_get_iCCP(r.png, r.info, &name, &compression, &profile, &profile_size) && profile)
    icc.assign(profile, profile + profile_size);
  // Without a profile, the file's gAMA (linear 16-bit files have 1.0) is converted to sRGB's
  // curve; a file without gAMA is taken as sRGB. With a profile, the profile says it all.
  if (icc.empty()) libpng().png_set_alpha_mode(r.png, PNG_ALPHA_PNG, PNG_DEFAULT_sRGB);
  libpng().png_set_expand(r.png);   // palette -> RGB, gray < 8 bits -> 8 bits, tRNS -> alpha
  libpng().png_set_scale_16(r.png); // 16 bits -> 8, rounded
  if (!(color_type & PNG_COLOR_MASK_COLOR)) libpng().png_set_gray_to_rgb(r.png);
  h.passes = libpng().png_set_interlace_handling(r.png);
  libpng().png_read_update_info(r.png, r.info);
  h.channels = libpng().png_get_channels(r.png, r.info);
  return PngStatus::ok;
}

// Reads every row (all passes) into `rows` (interlaced) or, one at a time, into `row` and on to
// `sink`. setjmp frame, as above.
PngStatus read_rows(PngReader& r, const PngHeader& h, std::vector<unsigned char>& row,
                    std::vector<unsigned char>& rows, void (*sink)(void*, unsigned char*),
                    void* context) {
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

void flatten_row(void* context, unsigned char* row) {
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

Unexpected damaged(const fs::path& path, const PngErrors& errors) {
  return bad_image(path, std::string("the PNG cannot be decoded (") + errors.message + ").",
                   "Open it in an image viewer to check it; re-save it as PNG or JPEG.");
}

} // namespace

Result<Raster> decode_png(const fs::path& path, const DecodeTarget& target) {
  if (const auto& library = open_library<PngLibrary>(); !library)
    return unexpected(library.error());
  File file(std::fopen(path.c_str(), "rb"));
  if (!file) return unreadable(path, errno);
  // libpng reads 8 KiB at a time; a 1 MiB buffer turns a 48 MP PNG's thousands of reads into
  // dozens.
  std::vector<char> buffer(1 << 20);
  std::setvbuf(file.get(), buffer.data(), _IOFBF, buffer.size());
  PngReader r;
  r.png = libpng().png_create_read_struct(PNG_LIBPNG_VER_STRING, &r.errors, sora_png_error,
                                          sora_png_warning);
  if (r.png) r.info = libpng().png_create_info_struct(r.png);
  if (!r.png || !r.info) return unexpected(ErrorCode::internal, "libpng could not start.");
  PngHeader h;
  std::vector<unsigned char> icc;
  if (read_header(r, file.get(), h, icc) != PngStatus::ok) return damaged(path, r.errors);
  if (std::uint64_t{h.width} * h.height > k_max_pixels) return too_large(path, h.width, h.height);
  auto w = static_cast<int>(h.width), ht = static_cast<int>(h.height);
  RowShrinker shrinker(w, ht, shrink_factor(w, ht, 1, target.fit));
  std::size_t stride = std::size_t(h.width) * std::size_t(h.channels);
  std::vector<unsigned char> row(stride), rows(h.passes > 1 ? stride * h.height : 0),
      rgb(std::size_t(h.width) * 3);
  RowSink sink{&shrinker, &rgb, h.channels, target.fit.pad};
  if (read_rows(r, h, row, rows, flatten_row, &sink) != PngStatus::ok)
    return damaged(path, r.errors);
  Raster out = shrinker.take();
  out.icc = std::move(icc);
  out.had_alpha = sink.had_alpha;
  return out;
}

Result<void> write_png(const fs::path& path, const Raster& image) {
  if (const auto& library = open_library<PngLibrary>(); !library)
    return unexpected(library.error());
  File file(std::fopen(path.c_str(), "wb"));
  if (!file) return write_failed(path, errno);
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(image.width);
  png.height = static_cast<png_uint_32>(image.height);
  png.format = PNG_FORMAT_RGB; // 8-bit sRGB: the simplified API writes the sRGB chunk
  errno = 0;
  if (!libpng().png_image_write_to_stdio(&png, file.get(), 0, image.rgb.data(), 0, nullptr))
    return write_failed(path, errno);
  int error = std::ferror(file.get()) ? EIO : 0;
  if (std::fclose(file.release()) != 0 && !error) error = errno ? errno : EIO;
  if (error) return write_failed(path, error);
  return {};
}

} // namespace sora::media
