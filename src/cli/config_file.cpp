// config.toml: read with toml++, checked key by key so a typo names its line.
#include "config_file.hpp"

#include <sora/client.hpp>
#include <sora/profile.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

namespace sora::cli {
namespace {

std::string comma_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items)
    out += (out.empty() ? "" : ", ") + item;
  return out;
}

Unexpected bad(const std::string& path, const toml::source_region& where, const std::string& what,
               const std::string& hint) {
  return unexpected(ErrorCode::invalid_argument,
                    path + ":" + std::to_string(where.begin.line) + ": " + what, hint);
}

const std::string k_hint = "Fix the config file (see docs/cli.md \"Config file\"), or point "
                           "SORA_CONFIG at another one.";

Result<std::string> string_value(const std::string& path, const std::string& key,
                                 const toml::node& node) {
  if (auto s = node.value<std::string>()) return *s;
  return bad(path, node.source(), "'" + key + "' must be a string.", k_hint);
}

Result<std::vector<std::pair<std::string, std::string>>>
string_table(const std::string& path, const std::string& key, const toml::node& node) {
  const auto* table = node.as_table();
  if (!table)
    return bad(path, node.source(), "'" + key + "' must be a table of strings.",
               "Write " + key + " = { Name = \"value\" }.");
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, value] : *table) {
    auto text = value.value<std::string>();
    if (!text)
      return bad(path, value.source(),
                 "'" + key + "." + std::string(name.str()) + "' must be a string.", k_hint);
    out.emplace_back(std::string(name.str()), *text);
  }
  return out;
}

// `operations = { remix = false, extend = true }`: known operation names, true or false each.
Result<std::vector<std::pair<std::string, bool>>> operation_table(const std::string& path,
                                                                  const toml::node& node) {
  const std::string valid = "remix, extend, edit, list or delete";
  const auto* table = node.as_table();
  if (!table)
    return bad(path, node.source(), "'operations' must be a table of true or false.",
               "Write operations = { remix = false, extend = true } (names: " + valid + ").");
  std::vector<std::pair<std::string, bool>> out;
  for (const auto& [name, value] : *table) {
    std::string operation(name.str());
    if (!parse_operation(operation))
      return bad(path, value.source(), "unknown operation '" + operation + "' in 'operations'.",
                 "Use " + valid + ".");
    auto known = value.value<bool>();
    if (!known)
      return bad(path, value.source(), "'operations." + operation + "' must be true or false.",
                 "true: the server has it; false: it does not (refused before sending).");
    out.emplace_back(operation, *known);
  }
  return out;
}

// Checks a value against the words it may take.
Result<void> check_word(const std::string& path, const toml::node& node, const std::string& key,
                        const std::string& value, bool ok, const std::string& valid) {
  if (ok) return {};
  return bad(path, node.source(), "'" + value + "' is not a valid " + key + ".",
             "Use " + valid + ".");
}

Result<ConfigProfile> read_profile(const std::string& path, const std::string& name,
                                   const toml::table& table) {
  ConfigProfile p;
  const auto& keys = config_profile_keys();
  for (const auto& [key_view, node] : table) {
    std::string key(key_view.str());
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      return bad(path, node.source(), "unknown key '" + key + "' in [profiles." + name + "].",
                 "Valid keys: " + comma_list(keys) + ".");
    if (key == "headers" || key == "query") {
      auto table_value = string_table(path, key, node);
      if (!table_value) return unexpected(table_value.error());
      (key == "headers" ? p.headers : p.query) = std::move(*table_value);
      continue;
    }
    if (key == "operations") {
      auto table_value = operation_table(path, node);
      if (!table_value) return unexpected(table_value.error());
      p.operations = std::move(*table_value);
      continue;
    }
    if (key == "send_model") {
      auto flag = node.value<bool>();
      if (!flag) return bad(path, node.source(), "'send_model' must be true or false.", k_hint);
      p.send_model = *flag;
      continue;
    }
    if (key == "seconds" && node.is_integer()) {
      p.seconds = std::to_string(node.value<std::int64_t>().value_or(0));
      continue;
    }
    auto text = string_value(path, key, node);
    if (!text) return unexpected(text.error());
    std::string v = std::move(*text);
    Result<void> ok;
    if (key == "auth") {
      AuthScheme scheme{};
      std::string header;
      ok = check_word(path, node, key, v, parse_auth(v, scheme, header),
                      "bearer, header:NAME, raw, key or none");
    } else if (key == "encoding") {
      ok = check_word(path, node, key, v, parse_encoding(v).has_value(), "auto, multipart or json");
    } else if (key == "image_shape") {
      ok = check_word(path, node, key, v, parse_image_shape(v).has_value(),
                      "object, url, openrouter-frames or together-frames");
    } else if (key == "duration_type") {
      ok = check_word(path, node, key, v, v == "string" || v == "int", "string or int");
    } else if (key == "base_url") {
      ok = check_word(path, node, key, v, is_http_url(v), "an http:// or https:// URL");
    }
    if (!ok) return unexpected(ok.error());
    if (key == "api_key_file" && !v.empty()) {
      std::filesystem::path file = v;
      if (v.starts_with("~/") && std::getenv("HOME"))
        file = std::filesystem::path(std::getenv("HOME")) / v.substr(2);
      else if (file.is_relative())
        file = std::filesystem::path(path).parent_path() / file;
      v = file.string();
    }
    std::optional<std::string>* slot = key == "description"       ? &p.description
                                       : key == "base_url"        ? &p.base_url
                                       : key == "api_key_env"     ? &p.api_key_env
                                       : key == "api_key_file"    ? &p.api_key_file
                                       : key == "auth"            ? &p.auth
                                       : key == "encoding"        ? &p.encoding
                                       : key == "image_field"     ? &p.image_field
                                       : key == "image_url_field" ? &p.image_url_field
                                       : key == "image_shape"     ? &p.image_shape
                                       : key == "duration_field"  ? &p.duration_field
                                       : key == "duration_type"   ? &p.duration_type
                                       : key == "model"           ? &p.model
                                       : key == "size"            ? &p.size
                                                                  : &p.seconds;
    *slot = std::move(v);
  }
  return p;
}

} // namespace

