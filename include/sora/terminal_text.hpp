// Text from a server or a file, made safe to write to a terminal or a human-readable line.
#pragma once

#include <string>
#include <string_view>

namespace sora {

/// `text` with nothing a terminal would act on: C0 controls, DEL, C1 controls (U+0080-U+009F) and
/// bidirectional overrides become visible escapes (`\e`, `\a`, `\r`, `\n`, `\t`, `\x7f`,
/// `\u009b`, `\u202e`), and bytes that are not valid UTF-8 become `\xNN`. Printable ASCII and
/// other valid UTF-8 pass unchanged, so an ordinary id or message looks the same. The result is
/// valid UTF-8 and never holds a byte below 0x20 or 0x7F.
std::string terminal_safe(std::string_view text);

/// The same, but keeps line feeds and tabs as they are: for multi-line messages.
std::string terminal_safe_lines(std::string_view text);

/// True when terminal_safe(text) == text.
bool is_terminal_safe(std::string_view text) noexcept;

} // namespace sora
