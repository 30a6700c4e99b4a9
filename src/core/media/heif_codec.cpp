// HEIC/HEIF (iPhone photos) and AVIF through libheif. libheif applies the file's rotation and
// mirror transforms (irot, imir) while decoding; an EXIF orientation is used only when the file
// has no such transform, since phones write both and applying both would turn the photo twice.
// An opaque 8- or 10-bit HEIC (4:2:0, 4:2:2 or monochrome) takes the fast path (heif_tiles.hpp,
// docs/adr/0017): its HEVC tiles decoded by FFmpeg and shrunk a row of tiles at a time.
// Everything else is decoded whole by libheif 1.15 (no tile API), and then shrunk.
// libheif is opened on first use (media/shared_library.hpp, docs/adr/0015): its codecs'
// constructors alone cost more than the rest of a `sora status`.
#include "media/heif_tiles.hpp"
#include "media/raster.hpp"
#include "media/shared_library.hpp"

#include <cstring>
#include <fstream>
#include <libheif/heif.h>
#include <memory>
#include <optional>
#include <span>

namespace sora::media {
namespace {

namespace fs = std::filesystem;

// The soname the headers belong to: libheif 1.x is libheif.so.1.
static_assert(LIBHEIF_NUMERIC_VERSION >> 24 == 1, "libheif's soname is no longer libheif.so.1");

// Every libheif function the decoder calls, resolved once.
#define SORA_HEIF_FUNCTIONS(X)                                                                     \
  X(heif_context_alloc)                                                                            \
  X(heif_context_free)                                                                             \
  X(heif_context_read_from_file)                                                                   \
  X(heif_context_get_primary_image_handle)                                                         \
  X(heif_image_handle_release)                                                                     \
  X(heif_image_handle_get_width)                                                                   \
  X(heif_image_handle_get_height)                                                                  \
  X(heif_image_handle_has_alpha_channel)                                                           \
  X(heif_image_handle_get_list_of_metadata_block_IDs)                                              \
  X(heif_image_handle_get_metadata_size)                                                           \
  X(heif_image_handle_get_metadata)                                                                \
  X(heif_image_handle_get_color_profile_type)                                                      \
  X(heif_image_handle_get_raw_color_profile_size)                                                  \
  X(heif_image_handle_get_raw_color_profile)                                                       \
  X(heif_image_handle_get_nclx_color_profile)                                                      \
  X(heif_nclx_color_profile_free)                                                                  \
  X(heif_decoding_options_alloc)                                                                   \
  X(heif_decoding_options_free)                                                                    \
  X(heif_decode_image)                                                                             \
  X(heif_image_release)                                                                            \
  X(heif_image_get_width)                                                                          \
  X(heif_image_get_height)                                                                         \
  X(heif_image_get_bits_per_pixel_range)                                                           \
  X(heif_image_get_chroma_format)                                                                  \
  X(heif_image_get_colorspace)                                                                     \
  X(heif_image_get_nclx_color_profile)                                                             \
  X(heif_image_handle_get_luma_bits_per_pixel)                                                     \
  X(heif_image_get_plane_readonly)

struct HeifLibrary {
  static constexpr LibraryName name{"libheif.so.1", "HEIC and AVIF photos", "libheif1"};
  SORA_LIBRARY_FUNCTIONS(SORA_HEIF_FUNCTIONS)
};

// Opens the library on the first call (thread-safe); later calls return the same answer.
const Result<HeifLibrary>& load_heif() {
  return open_library<HeifLibrary>();
}

// The loaded library; only called once load_heif() has succeeded.
const HeifLibrary& heif() {
  return *load_heif();
}

struct ContextCloser {
  void operator()(heif_context* c) const noexcept { heif().heif_context_free(c); }
};
struct HandleCloser {
  void operator()(heif_image_handle* h) const noexcept { heif().heif_image_handle_release(h); }
};
struct ImageCloser {
  void operator()(heif_image* i) const noexcept { heif().heif_image_release(i); }
};
struct OptionsCloser {
  void operator()(heif_decoding_options* o) const noexcept { heif().heif_decoding_options_free(o); }
};
using Context = std::unique_ptr<heif_context, ContextCloser>;
using Handle = std::unique_ptr<heif_image_handle, HandleCloser>;
using Image = std::unique_ptr<heif_image, ImageCloser>;
using Options = std::unique_ptr<heif_decoding_options, OptionsCloser>;

Unexpected heif_failed(const fs::path& path, const heif_error& e) {
  return bad_image(path,
                   std::string("the HEIF/AVIF image cannot be decoded (") +
                       (e.message ? e.message : "unknown error") + ").",
                   "Open it in an image viewer to check it; export it as JPEG.");
}

Result<Handle> open_primary(const fs::path& path, Context& context) {
  if (const auto& library = load_heif(); !library) return unexpected(library.error());
  context.reset(heif().heif_context_alloc());
  if (!context) return unexpected(ErrorCode::internal, "libheif could not start.");
  heif_error e = heif().heif_context_read_from_file(context.get(), path.c_str(), nullptr);
  if (e.code != heif_error_Ok) return heif_failed(path, e);
  heif_image_handle* handle = nullptr;
  e = heif().heif_context_get_primary_image_handle(context.get(), &handle);
  if (e.code != heif_error_Ok) return heif_failed(path, e);
  return Handle(handle);
}

// True when one of `names` (box or item types) appears in the file's header.
bool header_has(const fs::path& path, std::initializer_list<std::string_view> names) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> head(256 * 1024);
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  std::string_view text(head.data(), static_cast<std::size_t>(in.gcount()));
  for (auto name : names)
    if (text.find(name) != std::string_view::npos) return true;
  return false;
}

// True when an item property box `irot` or `imir` appears in the file's header.
bool has_transform_box(const fs::path& path) {
  return header_has(path, {"irot", "imir"});
}

// The EXIF orientation of the primary image (1 when none). HEIF's Exif block starts with a
// 4-byte offset to the TIFF header.
int exif_orientation_of(heif_image_handle* handle) {
  heif_item_id id = 0;
  if (heif().heif_image_handle_get_list_of_metadata_block_IDs(handle, "Exif", &id, 1) < 1) return 1;
  std::vector<unsigned char> exif(heif().heif_image_handle_get_metadata_size(handle, id));
  if (exif.size() < 10 || heif().heif_image_handle_get_metadata(handle, id, exif.data()).code != 0)
    return 1;
  std::size_t skip = 4 + ((std::size_t{exif[0]} << 24) | (std::size_t{exif[1]} << 16) |
                          (std::size_t{exif[2]} << 8) | exif[3]);
  if (skip >= exif.size()) return 1;
  std::vector<unsigned char> app1{'E', 'x', 'i', 'f', 0, 0};
  app1.insert(app1.end(), exif.begin() + static_cast<std::ptrdiff_t>(skip), exif.end());
  return exif_orientation(app1);
}

// The colour profile: an embedded ICC profile, or a Display P3 one for nclx primaries 12.
std::vector<unsigned char> colour_profile(heif_image_handle* handle) {
  std::vector<unsigned char> icc;
  auto type = heif().heif_image_handle_get_color_profile_type(handle);
  if (type == heif_color_profile_type_prof || type == heif_color_profile_type_rICC) {
    icc.resize(heif().heif_image_handle_get_raw_color_profile_size(handle));
    if (heif().heif_image_handle_get_raw_color_profile(handle, icc.data()).code != 0) icc.clear();
    return icc;
  }
  heif_color_profile_nclx* nclx = nullptr;
  if (heif().heif_image_handle_get_nclx_color_profile(handle, &nclx).code == 0 && nclx) {
    if (nclx->color_primaries == heif_color_primaries_SMPTE_EG_432_1) icc = display_p3_profile();
    heif().heif_nclx_color_profile_free(nclx);
  }
  return icc;
}

// The decoded image's 8-bit Y'CbCr 4:2:0 planes and matrix; false for anything else (a matrix
// other than BT.601, BT.709 or BT.2020), which libheif converts.
bool ycbcr_planes(const heif_image* image, YCbCrPlanes& p) {
  if (heif().heif_image_get_colorspace(image) != heif_colorspace_YCbCr ||
      heif().heif_image_get_chroma_format(image) != heif_chroma_420 ||
      heif().heif_image_get_bits_per_pixel_range(image, heif_channel_Y) != 8 ||
      heif().heif_image_get_bits_per_pixel_range(image, heif_channel_Cb) != 8)
    return false;
  p.width = heif().heif_image_get_width(image, heif_channel_Y);
  p.height = heif().heif_image_get_height(image, heif_channel_Y);
  p.y = heif().heif_image_get_plane_readonly(image, heif_channel_Y, &p.y_stride);
  p.cb = heif().heif_image_get_plane_readonly(image, heif_channel_Cb, &p.c_stride);
  p.cr = heif().heif_image_get_plane_readonly(image, heif_channel_Cr, &p.c_stride);
  heif_color_profile_nclx* nclx = nullptr; // none: BT.601, full range (libheif's default)
  if (heif().heif_image_get_nclx_color_profile(image, &nclx).code == heif_error_Ok && nclx) {
    int matrix = nclx->matrix_coefficients;
    p.full_range = nclx->full_range_flag != 0;
    heif().heif_nclx_color_profile_free(nclx);
    if (!use_matrix(p, matrix)) return false;
  }
  return p.y && p.cb && p.cr && p.width > 0 && p.height > 0;
}

// Shrinks a decoded 4:2:0 Y'CbCr or planar 8-bit RGB image; nothing for any other layout.
std::optional<Raster> shrink_decoded(const heif_image* image, int factor) {
  YCbCrPlanes planes;
  if (ycbcr_planes(image, planes)) return shrink_ycbcr(planes, factor);
  if (heif().heif_image_get_colorspace(image) != heif_colorspace_RGB ||
      heif().heif_image_get_chroma_format(image) != heif_chroma_444)
    return std::nullopt;
  const std::uint8_t* plane[3] = {};
  int stride[3] = {};
  const heif_channel channels[3] = {heif_channel_R, heif_channel_G, heif_channel_B};
  for (int c = 0; c < 3; ++c) {
    if (heif().heif_image_get_bits_per_pixel_range(image, channels[c]) != 8) return std::nullopt;
    plane[c] = heif().heif_image_get_plane_readonly(image, channels[c], &stride[c]);
    if (!plane[c]) return std::nullopt;
  }
  int w = heif().heif_image_get_width(image, heif_channel_R),
      h = heif().heif_image_get_height(image, heif_channel_R);
  RowShrinker shrinker(w, h, factor);
  std::vector<unsigned char> row(std::size_t(w) * 3);
  for (int y = 0; y < h; ++y) {
    for (int c = 0; c < 3; ++c) {
      const std::uint8_t* p = plane[c] + std::size_t(y) * std::size_t(stride[c]);
      for (std::size_t x = 0; x < std::size_t(w); ++x)
        row[x * 3 + std::size_t(c)] = p[x];
    }
    shrinker.add_row(row.data());
  }
  return shrinker.take();
}

// The fast path for an opaque 8- or 10-bit HEIC (heif_tiles.hpp): its HEVC tiles decoded by FFmpeg
// and shrunk as they arrive. Nothing when the file is not laid out so, or FFmpeg cannot decode it.
// `transformed`: the file has irot or imir, so its EXIF orientation is not used (see the top).
std::optional<Raster> decode_tiles_fast(const fs::path& path, heif_image_handle* handle,
                                        const DecodeTarget& target, bool alpha, bool transformed) {
  int bits = heif().heif_image_handle_get_luma_bits_per_pixel(handle);
  if (alpha || (bits != 8 && bits != 10)) return std::nullopt;
  auto tiles = read_hevc_tiles(path);
  if (!tiles) return std::nullopt;
  int orientation = transformed ? tiles->orientation : exif_orientation_of(handle);
  TileColour colour;
  heif_color_profile_nclx* nclx = nullptr;
  if (heif().heif_image_handle_get_nclx_color_profile(handle, &nclx).code == heif_error_Ok &&
      nclx) {
    colour.matrix = nclx->matrix_coefficients;
    colour.full_range = nclx->full_range_flag != 0;
    heif().heif_nclx_color_profile_free(nclx);
  }
  int factor = shrink_factor(tiles->width, tiles->height, orientation, target.fit);
  auto out = decode_hevc_tiles(path, *tiles, factor, colour);
  if (!out) return std::nullopt;
  out->icc = colour_profile(handle);
  out->orientation = orientation;
  return out;
}

} // namespace

