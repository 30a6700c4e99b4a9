// What the API accepts, checked locally before anything is sent.
#pragma once

#include <sora/client.hpp>
#include <sora/image.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sora {

inline constexpr std::size_t k_max_prompt_chars = 32000;

/// True for OpenAI's own models (`sora-2…`), whose sizes and durations sora knows.
bool is_known_model(std::string_view model) noexcept;
/// Sizes the API accepts for a known model ("sora-2" when no model is given).
std::vector<std::string> supported_sizes(std::string_view model);
/// Durations (seconds, as strings) the API accepts for known models.
std::vector<std::string> supported_seconds();

/// Number of Unicode code points in UTF-8 text; nullopt when the text is not valid UTF-8.
std::optional<std::size_t> utf8_length(std::string_view text) noexcept;

/// Checks a prompt: 1 to 32000 characters of valid UTF-8.
Result<void> validate_prompt(std::string_view prompt);

/// Checks a create request as the API would, and fills in what can be known locally:
/// with an image and no size, a supported image size becomes the size. For models sora does not
/// know, sizes and durations pass through unchecked. Errors are invalid_argument, naming the
/// problem and the fix. `image` is the probed reference image, if any.
Result<void> validate_create(CreateRequest& request, const std::optional<ImageInfo>& image);
/// The same checks with OpenAI's model/size/duration rules as errors only when `openai_enums`
/// (the openai profile); otherwise each mismatch is appended to `warnings` (if given), nothing is
/// filled in, and only the shape checks (prompt, model name) fail (tolerance rule 8).
Result<void> validate_create(CreateRequest& request, const std::optional<ImageInfo>& image,
                             bool openai_enums, std::vector<std::string>* warnings);

} // namespace sora
