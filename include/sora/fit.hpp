// Fitting any photo to a video size: decode JPEG, PNG, WebP, HEIC or AVIF, convert its colours to
// sRGB, resize (cover, contain, stretch), re-encode into a temporary file that removes itself.
#pragma once

#include <sora/client.hpp>
#include <sora/image.hpp>
#include <sora/result.hpp>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace sora {

/// How an image is brought to the target size.
enum class FitMode {
  cover,   ///< scale to fill the target, centre-crop what sticks out
  contain, ///< scale to fit inside the target, pad the rest with the pad colour
  stretch, ///< scale each axis on its own (distorts unless the aspect already matches)
};

/// "cover", "contain" or "stretch".
std::string_view to_string(FitMode mode) noexcept;
/// Parses "cover", "contain" or "stretch" (invalid_argument otherwise).
Result<FitMode> parse_fit_mode(std::string_view text);

/// An opaque RGB colour.
struct Color {
  std::uint8_t r = 0;
  std::uint8_t g = 0;
  std::uint8_t b = 0;
  friend bool operator==(const Color&, const Color&) = default;
};

/// Parses `#RRGGBB`, `RRGGBB`, `#RGB` or a name (black, white, gray/grey, red, green, blue).
/// Fails with invalid_argument naming the accepted forms.
Result<Color> parse_color(std::string_view text);

/// The supported size (see supported_sizes) whose aspect is closest to width:height, so a
/// portrait image gets a portrait size. An exact match wins; among sizes of the same aspect the
/// smaller (cheaper) one is picked; a square image gets the model's first size (720x1280).
std::string choose_auto_size(int width, int height, std::string_view model);

/// Parses "WxH" with both sides 1..16384 (invalid_argument otherwise).
Result<std::pair<int, int>> parse_size(std::string_view text);

/// The Exif Orientation tag (1-8) from the payload of a JPEG APP1 segment (starting with
/// "Exif\0\0"); 1 when there is none or the data is damaged.
int exif_orientation(std::span<const unsigned char> app1) noexcept;
/// The image's size and type as shown to people: a JPEG's EXIF orientation 5-8 swaps width and
/// height, a HEIF's rotation is applied. Errors as probe_image.
Result<ImageInfo> probe_displayed_image(const std::filesystem::path& path);

/// True for types the API does not take (HEIC, AVIF): they are converted with fit_image (to their
/// own size when no fit was asked for) before they are sent.
bool needs_conversion(ImageType type) noexcept;

/// A file that is removed (with the private folder it was made in) when this object is
/// destroyed. Move-only.
class TempFile {
public:
  TempFile() = default;
  TempFile(std::filesystem::path dir, std::filesystem::path file)
      : m_dir(std::move(dir)), m_file(std::move(file)) {}
  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&& other) noexcept;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile();
  const std::filesystem::path& path() const { return m_file; }
  /// Removes the file and its folder now (also done by the destructor); never fails.
  void remove() noexcept;

private:
  std::filesystem::path m_dir;
  std::filesystem::path m_file;
};

struct FitOptions {
  FitMode mode = FitMode::cover;
  int width = 0;  ///< target width in pixels
  int height = 0; ///< target height in pixels
  Color pad;      ///< contain's padding, and the background of transparent images
  /// Where the temporary file goes (a private sub-folder is made there). Required: the core
  /// does not read the environment, so the caller passes e.g. $TMPDIR.
  std::filesystem::path temp_dir;
  int jpeg_quality = 95;
};

/// A fitted image on disk.
struct FittedImage {
  TempFile file;       ///< named like the source (same stem), extension of the new type
  ImageInfo info;      ///< the written file: type, width, height (= the target)
  int orientation = 1; ///< the source's EXIF orientation, already applied to the pixels
};

/// Decodes `source` (JPEG including CMYK/YCCK, PNG of any depth, WebP, HEIC, AVIF), converts an
/// embedded colour profile (Display P3, Adobe RGB, CMYK…) to sRGB, applies its orientation (EXIF,
/// or HEIF's rotation and mirror), fits it to width x height in linear light and writes it to a
/// temporary file tagged sRGB: PNG for PNG and WebP sources and for anything transparent
/// (lossless), JPEG at `jpeg_quality` for JPEG, HEIC and AVIF photos. Every decoder shrinks while
/// it decodes (JPEG's DCT scaling, PNG by rows, WebP's scaler, HEIF after its decode), so a large
/// photo never exists in memory at full size when the target is small. Transparency is flattened
/// onto `pad`. Errors: invalid_argument for an unreadable, damaged or
/// unsupported image (with a hint) or bad options; io when the temporary file cannot be written.
Result<FittedImage> fit_image(const std::filesystem::path& source, const FitOptions& options);

/// For an image the API does not take (needs_conversion) sent without a fit: the fit that only
/// converts it (to JPEG, or PNG when transparent), at its own displayed size. The caller sets
/// `temp_dir`, and validates the request as for a JPEG of `displayed`'s size.
FitOptions conversion_fit(const ImageInfo& displayed);
/// Prepares a create whose image will be fitted: `request.size` "auto" (or unset) becomes
/// choose_auto_size() of the displayed image, then the request is validated as validate_create
/// does for an image of exactly that size. Sets `options.width`/`height` to the size.
Result<void> plan_fit(CreateRequest& request, const ImageInfo& displayed, FitOptions& options);

} // namespace sora
