// multipart/form-data as a streamed BodySource: text parts in memory, file parts read from disk
// while the transport sends, so memory stays flat whatever the file size.
#pragma once

#include <sora/transport.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace sora::detail {

class MultipartBody final : public BodySource {
public:
  /// `boundary` empty: a random one.
  explicit MultipartBody(std::string boundary = {});
  ~MultipartBody() override;
  MultipartBody(const MultipartBody&) = delete;
  MultipartBody& operator=(const MultipartBody&) = delete;

  void add_field(const std::string& name, const std::string& value);
  /// Adds a file part; fails with invalid_argument when the file cannot be opened or sized.
  Result<void> add_file(const std::string& name, const std::filesystem::path& path,
                        const std::string& content_type);

  /// "multipart/form-data; boundary=…"
  std::string content_type() const;
  std::uint64_t size() const override;
  Result<std::size_t> read(std::span<char> buffer) override;
  Result<void> rewind() override;

private:
  struct Segment {
    std::string text;           ///< used when path is empty
    std::filesystem::path path; ///< a file's bytes
    std::uint64_t file_size = 0;
  };
  void append_text(std::string text);
  void finish();

  std::string m_boundary;
  std::vector<Segment> m_segments;
  bool m_finished = false;
  std::size_t m_index = 0;     ///< current segment
  std::uint64_t m_offset = 0;  ///< offset inside it
  std::FILE* m_file = nullptr; ///< open while reading a file segment
};

} // namespace sora::detail
