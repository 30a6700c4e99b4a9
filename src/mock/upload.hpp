// Receiving request bodies: a multipart file part goes to an unlinked temporary file as it
// arrives (only its first MiB stays in memory, enough for the image checks), so a big upload
// costs the mock disk, not memory.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace sora_mock {

/// The bytes each file part held, by field name (the first part of a name wins, as in the
/// request log).
using UploadSizes = std::map<std::string, std::uint64_t>;

/// What was received of one request body.
struct ReceivedBody {
  UploadSizes sizes;   ///< file parts: their whole size (req.files holds their first MiB)
  int status = 0;      ///< set when the body could not be received: 400, 413 or 500
  std::string problem; ///< the message for that status
};

/// The part of a file part that stays in memory.
inline constexpr std::size_t k_upload_prefix = 1 << 20;
/// Bodies held in memory (JSON, form fields) are refused above this.
inline constexpr std::size_t k_memory_body_max = 128u << 20;
/// File parts stream to disk; the whole body is refused above this.
inline constexpr std::uint64_t k_upload_max = 64ull << 30;

/// Reads the body of `req` with `reader`: a JSON (or other) body into req.body, a multipart
/// body into req.files, each file part's bytes past k_upload_prefix into a temporary file in
/// the system's temporary folder ($TMPDIR), removed before this returns.
ReceivedBody receive_body(httplib::Request& req, const httplib::ContentReader& reader);

} // namespace sora_mock
