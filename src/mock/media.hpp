// Streaming of the downloadable assets (embedded or from disk) with byte ranges and faults.
#pragma once

#include "faults.hpp"
#include "shutdown.hpp"
#include "wire.hpp"

#include <httplib.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace sora_mock {

/// One downloadable variant: embedded bytes, or a file on disk when `path` is set.
struct MediaSource {
  std::string content_type;
  std::string extension;
  std::span<const unsigned char> embedded;
  std::string path;
};

/// A parsed `Range` request header against a body of a known size.
struct ByteRange {
  enum class Kind { full, partial, unsatisfiable } kind = Kind::full;
  std::uint64_t first = 0;
  std::uint64_t last = 0; // inclusive
};

/// Interprets `header` (`bytes=N-`, `bytes=N-M`, `bytes=-S`) for a body of `size` bytes.
/// Malformed or multi-range headers are ignored (full body), as RFC 9110 allows.
ByteRange parse_byte_range(const std::string& header, std::uint64_t size);

/// Answers a download of `source` as `<filename>`: 200, 206 or 416, streamed in chunks so
/// memory does not grow with the file. Applies content-drop and content-slow from `faults`.
/// Returns an error (nothing written to `res`) if a file source cannot be opened.
std::optional<ApiError> serve_media(const httplib::Request& req, httplib::Response& res,
                                    const MediaSource& source, const std::string& filename,
                                    const std::string& range_header, Faults& faults,
                                    Shutdown& shutdown);

/// Size of `source` in bytes, or nullopt if its file cannot be read.
std::optional<std::uint64_t> media_size(const MediaSource& source);

} // namespace sora_mock
