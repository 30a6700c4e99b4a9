// Fuzzes what guards the wire: terminal_safe (text from a server, shown to people), header_problem
// (what may go into a request header) and redact_body (a secret in an answer, however spelled).
// The first byte picks the function; the rest is its input.
#include "fuzz_check.hpp"
#include "transport/redact.hpp"

#include <sora/terminal_text.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

// True when text is valid UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > text.size()) return false;
    char32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      auto d = static_cast<unsigned char>(text[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    static constexpr char32_t k_min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < k_min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

void check_terminal(std::string_view text) {
  std::string safe = sora::terminal_safe(text);
  FUZZ_CHECK(valid_utf8(safe));
  for (char ch : safe) {
    auto c = static_cast<unsigned char>(ch);
    FUZZ_CHECK(c >= 0x20 && c != 0x7F); // no C0 control, no DEL
  }
  FUZZ_CHECK(sora::is_terminal_safe(safe));
  FUZZ_CHECK(sora::terminal_safe(safe) == safe); // escaping is stable
  if (sora::is_terminal_safe(text)) FUZZ_CHECK(safe == text);
  std::string lines = sora::terminal_safe_lines(text);
  FUZZ_CHECK(valid_utf8(lines));
  for (char ch : lines) {
    auto c = static_cast<unsigned char>(ch);
    FUZZ_CHECK(c >= 0x20 ? c != 0x7F : (c == '\n' || c == '\t'));
  }
}

void check_header(std::string_view input) {
  auto split = input.find(':');
  std::string_view name = input.substr(0, split);
  std::string_view value = split == std::string_view::npos ? "" : input.substr(split + 1);
  std::string problem = sora::detail::header_problem(name, value);
  bool breaks = value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos ||
                name.find_first_of(std::string_view("\r\n\0: ", 5)) != std::string_view::npos;
  if (breaks || name.empty()) FUZZ_CHECK(!problem.empty());
  if (problem.empty()) {
    std::string line = std::string(name) + ": " + std::string(value);
    FUZZ_CHECK(line.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos);
  }
}

// The secret: up to the first newline, kept to [0-9A-Z_-] so it cannot overlap "[redacted]";
// the body: the rest.
void check_redact(std::string_view input) {
  auto newline = input.find('\n');
  if (newline == std::string_view::npos) return;
  std::string secret;
  for (char c : input.substr(0, newline))
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-') secret += c;
  if (secret.size() < 4) return;
  sora::Redactor redactor({secret});
  std::string body(input.substr(newline + 1));
  std::string clean = sora::detail::redact_body(redactor, body);
  FUZZ_CHECK(clean.find(secret) == std::string::npos);
  if (body.find(secret) == std::string::npos && body.find('\\') == std::string::npos)
    FUZZ_CHECK(clean == body); // nothing to mask: untouched
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  fuzz_no_throw("wire guards", [&] {
    switch (data[0] % 3) {
    case 0:
      check_terminal(input);
      break;
    case 1:
      check_header(input);
      break;
    default:
      check_redact(input);
    }
  });
  return 0;
}
