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
    return unexpected(ErrorCode::invalid_argument, "The prompt is empty.",
                      "Describe the video with --prompt TEXT or --prompt-file PATH.");
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
    return unexpected(ErrorCode::invalid_argument, "The model name is empty.",
                      "Give a model such as sora-2, or leave --model out.");
  if (request.size && *request.size == "auto") {
    // Without --fit the image is sent as it is, so the size picked must be the image's own.
    if (!image)
      return unexpected(ErrorCode::invalid_argument,
                        "--size auto picks the size from the image, but there is no image.",
                        "Give --image PATH, or a size such as --size " +
                            supported_sizes(model).front() + ".");
    std::string picked = choose_auto_size(image->width, image->height, model);
    if (picked != size_string(*image))
      return unexpected(ErrorCode::invalid_argument,
                        "--size auto picks " + picked + " for this " + size_string(*image) +
                            " image, but the image is sent as it is and must already be " + picked +
                            ".",
                        "Add --fit cover (crop to fill) or --fit contain (pad) to resize it.");
    request.size = picked;
  }
  if (!is_known_model(model)) return {}; // compatible providers: their values pass through

  // OpenAI's values are errors on the openai profile, and warnings elsewhere (tolerance rule 8).
  auto mismatch = [&](std::string message, std::string hint) -> Result<void> {
    if (openai_enums) return unexpected(ErrorCode::invalid_argument, message, hint);
    if (warnings) warnings->push_back(message + " Sending it anyway: this server may accept it.");
    return {};
  };
  if (request.seconds && !contains(supported_seconds(), *request.seconds))
    if (auto ok =
            mismatch("--seconds " + *request.seconds + " is not a duration " + model + " supports.",
                     "Use --seconds " + join(supported_seconds()) + ".");
        !ok)
      return ok;
  auto sizes = supported_sizes(model);
  if (request.size && !contains(sizes, *request.size))
    if (auto ok = mismatch(
            "--size " + *request.size + " is not a size " + model + " supports.",
            "Use --size " + join(sizes) +
                (model.starts_with("sora-2-pro") ? "." : " (more sizes with sora-2-pro)."));
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
    return unexpected(ErrorCode::invalid_argument,
                      "The image is " + image_size + ", which is not a size " + model +
                          " supports; the API needs the image to match the video size.",
                      "Add --fit cover (crop to fill) or --fit contain (pad) to resize it to the "
                      "closest of " +
                          join(sizes) + ".");
  }
  if (image_size != *request.size)
    return mismatch("The image is " + image_size + " but --size is " + *request.size +
                        "; the API rejects an image that does not match the video size.",
                    "Add --fit cover (crop to fill) or --fit contain (pad) to resize it to " +
                        *request.size + ", or use --size " + image_size +
                        (contains(sizes, image_size) ? "." : " with a model that supports it."));
  return {};
}

} // namespace sora
