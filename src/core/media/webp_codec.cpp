// WebP with libwebp: scaled while it is decoded when the fit needs fewer pixels, transparency
// flattened onto the pad colour. (WebP's ICCP chunk is not read: WebP photos are sRGB in
// practice; see docs/adr/0010-heif-and-colour.md.) libwebp is opened on first use
// (media/shared_library.hpp, docs/adr/0015).
#include "media/raster.hpp"
#include "media/shared_library.hpp"

#include <cerrno>
#include <fstream>
#include <iterator>
#include <webp/decode.h>

namespace sora::media {

namespace fs = std::filesystem;

namespace {

// The soname of libwebp 1.x (decoder ABI 2.x): libwebp.so.7.
static_assert(WEBP_DECODER_ABI_VERSION >> 8 == 2, "libwebp's soname may no longer be libwebp.so.7");

// Every libwebp function the decoder calls. WebPInitDecoderConfig and WebPGetFeatures are inline
// functions over the ...Internal ones, which take the ABI version the headers were written for.
#define SORA_WEBP_FUNCTIONS(X)                                                                     \
  X(WebPInitDecoderConfigInternal)                                                                 \
  X(WebPGetFeaturesInternal)                                                                       \
  X(WebPDecode)

struct WebpLibrary {
  static constexpr LibraryName name{"libwebp.so.7", "WebP photos", "libwebp7"};
  SORA_LIBRARY_FUNCTIONS(SORA_WEBP_FUNCTIONS)
};

} // namespace

Result<Raster> decode_webp(const fs::path& path, const DecodeTarget& target) {
  const auto& loaded = open_library<WebpLibrary>();
  if (!loaded) return unexpected(loaded.error());
  const WebpLibrary& webp = *loaded;
  std::ifstream in(path, std::ios::binary);
  if (!in) return unreadable(path, errno);
  std::vector<std::uint8_t> data{std::istreambuf_iterator<char>(in), {}};
  WebPDecoderConfig config;
  if (!webp.WebPInitDecoderConfigInternal(&config, WEBP_DECODER_ABI_VERSION) ||
      webp.WebPGetFeaturesInternal(data.data(), data.size(), &config.input,
                                   WEBP_DECODER_ABI_VERSION) != VP8_STATUS_OK)
    return bad_image(path, "the WebP cannot be decoded (damaged header).",
                     "Open it in an image viewer to check it; re-save it as PNG or JPEG.");
  if (config.input.has_animation)
    return bad_image(path, "animated WebP images are not supported.",
                     "Export the frame you want as a PNG or JPEG.");
  int w = config.input.width, h = config.input.height;
  if (std::uint64_t(w) * std::uint64_t(h) > k_max_pixels) return too_large(path, w, h);
  if (int f = shrink_factor(w, h, 1, target.fit); f > 1) {
    config.options.use_scaling = 1;
    config.options.scaled_width = (w + f - 1) / f;
    config.options.scaled_height = (h + f - 1) / f;
    w = config.options.scaled_width;
    h = config.options.scaled_height;
  }
  config.options.use_threads = 1; // in-loop filtering on a second thread: shorter wall time
  std::vector<std::uint8_t> rgba(std::size_t(w) * std::size_t(h) * 4);
  config.output.colorspace = MODE_RGBA;
  config.output.is_external_memory = 1;
  config.output.u.RGBA.rgba = rgba.data();
  config.output.u.RGBA.stride = w * 4;
  config.output.u.RGBA.size = rgba.size();
  if (webp.WebPDecode(data.data(), data.size(), &config) != VP8_STATUS_OK)
    return bad_image(path, "the WebP cannot be decoded (damaged image data).",
                     "Open it in an image viewer to check it; re-save it as PNG or JPEG.");
  Raster out;
  out.width = w;
  out.height = h;
  out.rgb.resize(std::size_t(w) * std::size_t(h) * 3);
  const unsigned pad[3] = {target.fit.pad.r, target.fit.pad.g, target.fit.pad.b};
  for (std::size_t i = 0, n = std::size_t(w) * std::size_t(h); i < n; ++i) {
    unsigned a = rgba[i * 4 + 3];
    if (a != 255) out.had_alpha = true;
    for (std::size_t c = 0; c < 3; ++c)
      out.rgb[i * 3 + c] = over(rgba[i * 4 + c], a, pad[c]);
  }
  return out;
}

} // namespace sora::media
