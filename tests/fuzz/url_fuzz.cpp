// Fuzzes URL handling: parse_url, is_loopback_host, encode_segment, join_url, with_query.
#include "fuzz_check.hpp"
#include "transport/url.hpp"

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

bool is_encoded(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') continue;
    if (c != '%' || i + 2 >= text.size() ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2])))
      return false;
    i += 2;
  }
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view url(reinterpret_cast<const char*>(data), size);
  fuzz_no_throw("url helpers", [&] {
    sora::detail::UrlParts parts;
    if (sora::detail::parse_url(url, parts)) {
      FUZZ_CHECK(parts.scheme == "http" || parts.scheme == "https");
      FUZZ_CHECK(!parts.host.empty());
      FUZZ_CHECK(parts.port >= 1 && parts.port <= 65535);
      for (char c : parts.host)
        FUZZ_CHECK(!std::isupper(static_cast<unsigned char>(c)));
      (void)sora::detail::is_loopback_host(parts.host);
    }
    bool loopback = sora::detail::is_loopback_host(url);
    if (loopback) FUZZ_CHECK(url == "localhost" || url == "::1" || url.starts_with("127."));

    std::string segment = sora::detail::encode_segment(url);
    FUZZ_CHECK(segment.size() >= url.size() && segment.size() <= 3 * url.size());
    FUZZ_CHECK(is_encoded(segment));

    std::string joined = sora::detail::join_url(url, "/videos");
    FUZZ_CHECK(joined.ends_with("/videos"));
    std::string query =
        sora::detail::with_query(joined, {{"after", std::string(url)}, {"limit", ""}});
    // Only the non-empty pair is appended, encoded, after the right separator.
    // A path segment of "." or ".." is written %2E (a path step otherwise); in a query value
    // the dots are plain.
    std::string value = url == "." || url == ".." ? std::string(url) : segment;
    std::string expected = joined;
    if (!url.empty())
      expected += (joined.find('?') == std::string::npos ? "?after=" : "&after=") + value;
    FUZZ_CHECK(query == expected);
  });
  return 0;
}
