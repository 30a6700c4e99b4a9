// --field, --field-json, --image-url and the profile's create defaults.
#include "commands/provider_options.hpp"

#include <sora/validate.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace sora::cli {
namespace {

Result<ExtraField> split_field(const std::string& text, bool json) {
  auto eq = text.find('=');
  std::string flag = json ? "--field-json" : "--field";
  if (eq == std::string::npos || eq == 0)
    return unexpected(ErrorCode::invalid_argument,
                      flag + " '" + text.substr(0, 60) + "' is not NAME=VALUE.",
                      json ? "Write --field-json 'NAME=JSON', e.g. --field-json 'seed=42'."
                           : "Write --field NAME=VALUE, e.g. --field resolution=720p.");
  ExtraField field{text.substr(0, eq), text.substr(eq + 1), json};
  // A name becomes a multipart part header (Content-Disposition): one line, no quotes. Values may
  // hold line breaks (they are part bodies or JSON strings).
  if (field.name.find_first_of(std::string_view("\r\n\0\"", 4)) != std::string::npos)
    return unexpected(ErrorCode::invalid_argument,
                      flag + ": the field name holds a line break, NUL or quote.",
                      "Field names are single words, e.g. --field resolution=720p.");
  if (json && !nlohmann::json::accept(field.value))
    return unexpected(
        ErrorCode::invalid_argument,
        "--field-json " + field.name + ": '" + field.value.substr(0, 60) + "' is not valid JSON.",
        "Quote JSON strings ('" + field.name + "=\"text\"'), or use --field for plain text.");
  return field;
}

} // namespace

void add_provider_options(CLI::App& sub, ProviderOptions& options, CLI::Option* image) {
  auto* url = sub.add_option("--image-url", options.image_url,
                             "First frame by reference: an http(s) URL or a data: URL, sent in "
                             "the profile's image shape (not with --image)")
                  ->type_name("URL");
  if (image) url->excludes(image);
  sub.add_option("--field", options.fields,
                 "Extra request field NAME=VALUE, sent as text (repeatable); replaces a built-in "
                 "field of the same name")
      ->type_name("NAME=VALUE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  sub.add_option("--field-json", options.json_fields,
                 "Extra request field NAME=JSON: a number, true/false, object or array "
                 "(repeatable; multipart sends the JSON text)")
      ->type_name("NAME=JSON")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

Result<void> apply_provider_options(AppContext& ctx, const ProviderOptions& options,
                                    CreateRequest& request) {
  auto settings = ctx.settings();
  if (!settings) return unexpected(settings.error());
  const Profile& profile = (*settings)->effective;
  if (request.model)
    ctx.force_model(); // an explicit --model is always sent (rule 10)
  else if (profile.model && profile.style.send_model)
    request.model = profile.model;
  if (!request.size && profile.size) request.size = profile.size;
  if (!request.seconds && profile.seconds) request.seconds = profile.seconds;
  if (!options.image_url.empty()) request.image_url = options.image_url;
  for (const auto& text : options.fields) {
    auto field = split_field(text, false);
    if (!field) return unexpected(field.error());
    request.fields.push_back(std::move(*field));
  }
  for (const auto& text : options.json_fields) {
    auto field = split_field(text, true);
    if (!field) return unexpected(field.error());
    request.fields.push_back(std::move(*field));
  }
  return {};
}

Result<void> validate_for_profile(AppContext& ctx, CreateRequest& request,
                                  const std::optional<ImageInfo>& image) {
  auto settings = ctx.settings();
  if (!settings) return unexpected(settings.error());
  std::vector<std::string> warnings;
  auto ok = validate_create(request, image, (*settings)->effective.style.openai_enums, &warnings);
  for (const auto& line : warnings)
    ctx.warn(line);
  return ok;
}

} // namespace sora::cli
