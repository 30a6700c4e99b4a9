// Fuzzes the JPEG/PNG/WebP header reader: probe_image_bytes.
#include "fuzz_check.hpp"

#include <sora/image.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const unsigned char> bytes(data, size);
  fuzz_no_throw("probe_image_bytes", [&] {
    auto info = sora::probe_image_bytes(bytes);
    if (!info) {
      FUZZ_CHECK(info.error().code == sora::ErrorCode::invalid_argument);
      FUZZ_CHECK(!info.error().message.empty());
      return;
    }
    FUZZ_CHECK(info->width > 0);
    FUZZ_CHECK(info->height > 0);
    // The type matches the file's signature.
    switch (info->type) {
    case sora::ImageType::jpeg:
      FUZZ_CHECK(size >= 3 && data[0] == 0xFF && data[1] == 0xD8);
      break;
    case sora::ImageType::png:
      FUZZ_CHECK(size >= 24 && std::memcmp(data + 1, "PNG", 3) == 0);
      break;
    case sora::ImageType::webp:
      FUZZ_CHECK(size >= 30 && std::memcmp(data, "RIFF", 4) == 0);
      break;
    case sora::ImageType::heic:
    case sora::ImageType::avif:
      FUZZ_CHECK(size >= 16 && std::memcmp(data + 4, "ftyp", 4) == 0);
      break;
    }
    FUZZ_CHECK(!sora::mime_type(info->type).empty());
    FUZZ_CHECK(sora::size_string(*info).find('x') != std::string::npos);
  });
  return 0;
}
