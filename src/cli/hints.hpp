// The words users see for the core's neutral errors: setting names become flags, hint kinds become
// remedies naming flags, environment variables and `sora` commands. The one table that does it.
#pragma once

#include <sora/error.hpp>

#include <string>
#include <string_view>

namespace sora::cli {

/// The flag (or other words) the CLI uses for a neutral setting name, e.g. "size" -> "--size";
/// "" for a name the CLI does not know.
std::string_view flag_for_setting(std::string_view setting) noexcept;

/// `text` with every backquoted setting name (`` `size` ``) replaced by its flag ("--size").
/// Backquoted words that are not settings stay as they are.
std::string cli_words(std::string_view text);

/// The message of `error` in the CLI's words.
std::string message_for(const Error& error);

/// The hint of `error` in the CLI's words: from the hints table when its kind has an entry there,
/// else the core's hint with setting names replaced. "" when there is none.
std::string hint_for(const Error& error);

} // namespace sora::cli