const std::vector<std::string>& config_profile_keys() {
  static const std::vector<std::string> keys{
      "description", "base_url",       "api_key_env",   "api_key_file", "auth",
      "headers",     "query",          "encoding",      "image_field",  "image_url_field",
      "image_shape", "duration_field", "duration_type", "send_model",   "model",
      "size",        "seconds",        "operations"};
  return keys;
}

std::string config_path(const char* sora_config, const char* xdg_config_home, const char* home,
                        bool& explicit_path) {
  explicit_path = sora_config && *sora_config;
  if (explicit_path) return sora_config;
  if (xdg_config_home && *xdg_config_home)
    return (std::filesystem::path(xdg_config_home) / "sora" / "config.toml").string();
  if (home && *home)
    return (std::filesystem::path(home) / ".config" / "sora" / "config.toml").string();
  return {};
}

constexpr const char* k_prices_hint =
    "Write prices as [prices.\"MODEL\"] tables of \"WxH\" (or \"*\" for every size) = USD per "
    "second, e.g. [prices.\"sora-2\"] then \"720x1280\" = 0.10.";

Result<ConfigFile> parse_config(const std::string& text, const std::string& path) {
  ConfigFile config;
  config.path = path;
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return unexpected(ErrorCode::invalid_argument,
                      path + ":" + std::to_string(e.source().begin.line) + ": " +
                          std::string(e.description()),
                      k_hint);
  }
  for (const auto& [key_view, node] : root) {
    std::string key(key_view.str());
    if (key == "profile") {
      auto name = string_value(path, key, node);
      if (!name) return unexpected(name.error());
      config.profile = *name;
    } else if (key == "profiles") {
      const auto* profiles = node.as_table();
      if (!profiles)
        return bad(path, node.source(), "'profiles' must hold [profiles.NAME] tables.", k_hint);
      for (const auto& [name_view, entry] : *profiles) {
        std::string name(name_view.str());
        const auto* table = entry.as_table();
        if (!table)
          return bad(path, entry.source(), "'profiles." + name + "' must be a table.",
                     "Write [profiles." + name + "] followed by its keys.");
        auto profile = read_profile(path, name, *table);
        if (!profile) return unexpected(profile.error());
        config.profiles[name] = std::move(*profile);
      }
    } else if (key == "prices") {
      const auto* models = node.as_table();
      if (!models)
        return bad(path, node.source(), "'prices' must hold [prices.MODEL] tables.", k_prices_hint);
      for (const auto& [model_view, entry] : *models) {
        std::string model(model_view.str());
        const auto* sizes = entry.as_table();
        if (!sizes)
          return bad(path, entry.source(), "'prices." + model + "' must be a table of sizes.",
                     k_prices_hint);
        for (const auto& [size_view, price] : *sizes) {
          auto usd = price.value<double>(); // integers convert too
          if (!usd || !std::isfinite(*usd) || *usd < 0)
            return bad(path, price.source(),
                       "the price of " + model + " at " + std::string(size_view.str()) +
                           " must be a number of US dollars per second, 0 or more.",
                       k_prices_hint);
          config.prices.push_back({model, std::string(size_view.str()), *usd});
        }
      }
    } else {
      return bad(path, node.source(), "unknown top-level key '" + key + "'.",
                 "Valid top-level keys: profile, [profiles.NAME] and [prices.MODEL] tables.");
    }
  }
  return config;
}

Result<ConfigFile> load_config(const std::string& path, bool must_exist) {
  ConfigFile empty;
  if (path.empty()) return empty;
  std::error_code ec;
  bool exists = std::filesystem::exists(path, ec);
  if (ec) // e.g. a $HOME or config folder this user may not enter
    return unexpected(ErrorCode::invalid_argument,
                      "Cannot look for the config file " + path + ": " + ec.message() + ".",
                      "Check the folder's permissions (is HOME or XDG_CONFIG_HOME another "
                      "user's?), or point SORA_CONFIG at a readable file.");
  if (!exists) {
    if (!must_exist) return empty;
    return unexpected(ErrorCode::invalid_argument, "The config file " + path + " does not exist.",
                      "Fix SORA_CONFIG, or unset it to use ~/.config/sora/config.toml.");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return unexpected(ErrorCode::invalid_argument, "Cannot read the config file " + path + ".",
                      "Check the file's permissions.");
  std::stringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

} // namespace sora::cli
