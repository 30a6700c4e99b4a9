// Escaping of untrusted text for terminals: control characters and invalid UTF-8 become visible.
#include <sora/terminal_text.hpp>

#include <cstdint>
#include <optional>

namespace sora {
namespace {

constexpr char k_hex[] = "0123456789abcdef";

// The code point at text[at] and its length, or nullopt when the bytes there are not valid UTF-8
// (overlong forms, surrogates and values past U+10FFFF included).
std::optional<std::pair<char32_t, std::size_t>> decode(std::string_view text, std::size_t at) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(at);
  std::size_t length = lead < 0x80           ? 1
                       : (lead >> 5) == 0x6  ? 2
                       : (lead >> 4) == 0xE  ? 3
                       : (lead >> 3) == 0x1E ? 4
                                             : 0;
  if (length == 0 || at + length > text.size()) return std::nullopt;
  char32_t cp = length == 1 ? lead : lead & (0x7F >> length);
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (byte(at + i) & 0x3F);
  }
  static constexpr char32_t k_min[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < k_min[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  return std::make_pair(cp, length);
}

bool is_bidi_control(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
         cp == 0x200F || cp == 0x061C;
}

void append_u(std::string& out, char32_t cp) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4)
    out += k_hex[(cp >> shift) & 0xF];
}

std::string escape(std::string_view text, bool keep_lines) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    auto decoded = decode(text, at);
    if (!decoded) { // not UTF-8: the byte itself, visibly
      auto b = static_cast<unsigned char>(text[at++]);
      out += "\\x";
      out += k_hex[b >> 4];
      out += k_hex[b & 0xF];
      continue;
    }
    auto [cp, length] = *decoded;
    if (cp < 0x20 || cp == 0x7F) {
      if (keep_lines && (cp == '\n' || cp == '\t')) {
        out += static_cast<char>(cp);
      } else {
        switch (cp) {
        case 0x1B:
          out += "\\e";
          break;
        case 0x07:
          out += "\\a";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          out += "\\x";
          out += k_hex[cp >> 4];
          out += k_hex[cp & 0xF];
        }
      }
    } else if ((cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp)) {
      append_u(out, cp);
    } else {
      out.append(text.substr(at, length));
    }
    at += length;
  }
  return out;
}

} // namespace

std::string terminal_safe(std::string_view text) {
  return escape(text, false);
}

std::string terminal_safe_lines(std::string_view text) {
  return escape(text, true);
}

bool is_terminal_safe(std::string_view text) noexcept {
  for (std::size_t at = 0; at < text.size();) {
    auto decoded = decode(text, at);
    if (!decoded) return false;
    auto [cp, length] = *decoded;
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp)) return false;
    at += length;
  }
  return true;
}

} // namespace sora
