// JPEG with libjpeg-turbo: decoded at the smallest DCT scale the fit allows (a 48-megapixel photo
// is never held whole), CMYK and YCCK converted rather than refused, the embedded ICC profile
// kept for colour conversion; written with an sRGB profile. libjpeg is opened on first use
// (media/shared_library.hpp, docs/adr/0015): linked, its bindings cost every command.
#include "media/raster.hpp"
#include "media/shared_library.hpp"

// jpeglib.h needs FILE and size_t declared first.
#include <jerror.h>
#include <jpeglib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csetjmp>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>

namespace sora::media {
namespace {

namespace fs = std::filesystem;

// The soname the headers belong to: libjpeg-turbo's libjpeg 6.2 API is libjpeg.so.62.
static_assert(JPEG_LIB_VERSION == 62, "libjpeg's soname is no longer libjpeg.so.62");

// Every libjpeg function the codec calls. jpeg_create_decompress and jpeg_create_compress are
// macros over jpeg_CreateDecompress and jpeg_CreateCompress, so `jpeg().jpeg_create_...(...)`
// works.
#define SORA_JPEG_FUNCTIONS(X)                                                                     \
  X(jpeg_std_error)                                                                                \
  X(jpeg_CreateDecompress)                                                                         \
  X(jpeg_stdio_src)                                                                                \
  X(jpeg_save_markers)                                                                             \
  X(jpeg_read_header)                                                                              \
  X(jpeg_read_icc_profile)                                                                         \
  X(jpeg_calc_output_dimensions)                                                                   \
  X(jpeg_start_decompress)                                                                         \
  X(jpeg_read_scanlines)                                                                           \
  X(jpeg_finish_decompress)                                                                        \
  X(jpeg_destroy_decompress)                                                                       \
  X(jpeg_CreateCompress)                                                                           \
  X(jpeg_stdio_dest)                                                                               \
  X(jpeg_set_defaults)                                                                             \
  X(jpeg_set_quality)                                                                              \
  X(jpeg_start_compress)                                                                           \
  X(jpeg_write_icc_profile)                                                                        \
  X(jpeg_write_scanlines)                                                                          \
  X(jpeg_finish_compress)                                                                          \
  X(jpeg_destroy_compress)

struct JpegLibrary {
  static constexpr LibraryName name{"libjpeg.so.62", "JPEG photos", "libjpeg62-turbo"};
  SORA_LIBRARY_FUNCTIONS(SORA_JPEG_FUNCTIONS)
};

// The loaded library; only called once open_library<JpegLibrary>() has succeeded.
const JpegLibrary& jpeg() {
  return *open_library<JpegLibrary>();
}

// libjpeg reports fatal errors through error_exit, which must not return: it longjmps back to
// the function that called setjmp. That function holds only trivially destructible locals, and
// everything with a destructor lives in its caller, so the jump skips no destructor.
struct JpegErrors {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool truncated;
};

extern "C" void sora_jpeg_error_exit(j_common_ptr cinfo) {
  auto* errors = reinterpret_cast<JpegErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, errors->message);
  std::longjmp(errors->jump, 1);
}

// Warnings are not printed (the core never prints); a truncated file is an error.
extern "C" void sora_jpeg_emit_message(j_common_ptr cinfo, int level) {
  auto* errors = reinterpret_cast<JpegErrors*>(cinfo->err);
  if (level < 0) {
    if (cinfo->err->msg_code == JWRN_JPEG_EOF) errors->truncated = true;
    ++cinfo->err->num_warnings;
  }
}

void init_errors(JpegErrors& errors) {
  jpeg().jpeg_std_error(&errors.mgr);
  errors.mgr.error_exit = sora_jpeg_error_exit;
  errors.mgr.emit_message = sora_jpeg_emit_message;
  errors.message[0] = '\0';
  errors.truncated = false;
}

struct JpegDecoder {
  JpegErrors errors{};
  jpeg_decompress_struct cinfo{};
  bool created = false;
  JOCTET* icc = nullptr; // malloc'ed by jpeg_read_icc_profile
  unsigned icc_size = 0;
  ~JpegDecoder() {
    if (created) jpeg().jpeg_destroy_decompress(&cinfo);
    std::free(icc);
  }
};

// The smallest DCT scale M/8 at which the decoded image still has at least the pixels the fit
// needs, so nothing is ever upscaled twice and a big photo is never decoded whole.
int dct_scale(int width, int height, int orientation, const FitOptions& options) {
  double dw = orientation >= 5 ? height : width;
  double dh = orientation >= 5 ? width : height;
  double sx = options.width / dw, sy = options.height / dh;
  double need = options.mode == FitMode::contain ? std::min(sx, sy) : std::max(sx, sy);
  int m = static_cast<int>(std::ceil(need * 8 - 1e-9));
  return std::clamp(m, 1, 8);
}

int marker_orientation(jpeg_decompress_struct& cinfo) {
  for (jpeg_saved_marker_ptr m = cinfo.marker_list; m; m = m->next)
    if (m->marker == JPEG_APP0 + 1) {
      int o = exif_orientation(std::span<const unsigned char>(m->data, m->data_length));
      if (o != 1) return o;
    }
  return 1;
}

enum class JpegStatus { ok, error, too_large };

// setjmp frame: trivially destructible locals only (see above). `pixels` gets RGB or CMYK rows.
JpegStatus decode_frame(JpegDecoder& d, std::FILE* file, const FitOptions& options,
                        std::vector<unsigned char>& pixels, int& orientation) {
  if (setjmp(d.errors.jump)) return JpegStatus::error;
  jpeg().jpeg_create_decompress(&d.cinfo);
  d.created = true;
  jpeg().jpeg_stdio_src(&d.cinfo, file);
  jpeg().jpeg_save_markers(&d.cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg().jpeg_save_markers(&d.cinfo, JPEG_APP0 + 2, 0xFFFF); // ICC profile chunks
  jpeg().jpeg_read_header(&d.cinfo, TRUE);
  orientation = marker_orientation(d.cinfo);
  jpeg().jpeg_read_icc_profile(&d.cinfo, &d.icc, &d.icc_size);
  bool cmyk = d.cinfo.jpeg_color_space == JCS_CMYK || d.cinfo.jpeg_color_space == JCS_YCCK;
  d.cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  d.cinfo.scale_num = static_cast<unsigned>(dct_scale(static_cast<int>(d.cinfo.image_width),
                                                      static_cast<int>(d.cinfo.image_height),
                                                      orientation, options));
  d.cinfo.scale_denom = 8;
  jpeg().jpeg_calc_output_dimensions(&d.cinfo);
  std::uint64_t w = d.cinfo.output_width, h = d.cinfo.output_height;
  if (w * h > k_max_pixels) return JpegStatus::too_large;
  jpeg().jpeg_start_decompress(&d.cinfo);
  std::size_t stride = w * static_cast<std::size_t>(d.cinfo.output_components);
  pixels.resize(stride * h);
  while (d.cinfo.output_scanline < d.cinfo.output_height) {
    JSAMPROW row = pixels.data() + std::size_t{d.cinfo.output_scanline} * stride;
    jpeg().jpeg_read_scanlines(&d.cinfo, &row, 1);
  }
  jpeg().jpeg_finish_decompress(&d.cinfo);
  return JpegStatus::ok;
}

struct JpegEncoder {
  JpegErrors errors{};
  jpeg_compress_struct cinfo{};
  bool created = false;
  ~JpegEncoder() {
    if (created) jpeg().jpeg_destroy_compress(&cinfo);
  }
};

// setjmp frame: trivially destructible locals only.
bool encode_frame(JpegEncoder& e, std::FILE* file, const Raster& image, int quality,
                  const std::vector<unsigned char>& icc) {
  if (setjmp(e.errors.jump)) return false;
  jpeg().jpeg_create_compress(&e.cinfo);
  e.created = true;
  jpeg().jpeg_stdio_dest(&e.cinfo, file);
  e.cinfo.image_width = static_cast<JDIMENSION>(image.width);
  e.cinfo.image_height = static_cast<JDIMENSION>(image.height);
  e.cinfo.input_components = 3;
  e.cinfo.in_color_space = JCS_RGB;
  jpeg().jpeg_set_defaults(&e.cinfo);
  jpeg().jpeg_set_quality(&e.cinfo, quality, TRUE);
  e.cinfo.optimize_coding = TRUE; // smaller file, same pixels
  jpeg().jpeg_start_compress(&e.cinfo, TRUE);
  if (!icc.empty())
    jpeg().jpeg_write_icc_profile(&e.cinfo, icc.data(), static_cast<unsigned>(icc.size()));
  std::size_t stride = std::size_t(image.width) * 3;
  while (e.cinfo.next_scanline < e.cinfo.image_height) {
    auto* row = const_cast<JSAMPROW>(image.rgb.data() + e.cinfo.next_scanline * stride);
    jpeg().jpeg_write_scanlines(&e.cinfo, &row, 1);
  }
  jpeg().jpeg_finish_compress(&e.cinfo);
  return true;
}

} // namespace

Result<Raster> decode_jpeg(const fs::path& path, const DecodeTarget& target) {
  if (const auto& library = open_library<JpegLibrary>(); !library)
    return unexpected(library.error());
  File file(std::fopen(path.c_str(), "rb"));
  if (!file) return unreadable(path, errno);
  JpegDecoder d;
  init_errors(d.errors);
  d.cinfo.err = &d.errors.mgr;
  std::vector<unsigned char> pixels;
  int orientation = 1;
  switch (decode_frame(d, file.get(), target.fit, pixels, orientation)) {
  case JpegStatus::ok:
    break;
  case JpegStatus::error:
    return bad_image(path, std::string("the JPEG cannot be decoded (") + d.errors.message + ").",
                     "Open it in an image viewer to check it; re-save it as JPEG or PNG.");
  case JpegStatus::too_large:
    return too_large(path, d.cinfo.output_width, d.cinfo.output_height);
  }
  if (d.errors.truncated)
    return bad_image(path, "the JPEG is truncated (the file ends before the image does).",
                     "Copy or download the image again.");
  std::vector<unsigned char> icc(d.icc, d.icc + d.icc_size);
  auto w = static_cast<int>(d.cinfo.output_width), h = static_cast<int>(d.cinfo.output_height);
  Raster out;
  if (d.cinfo.out_color_space == JCS_CMYK) {
    auto rgb = cmyk_to_srgb(pixels, w, h, d.cinfo.saw_Adobe_marker, icc);
    if (!rgb) return unexpected(rgb.error());
    out = std::move(*rgb);
  } else {
    out.width = w;
    out.height = h;
    out.rgb = std::move(pixels);
    out.icc = std::move(icc);
  }
  out.orientation = orientation;
  return out;
}

Result<void> write_jpeg(const fs::path& path, const Raster& image, int quality) {
  if (const auto& library = open_library<JpegLibrary>(); !library)
    return unexpected(library.error());
  File file(std::fopen(path.c_str(), "wb"));
  if (!file) return write_failed(path, errno);
  JpegEncoder e;
  init_errors(e.errors);
  e.cinfo.err = &e.errors.mgr;
  errno = 0;
  if (!encode_frame(e, file.get(), image, quality, srgb_icc_profile()))
    return write_failed(path, errno);
  int error = std::ferror(file.get()) ? EIO : 0;
  if (std::fclose(file.release()) != 0 && !error) error = errno ? errno : EIO;
  if (error) return write_failed(path, error);
  return {};
}

} // namespace sora::media
