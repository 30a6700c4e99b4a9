// `sora-lint: ignore=RULE` lines: silencing lint rules for one prompt. They are never sent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sora::detail {

/// True when `line`, after leading blanks, starts with "sora-lint:" (any case).
bool is_lint_directive(std::string_view line);

/// `text` without its directive lines (each with its line break) and then without trailing line
/// breaks; `text` itself when it has none.
std::string without_directives(std::string_view text);

/// The rule names the directive lines of `text` give, lower case, in order:
/// "sora-lint: ignore=no_camera_move, duration_mismatch" or "sora-lint: ignore no_camera_move".
/// A directive without "ignore" gives its whole text as one name, so the lint reports it.
std::vector<std::string> directive_rules(std::string_view text);

} // namespace sora::detail