Result<Raster> decode_heif(const fs::path& path, const DecodeTarget& target) {
  Context context;
  auto handle = open_primary(path, context);
  if (!handle) return unexpected(handle.error());
  int w = heif().heif_image_handle_get_width(handle->get()),
      h = heif().heif_image_handle_get_height(handle->get());
  if (std::uint64_t(w) * std::uint64_t(h) > k_max_pixels) return too_large(path, w, h);
  bool alpha = heif().heif_image_handle_has_alpha_channel(handle->get()) != 0;
  bool transformed = has_transform_box(path);
  if (auto fast = decode_tiles_fast(path, handle->get(), target, alpha, transformed))
    return std::move(*fast);
  Options options(heif().heif_decoding_options_alloc());
  heif_image* decoded = nullptr;
  int orientation = transformed ? 1 : exif_orientation_of(handle->get());
  // A photo that will be shrunk (8 bits, no alpha) is decoded without a full-size RGB copy and
  // shrunk before it becomes RGB: a single picture as 4:2:0 Y'CbCr (what the codec stores); a grid
  // of tiles (how phones store 48 MP) as planar RGB, in which libheif 1.15 assembles the tiles.
  // A 48 MP photo: 70 to 146 MB less. Anything else is converted by libheif.
  heif_error e{};
  int factor = shrink_factor(w, h, orientation, target.fit);
  if (!alpha && heif().heif_image_handle_get_luma_bits_per_pixel(handle->get()) == 8 &&
      factor > 1) {
    bool grid = header_has(path, {"grid"});
    e = heif().heif_decode_image(handle->get(), &decoded,
                                 grid ? heif_colorspace_RGB : heif_colorspace_YCbCr,
                                 grid ? heif_chroma_444 : heif_chroma_420, options.get());
    if (e.code != heif_error_Ok) return heif_failed(path, e);
    Image native(decoded);
    if (auto out = shrink_decoded(native.get(), factor)) {
      native.reset();
      out->icc = colour_profile(handle->get());
      out->orientation = orientation;
      return std::move(*out);
    }
  }
  e = heif().heif_decode_image(handle->get(), &decoded, heif_colorspace_RGB,
                               alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB,
                               options.get());
  if (e.code != heif_error_Ok) return heif_failed(path, e);
  Image image(decoded);
  int stride = 0;
  const std::uint8_t* pixels =
      heif().heif_image_get_plane_readonly(image.get(), heif_channel_interleaved, &stride);
  w = heif().heif_image_get_width(image.get(), heif_channel_interleaved);
  h = heif().heif_image_get_height(image.get(), heif_channel_interleaved);
  if (!pixels || w < 1 || h < 1) return bad_image(path, "the HEIF/AVIF image has no pixels.");
  RowShrinker shrinker(w, h, shrink_factor(w, h, orientation, target.fit));
  std::vector<unsigned char> rgb(std::size_t(w) * 3);
  const unsigned pad[3] = {target.fit.pad.r, target.fit.pad.g, target.fit.pad.b};
  bool had_alpha = false;
  for (int y = 0; y < h; ++y) {
    const std::uint8_t* row = pixels + std::size_t(y) * std::size_t(stride);
    if (!alpha) {
      shrinker.add_row(row);
      continue;
    }
    for (std::size_t x = 0; x < std::size_t(w); ++x) {
      unsigned a = row[x * 4 + 3];
      had_alpha = had_alpha || a != 255;
      for (std::size_t c = 0; c < 3; ++c)
        rgb[x * 3 + c] = over(row[x * 4 + c], a, pad[c]);
    }
    shrinker.add_row(rgb.data());
  }
  image.reset();
  Raster out = shrinker.take();
  out.icc = colour_profile(handle->get());
  out.orientation = orientation;
  out.had_alpha = had_alpha;
  return out;
}

Result<ImageInfo> probe_heif(const fs::path& path, ImageType type) {
  Context context;
  auto handle = open_primary(path, context);
  if (!handle) return unexpected(handle.error());
  ImageInfo info{type, heif().heif_image_handle_get_width(handle->get()),
                 heif().heif_image_handle_get_height(handle->get())};
  if (!has_transform_box(path) && exif_orientation_of(handle->get()) >= 5)
    std::swap(info.width, info.height);
  return info;
}

} // namespace sora::media
