// The built-in provider profiles (docs/providers.md, compatible-servers.md section 4) and the
// names of the request-shape settings.
#include "common/text.hpp"

#include <sora/profile.hpp>

#include <algorithm>

namespace sora {
namespace {

/// OpenAI's published Sora 2 limits (the same lists validate.cpp enforces).
std::vector<VideoModelInfo> openai_models() {
  VideoModelInfo sora2;
  sora2.id = sora2.name = "sora-2";
  sora2.durations = {4, 8, 12, 16, 20};
  sora2.sizes = {"720x1280", "1280x720"};
  sora2.frame_images = {"first_frame"};
  sora2.audio = true;
  sora2.seed = false;
  VideoModelInfo pro = sora2;
  pro.id = pro.name = "sora-2-pro";
  pro.sizes = {"720x1280", "1280x720", "1024x1792", "1792x1024", "1080x1920", "1920x1080"};
  return {sora2, pro};
}

constexpr Operation k_operations[] = {Operation::remix, Operation::extend, Operation::edit,
                                      Operation::list, Operation::remove};

std::map<Operation, bool> all_operations(bool known) {
  std::map<Operation, bool> out;
  for (auto operation : k_operations)
    out[operation] = known;
  return out;
}

// Longer than 80 lines: it is data, one block of settings per provider (docs/providers.md), kept
// in one place so the profiles can be read side by side.
std::vector<Profile> make_builtin_profiles() {
  std::vector<Profile> all;

  Profile openai;
  openai.name = "openai";
  openai.description = "OpenAI's hosted API: the reference shape (shut down on 2026-09-24)";
  openai.base_url = std::string(k_default_base_url);
  openai.api_key_env = "OPENAI_API_KEY";
  openai.known_models = openai_models();
  openai.operations = all_operations(true); // edits and extensions since March 2026
  all.push_back(openai);

  Profile litellm;
  litellm.name = "litellm";
  litellm.description = "LiteLLM proxy (self-hosted gateway to many video models)";
  litellm.api_key_env = "LITELLM_API_KEY";
  litellm.style.openai_enums = false;
  litellm.operations = all_operations(true); // per backend; its routes mirror OpenAI's
  all.push_back(litellm);

  Profile vllm;
  vllm.name = "vllm-omni";
  vllm.description = "vLLM-Omni (vllm serve MODEL --omni): multipart only, one model per server";
  vllm.base_url = "http://127.0.0.1:8091/v1";
  vllm.auth = AuthScheme::none;
  vllm.style.encoding = Encoding::multipart;
  vllm.style.image_url_field = "image_reference";
  vllm.style.send_model = false;
  vllm.style.openai_enums = false;
  vllm.style.portable.seed = "seed"; // form fields of its /v1/videos
  vllm.style.portable.negative_prompt = "negative_prompt";
  vllm.operations = {{Operation::remix, false},
                     {Operation::extend, false},
                     {Operation::edit, false},
                     {Operation::list, true},
                     {Operation::remove, true}};
  all.push_back(vllm);

  Profile sglang;
  sglang.name = "sglang";
  sglang.description = "SGLang diffusion server (sglang serve): JSON, seconds as an integer";
  sglang.base_url = "http://127.0.0.1:30010/v1";
  sglang.auth = AuthScheme::none;
  sglang.style.image_shape = ImageShape::url;
  sglang.style.duration_type = DurationType::integer;
  sglang.style.openai_enums = false;
  sglang.style.portable.seed = "seed";
  sglang.style.portable.negative_prompt = "negative_prompt";
  sglang.operations = vllm.operations; // a remix request model, but no route
  all.push_back(sglang);

  Profile new_api;
  new_api.name = "new-api";
  new_api.description = "new-api gateways and the resellers built on it (CometAPI, LaoZhang, ...)";
  new_api.style.image_shape = ImageShape::url;
  new_api.style.openai_enums = false;
  // Remix is forwarded to the job's own channel; edits and extensions depend on the channel.
  new_api.operations = {
      {Operation::remix, true}, {Operation::list, false}, {Operation::remove, false}};
  all.push_back(new_api);

  Profile openrouter;
  openrouter.name = "openrouter";
  openrouter.description = "OpenRouter: JSON only, duration as an integer, frame_images";
  openrouter.base_url = "https://openrouter.ai/api/v1";
  openrouter.api_key_env = "OPENROUTER_API_KEY";
  openrouter.style.encoding = Encoding::json;
  openrouter.style.image_field = "frame_images";
  openrouter.style.image_shape = ImageShape::openrouter_frames;
  openrouter.style.duration_field = "duration";
  openrouter.style.duration_type = DurationType::integer;
  openrouter.style.openai_enums = false;
  // The members of the SDK's VideoGenerationRequest (@openrouter/sdk 1.3.19).
  openrouter.style.portable.aspect_ratio = "aspect_ratio";
  openrouter.style.portable.resolution = "resolution";
  openrouter.style.portable.audio = "generate_audio";
  openrouter.style.portable.seed = "seed";
  openrouter.style.portable.references = "input_references";
  openrouter.style.portable.last_frame = true;
  openrouter.lists_models = true;
  openrouter.callback_field = "callback_url";
  openrouter.operations = all_operations(false);
  all.push_back(openrouter);

  Profile together;
  together.name = "together";
  together.description = "Together AI (/v2): JSON only, frame_images";
  together.base_url = "https://api.together.ai/v2"; // the SDK's (together-ai 0.52.0)
  together.api_key_env = "TOGETHER_API_KEY";
  together.style.encoding = Encoding::json;
  together.style.image_field = "frame_images";
  together.style.image_shape = ImageShape::together_frames;
  together.style.openai_enums = false;
  // The members of the SDK's VideoCreateParams (together-ai 0.52.0): width and height (no size);
  // frame and reference images inside `media` (the top-level ones are deprecated there).
  together.style.size_as_width_height = true;
  together.style.media_field = "media";
  together.style.portable.aspect_ratio = "ratio";
  together.style.portable.resolution = "resolution";
  together.style.portable.audio = "generate_audio";
  together.style.portable.seed = "seed";
  together.style.portable.negative_prompt = "negative_prompt";
  together.style.portable.references = "reference_images";
  together.style.portable.last_frame = true;
  // No remix, edits or extensions in its API; list and delete unconfirmed.
  together.operations = {
      {Operation::remix, false}, {Operation::extend, false}, {Operation::edit, false}};
  all.push_back(together);

  Profile azure;
  azure.name = "azure";
  azure.description = "Azure OpenAI Sora 2, https://RES.openai.azure.com/openai/v1 (retired "
                      "2026-09-15)";
  azure.auth = AuthScheme::header;
  azure.auth_header = "api-key";
  azure.api_key_env = "AZURE_OPENAI_API_KEY";
  azure.style.openai_enums = false;
  // Sora 2 on Azure had remix, list and delete; edits and extensions came after it was retired.
  azure.operations = {{Operation::remix, true}, {Operation::list, true}, {Operation::remove, true}};
  all.push_back(azure);
  return all;
}

} // namespace

const std::vector<Profile>& builtin_profiles() {
  static const std::vector<Profile> profiles = make_builtin_profiles();
  return profiles;
}

const Profile* find_builtin_profile(std::string_view name) noexcept {
  const auto& all = builtin_profiles();
  auto it = std::find_if(all.begin(), all.end(), [&](const Profile& p) { return p.name == name; });
  return it == all.end() ? nullptr : &*it;
}

std::string_view to_string(Operation operation) noexcept {
  switch (operation) {
  case Operation::remix:
    return "remix";
  case Operation::extend:
    return "extend";
  case Operation::edit:
    return "edit";
  case Operation::list:
    return "list";
  case Operation::remove:
    return "delete";
  }
  return "remix";
}

std::optional<Operation> parse_operation(std::string_view text) noexcept {
  for (auto operation : k_operations)
    if (text == to_string(operation)) return operation;
  return std::nullopt;
}

Result<void> check_operation(const Profile& profile, Operation operation) {
  auto known = profile.operations.find(operation);
  if (known == profile.operations.end() || known->second) return {};
  const std::string name(to_string(operation));
  Error error;
  error.code = ErrorCode::invalid_argument;
  error.request_sent = false;
  error.message = "The profile '" + profile.name + "' is known not to have " + name +
                  ": its server offers no such operation. Nothing was sent.";
  error.setting = "profile";
  for (const auto& p : builtin_profiles())
    if (auto it = p.operations.find(operation); it != p.operations.end() && it->second)
      error.hint_values.push_back(p.name);
  std::string with;
  for (const auto& p : error.hint_values)
    with += (with.empty() ? "" : ", ") + p;
  error.hint = "Start the new video from the source's last frame instead, or use a profile whose "
               "server has " +
               name + " (`profile` " + with + ").";
  return unexpected(std::move(error));
}

std::string auth_to_string(AuthScheme scheme, std::string_view header) {
  switch (scheme) {
  case AuthScheme::bearer:
    return "bearer";
  case AuthScheme::header:
    return "header:" + std::string(header);
  case AuthScheme::raw:
    return "raw";
  case AuthScheme::key:
    return "key";
  case AuthScheme::none:
    return "none";
  }
  return "bearer";
}

bool parse_auth(std::string_view text, AuthScheme& scheme, std::string& header) {
  std::string lower = detail::ascii_lower(text);
  if (lower.starts_with("header:")) {
    std::string_view name = text.substr(7);
    bool token = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
    if (!token) return false;
    scheme = AuthScheme::header;
    header = std::string(name);
    return true;
  }
  static constexpr std::pair<std::string_view, AuthScheme> k_names[] = {
      {"bearer", AuthScheme::bearer},
      {"raw", AuthScheme::raw},
      {"key", AuthScheme::key},
      {"none", AuthScheme::none}};
  for (const auto& [name, value] : k_names)
    if (lower == name) {
      scheme = value;
      header.clear();
      return true;
    }
  return false;
}

std::string_view to_string(ImageShape shape) noexcept {
  switch (shape) {
  case ImageShape::object:
    return "object";
  case ImageShape::url:
    return "url";
  case ImageShape::openrouter_frames:
    return "openrouter-frames";
  case ImageShape::together_frames:
    return "together-frames";
  }
  return "object";
}

std::optional<ImageShape> parse_image_shape(std::string_view text) noexcept {
  for (auto shape : {ImageShape::object, ImageShape::url, ImageShape::openrouter_frames,
                     ImageShape::together_frames})
    if (text == to_string(shape)) return shape;
  return std::nullopt;
}

std::string_view to_string(Encoding encoding) noexcept {
  switch (encoding) {
  case Encoding::automatic:
    return "auto";
  case Encoding::multipart:
    return "multipart";
  case Encoding::json:
    return "json";
  }
  return "auto";
}

std::optional<Encoding> parse_encoding(std::string_view text) noexcept {
  for (auto encoding : {Encoding::automatic, Encoding::multipart, Encoding::json})
    if (text == to_string(encoding)) return encoding;
  return std::nullopt;
}

} // namespace sora
