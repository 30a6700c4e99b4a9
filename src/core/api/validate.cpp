// Local checks that mirror the API's own, so a bad request costs nothing and explains itself.
#include <sora/fit.hpp>
#include <sora/validate.hpp>

#include <algorithm>

namespace sora {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

bool contains(const std::vector<std::string>& items, std::string_view value) {
  return std::find(items.begin(), items.end(), value) != items.end();
}

// An invalid_argument about `setting`, with the remedy's kind and values for front ends.
Unexpected invalid(std::string message, std::string hint, std::string setting, HintKind kind,
                   std::vector<std::string> values = {}) {
  auto u = unexpected(ErrorCode::invalid_argument, std::move(message), std::move(hint));
  u.error.setting = std::move(setting);
  u.error.hint_kind = kind;
  u.error.hint_values = std::move(values);
  return u;
}

// The neutral hint for an image that must be resized to fit the video.
std::string fit_hint(const std::string& target) {
  return "Set `fit` to cover (crop to fill) or contain (pad) to resize it" +
         (target.empty() ? std::string(".") : " to " + target + ".");
}

} // namespace

bool is_known_model(std::string_view model) noexcept {
  return model.starts_with("sora-2");
}

std::vector<std::string> supported_sizes(std::string_view model) {
  std::vector<std::string> sizes{"720x1280", "1280x720"};
  if (model.starts_with("sora-2-pro"))
    sizes.insert(sizes.end(), {"1024x1792", "1792x1024", "1080x1920", "1920x1080"});
  return sizes;
}

std::vector<std::string> supported_seconds() {
  return {"4", "8", "12", "16", "20"};
}

std::optional<std::size_t> utf8_length(std::string_view text) noexcept {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (n == 0 || i + n > text.size()) return std::nullopt;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return std::nullopt;
    i += n;
    ++count;
  }
  return count;
}

Result<void> validate_prompt(std::string_view prompt) {
  auto length = utf8_length(prompt);
  if (!length)
    return unexpected(ErrorCode::invalid_argument, "The prompt is not valid UTF-8 text.",
                      "Save the prompt file as UTF-8.");
  bool blank = std::all_of(prompt.begin(), prompt.end(),
                           [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; });
  if (*length == 0 || blank)
    return invalid("The prompt is empty.", "Describe the video in the `prompt`.", "prompt",
                   HintKind::describe_prompt);
  if (*length > k_max_prompt_chars)
    return unexpected(ErrorCode::invalid_argument,
                      "The prompt is " + std::to_string(*length) +
                          " characters long; the API "
                          "accepts at most " +
                          std::to_string(k_max_prompt_chars) + ".",
                      "Shorten the prompt.");
  return {};
}

Result<void> validate_create(CreateRequest& request, const std::optional<ImageInfo>& image) {
  return validate_create(request, image, true, nullptr);
}

Result<void> validate_create(CreateRequest& request, const std::optional<ImageInfo>& image,
                             bool openai_enums, std::vector<std::string>* warnings) {
  if (auto ok = validate_prompt(request.prompt); !ok) return ok;
  std::string model = request.model.value_or("sora-2");
  if (request.model && request.model->empty())
    return invalid("The model name is empty.",
                   "Give a `model` such as sora-2, or leave it out for the default.", "model",
                   HintKind::give_model_or_default);
  if (request.size && *request.size == "auto") {
    // Without fit the image is sent as it is, so the size picked must be the image's own.
    if (!image)
      return invalid("`size` auto picks the size from the image, but there is no image.",
                     "Give an `image`, or a `size` such as " + supported_sizes(model).front() + ".",
                     "size", HintKind::give_image_or_size, {supported_sizes(model).front()});
    std::string picked = choose_auto_size(image->width, image->height, model);
    if (picked != size_string(*image))
      return invalid("`size` auto picks " + picked + " for this " + size_string(*image) +
                         " image, but the image is sent as it is and must already be " + picked +
                         ".",
                     fit_hint(""), "fit", HintKind::use_fit);
    request.size = picked;
  }
  if (!is_known_model(model)) return {}; // compatible providers: their values pass through

  // OpenAI's values are errors on the openai profile, and warnings elsewhere (tolerance rule 8).
  auto mismatch = [&](std::string message, std::string hint, std::string setting, HintKind kind,
                      std::vector<std::string> values) -> Result<void> {
    if (openai_enums)
      return invalid(message, std::move(hint), std::move(setting), kind, std::move(values));
    if (warnings) warnings->push_back(message + " Sending it anyway: this server may accept it.");
    return {};
  };
  if (request.seconds && !contains(supported_seconds(), *request.seconds))
    if (auto ok =
            mismatch("`seconds` " + *request.seconds + " is not a duration " + model + " supports.",
                     "Set `seconds` to " + join(supported_seconds()) + ".", "seconds",
                     HintKind::choose_supported_value, supported_seconds());
        !ok)
      return ok;
  auto sizes = supported_sizes(model);
  if (request.size && !contains(sizes, *request.size))
    if (auto ok =
            mismatch("`size` " + *request.size + " is not a size " + model + " supports.",
                     "Set `size` to " + join(sizes) +
                         (model.starts_with("sora-2-pro") ? "." : " (more sizes with sora-2-pro)."),
                     "size", HintKind::choose_supported_value, sizes);
        !ok)
      return ok;
  if (!image) return {};

  std::string image_size = size_string(*image);
  if (!request.size) {
    if (!openai_enums) return {}; // other servers get only what was asked for
    if (contains(sizes, image_size)) {
      request.size = image_size;
      return {};
    }
    return invalid("The image is " + image_size + ", which is not a size " + model +
                       " supports; the API needs the image to match the video size.",
                   fit_hint("the closest of " + join(sizes)), "fit", HintKind::use_fit,
                   {join(sizes)});
  }
  if (image_size != *request.size)
    return mismatch("The image is " + image_size + " but `size` is " + *request.size +
                        "; the API rejects an image that does not match the video size.",
                    "Set `fit` to cover (crop to fill) or contain (pad) to resize it to " +
                        *request.size + ", or set `size` to " + image_size +
                        (contains(sizes, image_size) ? "." : " with a model that supports it."),
                    "fit", HintKind::use_fit,
                    {*request.size, image_size, contains(sizes, image_size) ? "supported" : ""});
  return {};
}

} // namespace sora
