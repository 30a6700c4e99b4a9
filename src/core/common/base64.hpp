// Base64 decoding in pieces, so a `data:` URL or a `b64_json` result is written out as it is
// decoded instead of being held twice in memory (tolerance rule 20).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sora::detail {

/// Decodes standard and URL-safe base64 fed in any pieces; white space is skipped, padding
/// optional. Not thread-safe; one decoder per stream.
class Base64Decoder {
public:
  /// Appends the bytes decoded from `text` to `out`. False on a character outside the alphabet
  /// or data after padding.
  bool feed(std::string_view text, std::string& out);
  /// Appends the bytes of a last, short group. False when the input cannot end here (a lone
  /// trailing character).
  bool finish(std::string& out);

private:
  std::uint32_t m_bits = 0;
  int m_count = 0; ///< sextets held in m_bits (0-3)
  bool m_padded = false;
};

} // namespace sora::detail
