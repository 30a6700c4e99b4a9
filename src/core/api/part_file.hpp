// OUTPUT.part: where a download is written before it is renamed into place. It is bound to its
// source by a record (video id, variant, size, ETag / Last-Modified) kept in its extended
// attribute `user.sora.part` and fsynced, or, where the file system has no extended attributes,
// in a sidecar OUTPUT.part.json written atomically; it is locked (flock) while a download writes
// it, so a .part of another video is started over instead of resumed, and a second writer is
// refused.
#pragma once

#include "api/content_fetch.hpp"

#include <sora/video.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace sora::detail {

/// What a .part holds, as its record says.
struct PartSource {
  std::string video_id;
  Variant variant = Variant::video;
  std::optional<std::uint64_t> size; ///< the whole file's size, when the server said
  std::string etag;
  std::string last_modified;
  long writer_pid = 0; ///< the process writing it
};

/// The record's JSON text, and back (nullopt: not a record).
std::string encode_part_source(const PartSource& source);
std::optional<PartSource> decode_part_source(std::string_view text);

class PartFile {
public:
  /// Opens and locks `final_path` + ".part" for the download of `id`/`variant`. Fails with
  /// ErrorCode::conflict when another download holds the lock. Afterwards `resume_from()` says
  /// how many bytes can be resumed (0 when the .part belonged to something else, and then
  /// `restarted_reason()` says why).
  static Result<PartFile> open(const std::filesystem::path& final_path, std::string video_id,
                               Variant variant);
  PartFile(PartFile&& other) noexcept;
  PartFile& operator=(PartFile&&) = delete;
  PartFile(const PartFile&) = delete;
  ~PartFile();

  const std::filesystem::path& path() const { return m_part; }
  std::uint64_t resume_from() const { return m_resume_from; }
  /// The If-Range validator from the record (the ETag, else Last-Modified); empty if none.
  std::string if_range() const;
  std::optional<std::uint64_t> expected_size() const { return m_source.size; }
  const std::string& restarted_reason() const { return m_restarted_reason; }

  /// The sink a ContentFetcher writes to: begin() records the source first.
  ContentSink sink();
  /// Truncates to `size`, fsyncs, renames into place (never over an existing file unless
  /// `replace`), and removes the record.
  Result<void> commit(std::uint64_t size, bool replace);
  /// After a failure: keeps a .part that holds data (for the next run), removes an empty one.
  void abandon();

private:
  PartFile(std::filesystem::path final_path, int fd, PartSource source);
  Result<void> begin(const ContentStart& start);
  Result<void> write(std::span<const char> chunk);
  /// Writes out what the buffer holds (a write(2) of up to 1 MiB).
  Result<void> flush_buffer();
  Result<void> write_all(const char* data, std::size_t size);
  Result<void> save_source();

  std::filesystem::path m_final;
  std::filesystem::path m_part;
  std::filesystem::path m_sidecar;
  int m_fd = -1;
  PartSource m_source;
  std::uint64_t m_resume_from = 0;
  std::string m_restarted_reason;
  bool m_record_in_sidecar = false; ///< the file system refused the extended attribute
  // Bytes received are gathered into writes of up to 1 MiB (libcurl hands over 16 KiB at a
  // time): written when 1 MiB is there, when a read of the connection ends short (a slow or
  // stalled link), or after 200 ms at most; every
  // 8 MiB written, they start going to disk without waiting (write-behind), so the fsync at the
  // end has little left to do.
  std::vector<char> m_buffer;
  std::chrono::steady_clock::time_point m_buffered_since; // when the oldest buffered byte came
  std::int64_t m_written_to = 0;
  std::int64_t m_flushed_to = 0;
};

} // namespace sora::detail
