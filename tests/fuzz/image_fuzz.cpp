// Fuzzes the JPEG/PNG/WebP header reader, probe_image_bytes, and for a HEIF file (ftyp) the
// reader of its HEVC tiles' boxes, read_hevc_tiles (through a memfd: it reads a path).
#include "fuzz_check.hpp"
#include "media/heif_tiles.hpp"

#include <sora/image.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

namespace {

void check_hevc_tiles(const std::uint8_t* data, std::size_t size) {
  int fd = memfd_create("heif", 0);
  if (fd < 0) return;
  if (::write(fd, data, size) == static_cast<ssize_t>(size)) {
    auto tiles = sora::media::read_hevc_tiles("/proc/self/fd/" + std::to_string(fd));
    if (tiles) {
      FUZZ_CHECK(tiles->columns >= 1 && tiles->rows >= 1);
      FUZZ_CHECK(tiles->tiles.size() == std::size_t(tiles->columns) * std::size_t(tiles->rows));
      FUZZ_CHECK(tiles->tile_width >= 1 && tiles->tile_height >= 1 && !tiles->config.empty());
      FUZZ_CHECK(tiles->width >= 1 && tiles->height >= 1);
      FUZZ_CHECK(std::int64_t(tiles->columns) * tiles->tile_width >= tiles->width);
      FUZZ_CHECK(std::int64_t(tiles->rows) * tiles->tile_height >= tiles->height);
      FUZZ_CHECK(tiles->orientation >= 1 && tiles->orientation <= 8);
    }
  }
  ::close(fd);
}

} // namespace

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
  if (size >= 8 && std::memcmp(data + 4, "ftyp", 4) == 0)
    fuzz_no_throw("read_hevc_tiles", [&] { check_hevc_tiles(data, size); });
  return 0;
}
