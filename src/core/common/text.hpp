// Small text helpers shared by the core (ASCII only: header names, schemes, status words).
#pragma once

#include <algorithm>
#include <cctype>
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

} // namespace sora::detail
