// Credential masking for diagnostics.
#include "transport/redact.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace sora::detail {

bool is_secret_header(std::string_view name) {
  static constexpr std::array<std::string_view, 8> k_secret{
      "authorization",     "proxy-authorization", "api-key", "x-api-key",
      "x-litellm-api-key", "x-goog-api-key",      "cookie",  "set-cookie"};
  std::string lower = ascii_lower(name);
  return std::find(k_secret.begin(), k_secret.end(), lower) != k_secret.end();
}

std::string format_headers(const Headers& headers) {
  std::string out;
  for (const auto& header : headers) {
    out += "  ";
    out += header.name;
    out += ": ";
    out += is_secret_header(header.name) ? "[redacted]" : header.value;
    out += '\n';
  }
  if (!out.empty()) out.pop_back();
  return out;
}

std::string redact(std::string text, std::string_view secret) {
  if (secret.size() < 4) return text;
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
    text.replace(at, secret.size(), "[redacted]");
  return text;
}

} // namespace sora::detail
