// A JSON request body that embeds files as base64 (data: URLs) without holding them in memory:
// the JSON text around each file is kept, and the file is read and encoded while it is sent.
#pragma once

#include <sora/transport.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace sora::detail {

/// Length of the base64 encoding (with padding) of `bytes` bytes.
constexpr std::uint64_t base64_length(std::uint64_t bytes) {
  return (bytes + 2) / 3 * 4;
}
/// Standard base64 with padding.
std::string base64_encode(std::string_view bytes);

class JsonBody final : public BodySource {
public:
  JsonBody() = default;
  ~JsonBody() override;
  JsonBody(const JsonBody&) = delete;
  JsonBody& operator=(const JsonBody&) = delete;

  void add_text(std::string_view text);
  /// Appends the base64 of the file, read while sending; `file_size` is its size when planned.
  void add_base64_file(const std::filesystem::path& path, std::uint64_t file_size);

  std::uint64_t size() const override;
  Result<std::size_t> read(std::span<char> buffer) override;
  Result<void> rewind() override;

private:
  struct Segment {
    std::string text;           ///< used when path is empty
    std::filesystem::path path; ///< a file, sent as base64
    std::uint64_t file_size = 0;
  };
  Result<void> refill(const Segment& segment);

  std::vector<Segment> m_segments;
  std::size_t m_index = 0;    ///< current segment
  std::uint64_t m_offset = 0; ///< text: offset in it; file: bytes of the file read so far
  std::string m_encoded;      ///< file segments: base64 not yet handed out
  std::size_t m_encoded_at = 0;
  std::FILE* m_file = nullptr;
};

} // namespace sora::detail
