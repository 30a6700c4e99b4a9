// Fuzzes reading the server's retry hints: server_retry_delay and server_should_retry.
// Input layout: header lines "Name: value" separated by '\n' (as in an HTTP response head).
#include "fuzz_check.hpp"
#include "transport/retry.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  sora::Headers headers;
  while (!input.empty()) {
    auto nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    input = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    // Values are C strings to the parser; an embedded NUL would only truncate them.
    headers.push_back({std::string(line.substr(0, colon)), std::string(value)});
  }
  fuzz_no_throw("server_retry_delay", [&] {
    constexpr std::int64_t k_now = 1'700'000'000; // 2023-11-14
    auto delay = sora::detail::server_retry_delay(headers, k_now);
    if (delay) FUZZ_CHECK(delay->count() >= 0);
    (void)sora::detail::server_should_retry(headers);
  });
  return 0;
}
