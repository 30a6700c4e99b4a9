// Small helpers of the transport seam shared by every Transport implementation.
#include <sora/transport.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace sora {

std::optional<std::string> find_header(const Headers& headers, std::string_view name) {
  for (const auto& header : headers) {
    if (header.name.size() == name.size() &&
        std::equal(name.begin(), name.end(), header.name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        }))
      return header.value;
  }
  return std::nullopt;
}

Result<std::size_t> StringBody::read(std::span<char> buffer) {
  std::size_t n = std::min(buffer.size(), m_text.size() - m_offset);
  std::memcpy(buffer.data(), m_text.data() + m_offset, n);
  m_offset += n;
  return n;
}

} // namespace sora
