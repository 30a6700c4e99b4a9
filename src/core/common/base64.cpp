// Piecewise base64 decoding (see base64.hpp).
#include "common/base64.hpp"

namespace sora::detail {
namespace {

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

} // namespace

bool Base64Decoder::feed(std::string_view text, std::string& out) {
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      m_padded = true;
      continue;
    }
    int v = sextet(c);
    if (v < 0 || m_padded) return false;
    m_bits = (m_bits << 6) | static_cast<std::uint32_t>(v);
    if (++m_count == 4) {
      out += static_cast<char>((m_bits >> 16) & 0xFF);
      out += static_cast<char>((m_bits >> 8) & 0xFF);
      out += static_cast<char>(m_bits & 0xFF);
      m_bits = 0;
      m_count = 0;
    }
  }
  return true;
}

bool Base64Decoder::finish(std::string& out) {
  if (m_count == 1) return false;
  if (m_count == 2) out += static_cast<char>((m_bits >> 4) & 0xFF);
  if (m_count == 3) {
    out += static_cast<char>((m_bits >> 10) & 0xFF);
    out += static_cast<char>((m_bits >> 2) & 0xFF);
  }
  m_bits = 0;
  m_count = 0;
  return true;
}

} // namespace sora::detail
