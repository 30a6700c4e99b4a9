// The portable create options (aspect ratio, resolution, last frame, reference images, audio,
// seed, negative prompt) mapped onto a planned create request in the profile's shape
// (RequestStyle::portable): JSON members, form fields, or entries of the frame_images array.
#pragma once

#include <sora/client.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace sora::detail {

/// Adds the request's portable options to `plan` (after the image member, before extra fields).
/// Fails with invalid_argument, naming the option, when the style has no way to send one (or
/// cannot send images in a multipart body); nothing is sent then.
Result<void> add_portable_options(RequestPlan& plan, const CreateRequest& request,
                                  const RequestStyle& style);

/// The names (as users say them: "aspect ratio", "last frame" …) of the options set in `request`
/// that `style` cannot express.
std::vector<std::string> inexpressible_options(const CreateRequest& request,
                                               const RequestStyle& style);

/// The manifest fields of the portable options (aspect_ratio, resolution, last_frame, reference,
/// generate_audio, seed, negative_prompt).
const std::vector<std::string>& portable_manifest_fields();

/// Reads the portable options of one manifest row into `request` (paths relative to `base`),
/// adding a problem for each value that is not valid.
void read_portable_fields(const std::map<std::string, std::string>& row,
                          const std::filesystem::path& base, CreateRequest& request,
                          std::vector<std::string>& problems);

} // namespace sora::detail
