// Layering of profiles, config, environment and flags.
#include "settings.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace sora::cli {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool secret_name(const std::string& name) {
  std::string n = lower(name);
  return n == "authorization" || n == "proxy-authorization" || n == "cookie" ||
         n.find("key") != std::string::npos || n.find("token") != std::string::npos ||
         n.find("secret") != std::string::npos;
}

std::string show_pairs(const std::vector<std::pair<std::string, std::string>>& pairs,
                       char separator) {
  std::string out;
  for (const auto& [name, value] : pairs)
    out += (out.empty() ? "" : ", ") + name + separator +
           (secret_name(name) ? std::string("[redacted]") : value);
  return out.empty() ? "(none)" : out;
}

// What the profile knows of its server's optional operations, for `sora config`.
std::string describe_operations(const std::map<Operation, bool>& operations) {
  std::string has;
  std::string lacks;
  for (const auto& [operation, known] : operations) {
    std::string& list = known ? has : lacks;
    list += (list.empty() ? "" : ", ") + std::string(to_string(operation));
  }
  std::string out = has.empty() ? "" : "has " + has;
  if (!lacks.empty()) out += (out.empty() ? "" : "; ") + std::string("lacks ") + lacks;
  if (operations.size() < 5) out += out.empty() ? "unknown" : "; others unknown";
  return out;
}

} // namespace

std::vector<std::string> profile_names(const ConfigFile& file) {
  std::vector<std::string> names;
  for (const auto& p : builtin_profiles())
    names.push_back(p.name);
  for (const auto& [name, _] : file.profiles)
    if (!find_builtin_profile(name)) names.push_back(name);
  return names;
}

