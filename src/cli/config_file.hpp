// The user's config file (config.toml): a default profile and [profiles.NAME] tables. Parsed with
// toml++ here, in the CLI only; the core sees the resolved ClientConfig.
#pragma once

#include <sora/cost.hpp>
#include <sora/result.hpp>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sora::cli {

/// One [profiles.NAME] table; unset keys are nullopt (or empty for tables).
struct ConfigProfile {
  std::optional<std::string> description;
  std::optional<std::string> base_url;
  std::optional<std::string> api_key_env;
  std::optional<std::string> api_key_file; ///< made absolute against the file's folder
  std::optional<std::string> auth;
  std::optional<std::vector<std::pair<std::string, std::string>>> headers;
  std::optional<std::vector<std::pair<std::string, std::string>>> query;
  std::optional<std::string> encoding;
  std::optional<std::string> image_field;
  std::optional<std::string> image_url_field;
  std::optional<std::string> image_shape;
  std::optional<std::string> duration_field;
  std::optional<std::string> duration_type;
  std::optional<bool> send_model;
  std::optional<std::string> model;
  std::optional<std::string> size;
  std::optional<std::string> seconds; ///< a TOML integer is accepted too
  /// `operations = { remix = false, ... }`: what the server is known to have (or not), by name
  /// ("remix", "extend", "edit", "list", "delete"); names left out keep the built-in profile's.
  std::vector<std::pair<std::string, bool>> operations = {};
};

struct ConfigFile {
  std::string path;                   ///< empty: no file
  std::optional<std::string> profile; ///< top-level `profile = "NAME"`
  std::map<std::string, ConfigProfile> profiles;
  std::vector<PriceEntry> prices; ///< [prices.MODEL] tables: SIZE (or "*") = USD per second
};

/// The keys a [profiles.NAME] table accepts, in documentation order.
const std::vector<std::string>& config_profile_keys();

/// Where the config file is: SORA_CONFIG, else $XDG_CONFIG_HOME/sora/config.toml, else
/// $HOME/.config/sora/config.toml. `explicit_path` tells whether SORA_CONFIG named it.
std::string config_path(const char* sora_config, const char* xdg_config_home, const char* home,
                        bool& explicit_path);

/// Parses the TOML text of `path`. Errors are invalid_argument naming FILE:LINE, the problem and
/// (for unknown keys) the valid ones.
Result<ConfigFile> parse_config(const std::string& text, const std::string& path);
/// Reads and parses `path`. A missing file is an empty config unless `must_exist`.
Result<ConfigFile> load_config(const std::string& path, bool must_exist);

} // namespace sora::cli
