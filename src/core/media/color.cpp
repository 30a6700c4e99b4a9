// Colour management with Little CMS: embedded ICC profiles (Display P3 from phones, Adobe RGB
// from cameras, CMYK from print workflows) are converted to sRGB before any resizing, since the
// API and every player read the upload as sRGB. See docs/adr/0010-heif-and-colour.md.
// Little CMS is opened on first use (media/shared_library.hpp, docs/adr/0015): every fit calls
// convert_to_srgb first, which loads it and reports a missing library.
#include "media/raster.hpp"
#include "media/shared_library.hpp"

#include <lcms2.h>
#include <memory>

namespace sora::media {
namespace {

// The soname of Little CMS 2.x: liblcms2.so.2.
static_assert(LCMS_VERSION / 1000 == 2, "Little CMS's soname is no longer liblcms2.so.2");

// Every Little CMS function this file calls.
#define SORA_LCMS_FUNCTIONS(X)                                                                     \
  X(cmsCloseProfile)                                                                               \
  X(cmsDeleteTransform)                                                                            \
  X(cmsOpenProfileFromMem)                                                                         \
  X(cmsGetColorSpace)                                                                              \
  X(cmsCreate_sRGBProfile)                                                                         \
  X(cmsCreateTransform)                                                                            \
  X(cmsDoTransform)                                                                                \
  X(cmsSaveProfileToMem)                                                                           \
  X(cmsBuildParametricToneCurve)                                                                   \
  X(cmsCreateRGBProfile)                                                                           \
  X(cmsFreeToneCurve)

struct LcmsLibrary {
  static constexpr LibraryName name{"liblcms2.so.2", "colour management of photos", "liblcms2-2"};
  SORA_LIBRARY_FUNCTIONS(SORA_LCMS_FUNCTIONS)
};

bool lcms_loaded() {
  return open_library<LcmsLibrary>().has_value();
}

// The loaded library; only called once lcms_loaded() is true (every profile or transform this
// file holds was made by it).
const LcmsLibrary& lcms() {
  return *open_library<LcmsLibrary>();
}

struct ProfileCloser {
  void operator()(void* p) const noexcept {
    if (p) lcms().cmsCloseProfile(p);
  }
};
using Profile = std::unique_ptr<void, ProfileCloser>;

struct TransformCloser {
  void operator()(void* t) const noexcept {
    if (t) lcms().cmsDeleteTransform(t);
  }
};
using Transform = std::unique_ptr<void, TransformCloser>;

Profile open_profile(const std::vector<unsigned char>& icc) {
  if (icc.empty()) return Profile(nullptr);
  return Profile(
      lcms().cmsOpenProfileFromMem(icc.data(), static_cast<cmsUInt32Number>(icc.size())));
}

// Relative colorimetric with black-point compensation: in-gamut colours keep their exact
// values, out-of-gamut ones are clipped, and deep shadows do not block up.
constexpr cmsUInt32Number k_intent = INTENT_RELATIVE_COLORIMETRIC;
constexpr cmsUInt32Number k_flags = cmsFLAGS_BLACKPOINTCOMPENSATION;

Unexpected colour_failed(const char* what) {
  return unexpected(ErrorCode::invalid_argument, std::string("The image's colour profile ") + what,
                    "Convert the image to sRGB with an image editor.");
}

} // namespace

Result<void> convert_to_srgb(Raster& image) {
  // Loaded even without a profile: every fit comes here, so a missing library is reported on
  // every machine that lacks it, not only for the photos that carry a profile.
  if (const auto& library = open_library<LcmsLibrary>(); !library)
    return unexpected(library.error());
  if (image.icc.empty()) return {};
  Profile source = open_profile(image.icc);
  image.icc.clear();
  // A damaged or unusable profile: the pixels are read as sRGB, as a browser would.
  if (!source || lcms().cmsGetColorSpace(source.get()) != cmsSigRgbData) return {};
  Profile srgb(lcms().cmsCreate_sRGBProfile());
  Transform transform(lcms().cmsCreateTransform(source.get(), TYPE_RGB_8, srgb.get(), TYPE_RGB_8,
                                                k_intent, k_flags));
  if (!transform) return colour_failed("cannot be converted to sRGB.");
  lcms().cmsDoTransform(transform.get(), image.rgb.data(), image.rgb.data(),
                        static_cast<cmsUInt32Number>(image.rgb.size() / 3));
  return {};
}

Result<Raster> cmyk_to_srgb(const std::vector<unsigned char>& cmyk, int width, int height,
                            bool inverted, const std::vector<unsigned char>& icc) {
  if (const auto& library = open_library<LcmsLibrary>(); !library)
    return unexpected(library.error());
  Raster out;
  out.width = width;
  out.height = height;
  std::size_t pixels = std::size_t(width) * std::size_t(height);
  out.rgb.resize(pixels * 3);
  Profile source = open_profile(icc);
  if (source && lcms().cmsGetColorSpace(source.get()) == cmsSigCmykData) {
    Profile srgb(lcms().cmsCreate_sRGBProfile());
    // Adobe's CMYK JPEGs store ink inverted (0 = full ink): TYPE_CMYK_8_REV reads them so.
    Transform transform(lcms().cmsCreateTransform(source.get(),
                                                  inverted ? TYPE_CMYK_8_REV : TYPE_CMYK_8,
                                                  srgb.get(), TYPE_RGB_8, k_intent, k_flags));
    if (!transform) return colour_failed("(CMYK) cannot be converted to sRGB.");
    lcms().cmsDoTransform(transform.get(), cmyk.data(), out.rgb.data(),
                          static_cast<cmsUInt32Number>(pixels));
    return out;
  }
  for (std::size_t i = 0; i < pixels; ++i) {
    unsigned k = inverted ? cmyk[i * 4 + 3] : 255u - cmyk[i * 4 + 3];
    for (std::size_t c = 0; c < 3; ++c) {
      unsigned ink = inverted ? cmyk[i * 4 + c] : 255u - cmyk[i * 4 + c];
      out.rgb[i * 3 + c] = static_cast<unsigned char>((ink * k + 127) / 255);
    }
  }
  return out;
}

namespace {

std::vector<unsigned char> save(const Profile& profile) {
  std::vector<unsigned char> data;
  cmsUInt32Number size = 0;
  if (profile && lcms().cmsSaveProfileToMem(profile.get(), nullptr, &size) && size > 0) {
    data.resize(size);
    if (!lcms().cmsSaveProfileToMem(profile.get(), data.data(), &size)) data.clear();
  }
  return data;
}

} // namespace

std::vector<unsigned char> display_p3_profile() {
  if (!lcms_loaded()) return {}; // convert_to_srgb, next in every fit, reports why
  // SMPTE EG 432-1 primaries with the D65 white point and the sRGB transfer curve.
  cmsCIExyY white{0.3127, 0.3290, 1.0};
  cmsCIExyYTRIPLE primaries{{0.680, 0.320, 1.0}, {0.265, 0.690, 1.0}, {0.150, 0.060, 1.0}};
  cmsFloat64Number srgb_curve[5] = {2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.04045};
  cmsToneCurve* curve = lcms().cmsBuildParametricToneCurve(nullptr, 4, srgb_curve);
  cmsToneCurve* curves[3] = {curve, curve, curve};
  Profile p3(lcms().cmsCreateRGBProfile(&white, &primaries, curves));
  lcms().cmsFreeToneCurve(curve);
  return save(p3);
}

const std::vector<unsigned char>& srgb_icc_profile() {
  // Empty without Little CMS (a JPEG without a profile); the fit stopped at convert_to_srgb.
  static const std::vector<unsigned char> bytes =
      lcms_loaded() ? save(Profile(lcms().cmsCreate_sRGBProfile())) : std::vector<unsigned char>{};
  return bytes;
}

} // namespace sora::media