Result<Settings> resolve_settings(const ConfigFile& file, const SettingFlags& flags,
                                  const EnvLookup& env) {
  Settings s;
  std::string profile_source;
  if (!flags.profile.empty()) {
    s.profile = flags.profile;
    profile_source = "flag --profile";
  } else if (auto from_env = env("SORA_PROFILE")) {
    s.profile = *from_env;
    profile_source = "env SORA_PROFILE";
  } else if (file.profile) {
    s.profile = *file.profile;
    profile_source = "config " + file.path;
  } else {
    s.profile = std::string(k_default_profile);
    profile_source = "default";
  }

  const Profile* builtin = find_builtin_profile(s.profile);
  auto configured = file.profiles.find(s.profile);
  const ConfigProfile* cp = configured == file.profiles.end() ? nullptr : &configured->second;
  if (!builtin && !cp) {
    std::string names;
    for (const auto& name : profile_names(file))
      names += (names.empty() ? "" : ", ") + name;
    return unexpected(ErrorCode::invalid_argument,
                      "Unknown profile '" + s.profile + "' (from " + profile_source + ").",
                      "Use one of: " + names + "; or add [profiles." + s.profile + "] to " +
                          (file.path.empty() ? std::string("the config file") : file.path) +
                          ". See 'sora profiles'.");
  }
  s.openai_profile = s.profile == k_default_profile;

  // Start from the built-in profile, or from the defaults (a profile only the config defines:
  // OpenAI's request shape, no OpenAI value checks).
  Profile& p = s.effective;
  std::string base_source = builtin ? "built-in profile " + s.profile : "default";
  if (builtin) {
    p = *builtin;
  } else {
    p.name = s.profile;
    p.style.openai_enums = false;
  }
  std::map<std::string, std::string> source;
  for (const auto& key : config_profile_keys())
    source[key] = base_source;
  source["openai_checks"] = base_source;

  if (cp) {
    std::string from = "config " + file.path + " [profiles." + s.profile + "]";
    auto take = [&](const std::optional<std::string>& value, std::string& slot, const char* key) {
      if (!value) return;
      slot = *value;
      source[key] = from;
    };
    take(cp->description, p.description, "description");
    take(cp->base_url, p.base_url, "base_url");
    take(cp->api_key_env, p.api_key_env, "api_key_env");
    take(cp->api_key_file, p.api_key_file, "api_key_file");
    if (cp->auth) {
      (void)parse_auth(*cp->auth, p.auth, p.auth_header); // checked when the file was read
      source["auth"] = from;
    }
    if (cp->headers) {
      p.style.headers.clear();
      for (const auto& [name, value] : *cp->headers)
        p.style.headers.push_back({name, value});
      source["headers"] = from;
    }
    if (cp->query) {
      p.style.query = *cp->query;
      source["query"] = from;
    }
    if (cp->encoding) {
      p.style.encoding = parse_encoding(*cp->encoding).value_or(Encoding::automatic);
      source["encoding"] = from;
    }
    take(cp->image_field, p.style.image_field, "image_field");
    take(cp->image_url_field, p.style.image_url_field, "image_url_field");
    if (cp->image_shape) {
      p.style.image_shape = parse_image_shape(*cp->image_shape).value_or(ImageShape::object);
      source["image_shape"] = from;
    }
    take(cp->duration_field, p.style.duration_field, "duration_field");
    if (cp->duration_type) {
      p.style.duration_type =
          *cp->duration_type == "int" ? DurationType::integer : DurationType::string;
      source["duration_type"] = from;
    }
    if (cp->send_model) {
      p.style.send_model = *cp->send_model;
      source["send_model"] = from;
    }
    auto take_opt = [&](const std::optional<std::string>& value, std::optional<std::string>& slot,
                        const char* key) {
      if (!value) return;
      slot = value->empty() ? std::nullopt : value;
      source[key] = from;
    };
    take_opt(cp->model, p.model, "model");
    take_opt(cp->size, p.size, "size");
    take_opt(cp->seconds, p.seconds, "seconds");
    for (const auto& [name, known] : cp->operations)
      if (auto operation = parse_operation(name)) p.operations[*operation] = known;
    if (!cp->operations.empty()) source["operations"] = from;
  }

  // Environment, then flags.
  if (auto url = env("SORA_BASE_URL")) {
    p.base_url = *url;
    source["base_url"] = "env SORA_BASE_URL";
  } else if (auto openai_url = s.openai_profile ? env("OPENAI_BASE_URL") : std::nullopt) {
    p.base_url = *openai_url;
    source["base_url"] = "env OPENAI_BASE_URL";
  }
  if (!flags.base_url.empty()) {
    p.base_url = flags.base_url;
    source["base_url"] = "flag --base-url";
  }

  // The key: an explicit --api-key-file wins over the environment, so a key meant for one
  // provider is not sent to another by accident; then SORA_API_KEY, then the profile's variable,
  // then the profile's file.
  if (!flags.api_key_file.empty()) {
    s.api_key_file = flags.api_key_file;
    s.api_key_source = "flag --api-key-file " + flags.api_key_file;
  } else if (auto key = env("SORA_API_KEY")) {
    s.api_key = *key;
    s.api_key_env = "SORA_API_KEY";
  } else if (auto own = p.api_key_env.empty() ? std::nullopt : env(p.api_key_env)) {
    s.api_key = *own;
    s.api_key_env = p.api_key_env;
  } else if (!p.api_key_file.empty()) {
    s.api_key_file = p.api_key_file;
    s.api_key_source = "api_key_file " + p.api_key_file + " (" + source["api_key_file"] + ")";
  }
  if (!s.api_key_env.empty()) s.api_key_source = "env " + s.api_key_env;

  // A built-in profile without auth (a self-hosted server) still sends a key the user gave, as
  // Bearer: only a configured auth = "none" keeps it back.
  bool auth_configured = cp && cp->auth;
  if (builtin && builtin->auth == AuthScheme::none && !auth_configured) {
    s.key_optional = true;
    if (!s.api_key_source.empty()) {
      p.auth = AuthScheme::bearer;
      source["auth"] = "built-in profile " + s.profile + " (none needed; the key given is sent)";
    }
  }

  auto row = [&](std::string key, std::string value, std::string from) {
    s.rows.push_back({std::move(key), std::move(value), std::move(from)});
  };
  auto opt = [](const std::optional<std::string>& v) { return v ? *v : std::string("(not set)"); };
  row("profile", s.profile, profile_source);
  row("config_file", file.path.empty() ? "(none)" : file.path, "");
  row("base_url", p.base_url.empty() ? "(not set)" : p.base_url, source["base_url"]);
  row("auth", auth_to_string(p.auth, p.auth_header), source["auth"]);
  row("api_key", s.api_key_source.empty() ? "(none)" : "present [redacted]", s.api_key_source);
  row("api_key_env", p.api_key_env.empty() ? "(not set)" : p.api_key_env, source["api_key_env"]);
  row("api_key_file", p.api_key_file.empty() ? "(not set)" : p.api_key_file,
      source["api_key_file"]);
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& h : p.style.headers)
    headers.emplace_back(h.name, h.value);
  row("headers", show_pairs(headers, ':'), source["headers"]);
  row("query", show_pairs(p.style.query, '='), source["query"]);
  row("encoding", std::string(to_string(p.style.encoding)), source["encoding"]);
  row("image_field", p.style.image_field, source["image_field"]);
  row("image_url_field",
      p.style.image_url_field.empty() ? "(image_field)" : p.style.image_url_field,
      source["image_url_field"]);
  row("image_shape", std::string(to_string(p.style.image_shape)), source["image_shape"]);
  row("duration_field", p.style.duration_field, source["duration_field"]);
  row("duration_type", p.style.duration_type == DurationType::integer ? "int" : "string",
      source["duration_type"]);
  row("send_model", p.style.send_model ? "true" : "false", source["send_model"]);
  row("openai_checks", p.style.openai_enums ? "errors" : "warnings", source["openai_checks"]);
  row("model", opt(p.model), source["model"]);
  row("size", opt(p.size), source["size"]);
  row("seconds", opt(p.seconds), source["seconds"]);
  row("operations", describe_operations(p.operations), source["operations"]);
  return s;
}

} // namespace sora::cli
