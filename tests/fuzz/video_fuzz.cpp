// Fuzzes reading a video object: parse_video, parse_deleted and looks_like_video.
#include "api/json_codec.hpp"
#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

void check_video(const sora::Video& v) {
  FUZZ_CHECK(v.progress >= 0 && v.progress <= 100);
  FUZZ_CHECK(!v.raw_json.empty());
  FUZZ_CHECK(v.raw_json.front() == '{' && v.raw_json.back() == '}');
  // Every field sora knows is typed; only unknown ones go to `extra`.
  for (const char* known : {"id", "status", "progress", "created_at", "error"})
    FUZZ_CHECK(!v.extra.contains(known));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_no_throw("video parsing", [&] {
    auto video = sora::detail::parse_video(text);
    auto deleted = sora::detail::parse_deleted(text);
    bool looks = sora::detail::looks_like_video(text);
    if (video) {
      FUZZ_CHECK(!video->id.empty());
      check_video(*video);
      // Whatever parse_video accepts is a JSON object, which parse_deleted accepts too.
      FUZZ_CHECK(deleted.has_value());
      FUZZ_CHECK(deleted->id == video->id);
      // The canonical text reads back as the same video.
      auto again = sora::detail::parse_video(video->raw_json);
      FUZZ_CHECK(again.has_value());
      FUZZ_CHECK(again->id == video->id && again->progress == video->progress &&
                 again->status == video->status && again->raw_json == video->raw_json);
    } else {
      FUZZ_CHECK(!video.error().message.empty());
    }
    if (looks) FUZZ_CHECK(deleted.has_value()); // looks_like_video implies a JSON object
    if (deleted) FUZZ_CHECK(!deleted->raw_json.empty());
  });
  return 0;
}
