// --field, --field-json, --image-url and the profile's create defaults.
#include "commands/provider_options.hpp"

#include "commands/capabilities.hpp"

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

void add_portable_options(CLI::App& sub, ProviderOptions& options) {
  sub.add_option("--aspect-ratio", options.aspect_ratio,
                 "Aspect ratio, e.g. 16:9 or 9:16 (openrouter, together)")
      ->type_name("W:H");
  sub.add_option("--resolution", options.resolution,
                 "Resolution, e.g. 720p or 1080p (openrouter, together)")
      ->type_name("RES");
  sub.add_option("--last-frame", options.last_frame,
                 "The frame the video ends on: a JPEG, PNG or WebP image (openrouter, together)")
      ->type_name("IMAGE")
      ->check(CLI::ExistingFile);
  sub.add_option("--reference", options.references,
                 "A reference image the video should look like, not a first frame (repeatable; "
                 "openrouter, together)")
      ->type_name("IMAGE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->check(CLI::ExistingFile);
  auto* audio = sub.add_flag_callback(
      "--generate-audio", [&options] { options.audio = true; },
      "Ask for an audio track without describing it (openrouter, together); an audio part "
      "(--audio TEXT) asks for one too");
  auto* no_audio = sub.add_flag_callback(
      "--no-audio", [&options] { options.audio = false; },
      "Ask for a silent video (not with an audio part such as --audio)");
  audio->excludes(no_audio);
  sub.add_option("--seed", options.seed,
                 "Seed for repeatable results (openrouter, together, vllm-omni, sglang)")
      ->type_name("N");
  sub.add_option("--negative-prompt", options.negative_prompt,
                 "What the video should avoid (together, vllm-omni, sglang)")
      ->type_name("TEXT");
}

/// Copies the portable options into the request.
void apply_portable_options(const ProviderOptions& options, CreateRequest& request) {
  if (!options.aspect_ratio.empty()) request.aspect_ratio = options.aspect_ratio;
  if (!options.resolution.empty()) request.resolution = options.resolution;
  if (!options.last_frame.empty()) request.last_frame = options.last_frame;
  for (const auto& path : options.references)
    request.references.emplace_back(path);
  // Set only when given: a batch manifest's own values stay when the command line has none.
  if (options.audio) request.audio = options.audio;
  if (options.seed) request.seed = options.seed;
  if (!options.negative_prompt.empty()) request.negative_prompt = options.negative_prompt;
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
  add_portable_options(sub, options);
}

Result<void> apply_provider_options(AppContext& ctx, const ProviderOptions& options,
                                    CreateRequest& request, bool offline) {
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
  apply_portable_options(options, request);
  if (auto ok = check_audio_part(request); !ok) return ok;
  if (auto ok = check_portable_options(ctx, request); !ok) return ok;
  if (auto ok = check_request_capabilities(ctx, request, offline); !ok) return ok;
  ask_for_described_audio(ctx, request, offline);
  return {};
}

Result<void> check_audio_part(const CreateRequest& request) {
  if (!request.audio_described || !request.audio || *request.audio) return {};
  return unexpected(ErrorCode::invalid_argument,
                    "--no-audio (generate_audio false) and an audio part of the prompt (--audio, "
                    "an [audio] section or a manifest's audio) are both given: one asks for a "
                    "silent video, the other describes its sound.",
                    "Leave out --no-audio, or drop the audio part.");
}

void ask_for_described_audio(AppContext& ctx, CreateRequest& request, bool offline) {
  if (!request.audio_described || request.audio) return;
  auto settings = ctx.settings();
  if (!settings || (*settings)->effective.style.portable.audio.empty()) return;
  // Only where the model takes audio (or is not listed): the description stays prompt text.
  CreateRequest with_audio = request;
  with_audio.audio = true;
  if (check_request_capabilities(ctx, with_audio, offline)) request.audio = true;
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
