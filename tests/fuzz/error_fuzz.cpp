// Fuzzes reading an error answer in any dialect: parse_error_body.
// Input layout: the first line (up to the first '\n') is the Content-Type, the rest the body; with
// no '\n' the whole input is the body and the content type is empty.
#include "api/json_codec.hpp"
#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view content_type;
  std::string_view body = input;
  if (auto nl = input.find('\n'); nl != std::string_view::npos) {
    content_type = input.substr(0, nl);
    body = input.substr(nl + 1);
  }
  fuzz_no_throw("parse_error_body", [&] {
    auto e = sora::detail::parse_error_body(body, content_type);
    if (!body.empty()) FUZZ_CHECK(!e.message.empty());
    // A fallback excerpt is at most 200 bytes plus an ellipsis; nothing read from a page of HTML
    // is longer than that.
    if (e.is_html) FUZZ_CHECK(e.message.size() <= 200 + 3);
  });
  return 0;
}
