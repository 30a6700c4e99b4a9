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
  if (json && !nlohmann::json::accept(field.value))
    return unexpected(
        ErrorCode::invalid_argument,
        "--field-json " + field.name + ": '" + field.value.substr(0, 60) + "' is not valid JSON.",
        "Quote JSON strings ('" + field.name + "=\"text\"'), or use --field for plain text.");
  return field;
}

} // namespace

Result<ExtraField> callback_field(AppContext& ctx, const std::string& url) {
  auto settings = ctx.settings();
  if (!settings) return unexpected(settings.error());
  const std::string& field = (*settings)->effective.callback_field;
  if (field.empty())
    return unexpected(ErrorCode::invalid_argument,
                      "The profile '" + (*settings)->profile +
                          "' takes no per-job callback URL (--callback-url, callback_url).",
                      "OpenAI's webhooks are set up once in its dashboard (docs/webhooks.md); "
                      "per-job callbacks need a profile that takes them, e.g. --profile "
                      "openrouter.");
  if (!is_http_url(url) || (is_plain_http_url(url) && !is_loopback_url(url)))
    return unexpected(ErrorCode::invalid_argument,
                      "The callback URL '" + url.substr(0, 80) + "' is not an https:// URL.",
                      "Give the public https address of 'sora listen' (behind a reverse proxy or "
                      "a tunnel); plain http is taken only for a loopback address.");
  return ExtraField{field, url, false};
}

void add_provider_options(CLI::App& sub, ProviderOptions& options, CLI::Option* image) {
  auto* url = sub.add_option("--image-url", options.image_url,
                             "First frame by reference: an http(s) URL or a data: URL, sent in "
                             "the profile's image shape (not with --image)")
                  ->type_name("URL");
  if (image) url->excludes(image);
  sub.add_option("--callback-url", options.callback_url,
                 "Ask the server to call this https URL when the job ends (profiles with per-job "
                 "callbacks: openrouter); see sora listen")
      ->type_name("URL");
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
  if (!options.callback_url.empty()) {
    auto field = callback_field(ctx, options.callback_url);
    if (!field) return unexpected(field.error());
    request.fields.push_back(std::move(*field));
  }
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
