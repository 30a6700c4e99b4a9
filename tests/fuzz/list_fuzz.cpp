// Fuzzes reading the list envelope of GET /videos: parse_video_list.
#include "api/json_codec.hpp"
#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_no_throw("parse_video_list", [&] {
    auto list = sora::detail::parse_video_list(text);
    if (!list) {
      FUZZ_CHECK(!list.error().message.empty());
      return;
    }
    FUZZ_CHECK(!list->raw_json.empty());
    FUZZ_CHECK(list->data.size() <= size); // every item took at least one byte
    for (const auto& v : list->data) {
      FUZZ_CHECK(v.progress >= 0 && v.progress <= 100);
      FUZZ_CHECK(!v.raw_json.empty() && v.raw_json.front() == '{');
    }
    auto again = sora::detail::parse_video_list(list->raw_json);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(again->data.size() == list->data.size() && again->has_more == list->has_more &&
               again->first_id == list->first_id && again->last_id == list->last_id);
  });
  return 0;
}
