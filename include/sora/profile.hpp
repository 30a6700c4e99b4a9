// Built-in provider profiles: how to reach and shape requests for each server that speaks the
// Videos API (docs/providers.md). The CLI layers its config file, environment and flags on top.
#pragma once

#include <sora/client.hpp>
#include <sora/models.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sora {

/// The Videos API operations a server may lack (tolerance rule 25: capabilities, not guarantees).
enum class Operation { remix, extend, edit, list, remove };

/// "remix", "extend", "edit", "list", "delete".
std::string_view to_string(Operation operation) noexcept;
/// The operation named by `text` (the names above), or nullopt.
std::optional<Operation> parse_operation(std::string_view text) noexcept;

/// One provider's settings. Empty strings mean "not set".
struct Profile {
  std::string name;        ///< e.g. "openrouter"
  std::string description; ///< one line for `sora profiles`
  std::string base_url;    ///< empty: the user must give one (self-hosted gateways)
  AuthScheme auth = AuthScheme::bearer;
  std::string auth_header; ///< for AuthScheme::header
  std::string api_key_env; ///< environment variable holding this provider's key, if any
  std::string api_key_file;
  RequestStyle style;
  std::optional<std::string> model; ///< default model for create
  std::optional<std::string> size;
  std::optional<std::string> seconds;
  /// What the profile knows of the server's models, for servers without `GET /videos/models`
  /// (`sora models` marks these as the profile's, not the server's). Empty: nothing known.
  std::vector<VideoModelInfo> known_models;
  /// True when the server lists its models at `GET /videos/models` (OpenRouter).
  bool lists_models = false;
  /// The create request member that carries a per-job callback URL (OpenRouter: `callback_url`);
  /// empty when the provider takes none (OpenAI's webhooks are set up in its dashboard).
  std::string callback_field;
  /// What is known of the server's optional operations: true (it has it), false (known not to).
  /// An operation not in the map is unknown: allowed, and a 404/405/501 answer says the server
  /// does not support it (rule 25).
  std::map<Operation, bool> operations = {};
};

/// The name of the profile used when none is selected.
inline constexpr std::string_view k_default_profile = "openai";

/// openai, litellm, vllm-omni, sglang, new-api, openrouter, together, azure (in that order).
const std::vector<Profile>& builtin_profiles();
/// The built-in profile called `name`, or null.
const Profile* find_builtin_profile(std::string_view name) noexcept;

/// Fails (invalid_argument, nothing sent) when `profile` is known not to have `operation`,
/// naming both; setting "profile", with the built-in profiles that have it as `hint_values`.
Result<void> check_operation(const Profile& profile, Operation operation);

/// The portable create options set in `request` ("aspect ratio", "resolution", "last frame",
/// "reference images", "audio", "seed", "negative prompt") that `style` has no field for.
std::vector<std::string> inexpressible_options(const CreateRequest& request,
                                               const RequestStyle& style);

/// "bearer", "header:NAME", "raw", "key", "none".
std::string auth_to_string(AuthScheme scheme, std::string_view header = {});
/// Parses an auth setting; false when it is none of the forms above (`header:` needs a name).
bool parse_auth(std::string_view text, AuthScheme& scheme, std::string& header);

} // namespace sora
