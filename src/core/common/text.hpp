// Small text helpers shared by the core: ASCII case (header names, schemes, status words) and
// the one-line prompt head the journal stores.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>

namespace sora::detail {

/// `text` with ASCII letters in lower case.
inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// How many characters of a prompt the journal stores, and an interrupted create is matched by.
inline constexpr std::size_t k_prompt_head_chars = 80;

/// The first `chars` UTF-8 characters of `text` on one line (line breaks and tabs as spaces).
inline std::string one_line_head(std::string_view text, std::size_t chars = k_prompt_head_chars) {
  std::string out;
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size() && count < chars; ++count) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    out.append(text.substr(i, n));
    i += n;
  }
  for (char& c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

} // namespace sora::detail
