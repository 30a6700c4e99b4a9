// Resolving the effective settings from built-in profiles, the config file, the environment and
// flags (flags > env > config profile > built-in profile > defaults), remembering where each
// came from for `sora config show`.
#pragma once

#include "config_file.hpp"

#include <sora/profile.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sora::cli {

/// The flags that take part (empty: not given).
struct SettingFlags {
  std::string profile;
  std::string base_url;
  std::string api_key_file;
};

/// Reads an environment variable; nullopt when unset or empty.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

/// One line of `sora config show`.
struct SettingRow {
  std::string key;
  std::string value; ///< for display: the key is never shown, secret headers are redacted
  std::string source;
};

struct Settings {
  std::string profile;                ///< the selected profile's name
  Profile effective;                  ///< merged profile (base_url, auth, style, defaults)
  bool openai_profile = false;        ///< the built-in openai profile (env OPENAI_* apply)
  std::string api_key_env;            ///< which variable the key came from, if it came from one
  std::string api_key_file;           ///< which file the key comes from (flag or config), if any
  std::string api_key_source;         ///< "" when there is no key
  std::optional<std::string> api_key; ///< set when read (env keys always; files on demand)
  /// The profile needs no key (a self-hosted server without auth) but sends one when given.
  bool key_optional = false;
  std::vector<SettingRow> rows; ///< every setting, in display order
};

/// Every profile name: the built-in ones, then config-only ones, sorted.
std::vector<std::string> profile_names(const ConfigFile& file);

/// Resolves the settings. Fails (invalid_argument, a usage error) for an unknown profile,
/// listing the names. Key files are not read here (see read_key_file).
Result<Settings> resolve_settings(const ConfigFile& file, const SettingFlags& flags,
                                  const EnvLookup& env);

} // namespace sora::cli
