// The .part file of a download, its record (what it holds: an extended attribute of the .part, or
// a sidecar file where the file system has none) and its lock (who writes it).
#include "api/part_file.hpp"

#include "common/atomic_file.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>

namespace sora::detail {

namespace {

using json = nlohmann::ordered_json;

std::filesystem::path with_suffix(const std::filesystem::path& path, std::string_view suffix) {
  auto out = path;
  out += std::string(suffix);
  return out;
}

constexpr const char* k_record_attribute = "user.sora.part";

// The record kept on the .part itself; nothing when it has none (or the file system has no
// extended attributes).
std::optional<std::string> read_attribute(int fd) {
  char text[4096];
  ssize_t n = ::fgetxattr(fd, k_record_attribute, text, sizeof text);
  if (n < 0) return std::nullopt;
  return std::string(text, static_cast<std::size_t>(n));
}

std::optional<PartSource> read_source(const std::filesystem::path& sidecar) {
  std::ifstream in(sidecar, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text{std::istreambuf_iterator<char>(in), {}};
  return decode_part_source(text);
}

// Why a .part recorded as `old` cannot be resumed for `id`/`variant`; empty when it can.
std::string mismatch(const PartSource& old, std::string_view id, Variant variant) {
  if (old.video_id != id) return "it held video " + old.video_id + ", not " + std::string(id);
  if (old.variant != variant)
    return "it held the " + std::string(to_string(old.variant)) + ", not the " +
           std::string(to_string(variant));
  return {};
}

Error busy(int fd, const std::filesystem::path& part, const std::filesystem::path& sidecar) {
  auto attribute = read_attribute(fd);
  auto other = attribute ? decode_part_source(*attribute) : read_source(sidecar);
  std::string who = other && other->writer_pid > 0
                        ? "another download (process " + std::to_string(other->writer_pid) + ")"
                        : "another download";
  Error e;
  e.code = ErrorCode::conflict;
  e.message = part.string() + " is being written by " + who + ".";
  e.hint = "Wait for that download to finish, or save this one to another path.";
  return e;
}

} // namespace

std::string encode_part_source(const PartSource& source) {
  json j;
  j["video_id"] = source.video_id;
  j["variant"] = std::string(to_string(source.variant));
  if (source.size) j["size"] = *source.size;
  if (!source.etag.empty()) j["etag"] = source.etag;
  if (!source.last_modified.empty()) j["last_modified"] = source.last_modified;
  if (source.writer_pid > 0) j["writer_pid"] = source.writer_pid;
  return j.dump() + "\n";
}

std::optional<PartSource> decode_part_source(std::string_view text) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  auto id = j.find("video_id");
  auto variant = j.find("variant");
  if (id == j.end() || !id->is_string() || variant == j.end() || !variant->is_string())
    return std::nullopt;
  auto parsed = parse_variant(variant->get<std::string>());
  if (!parsed) return std::nullopt;
  PartSource s;
  s.video_id = id->get<std::string>();
  s.variant = *parsed;
  if (auto it = j.find("size"); it != j.end() && it->is_number_unsigned())
    s.size = it->get<std::uint64_t>();
  if (auto it = j.find("etag"); it != j.end() && it->is_string()) s.etag = it->get<std::string>();
  if (auto it = j.find("last_modified"); it != j.end() && it->is_string())
    s.last_modified = it->get<std::string>();
  if (auto it = j.find("writer_pid"); it != j.end() && it->is_number_integer())
    s.writer_pid = it->get<long>();
  return s;
}

PartFile::PartFile(std::filesystem::path final_path, int fd, PartSource source)
    : m_final(std::move(final_path)), m_part(with_suffix(m_final, ".part")),
      m_sidecar(with_suffix(m_final, ".part.json")), m_fd(fd), m_source(std::move(source)) {}

PartFile::PartFile(PartFile&& other) noexcept
    : m_final(std::move(other.m_final)), m_part(std::move(other.m_part)),
      m_sidecar(std::move(other.m_sidecar)), m_fd(other.m_fd), m_source(std::move(other.m_source)),
      m_resume_from(other.m_resume_from), m_restarted_reason(std::move(other.m_restarted_reason)),
      m_record_in_sidecar(other.m_record_in_sidecar), m_buffer(std::move(other.m_buffer)),
      m_written_to(other.m_written_to), m_flushed_to(other.m_flushed_to) {
  other.m_fd = -1;
}

PartFile::~PartFile() {
  if (m_fd < 0) return;
  (void)flush_buffer(); // never drop bytes that were handed over
  ::close(m_fd);        // releases the lock
}

Result<PartFile> PartFile::open(const std::filesystem::path& final_path, std::string video_id,
                                Variant variant) {
  auto part = with_suffix(final_path, ".part");
  auto sidecar = with_suffix(final_path, ".part.json");
  int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("Cannot write", part, errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    auto error =
        err == EWOULDBLOCK ? busy(fd, part, sidecar) : io_error("Cannot lock", part, err).error;
    ::close(fd);
    return unexpected(std::move(error));
  }
  PartSource source;
  source.video_id = std::move(video_id);
  source.variant = variant;
  source.writer_pid = static_cast<long>(::getpid());
  PartFile file(final_path, fd, source);
  std::uint64_t size = static_cast<std::uint64_t>(::lseek(fd, 0, SEEK_END));
  if (size == 0) return file;
  // The record on the .part, else the sidecar beside it (a file system without extended
  // attributes, or a .part from a sora that kept its record there).
  std::error_code ec;
  auto attribute = read_attribute(fd);
  bool has_sidecar = !attribute && std::filesystem::exists(sidecar, ec);
  bool has_record = attribute || has_sidecar;
  auto old = attribute     ? decode_part_source(*attribute)
             : has_sidecar ? read_source(sidecar)
                           : std::nullopt;
  std::string where = attribute ? "its record (the " + std::string(k_record_attribute) +
                                      " attribute of " + part.string() + ")"
                                : "its record " + sidecar.string();
  std::string why = !has_record ? std::string()
                    : !old      ? where + " is unreadable"
                                : mismatch(*old, file.m_source.video_id, variant);
  if (!why.empty()) { // it belongs to something else: start over
    file.m_restarted_reason = "discarded " + part.string() + ": " + why;
    if (::ftruncate(fd, 0) != 0) return io_error("Cannot truncate", part, errno);
    return file;
  }
  // A .part without a record was written by an older sora: resumed as before (rule 23 and the
  // magic check still catch a wrong one when the server cannot resume).
  if (old) {
    file.m_source.size = old->size;
    file.m_source.etag = old->etag;
    file.m_source.last_modified = old->last_modified;
  }
  file.m_resume_from = size;
  return file;
}

std::string PartFile::if_range() const {
  return !m_source.etag.empty() ? m_source.etag : m_source.last_modified;
}

// On the .part itself where the file system allows (no second file to create, rename and remove
// for every download, which costs more than the download of a short video), then fsynced, so the
// record is on disk before the bytes it describes, as the sidecar was. Elsewhere, the sidecar.
Result<void> PartFile::save_source() {
  const std::string text = encode_part_source(m_source);
  if (!m_record_in_sidecar &&
      ::fsetxattr(m_fd, k_record_attribute, text.data(), text.size(), 0) == 0) {
    if (::fsync(m_fd) != 0) return io_error("Cannot flush", m_part, errno);
    return {};
  }
  m_record_in_sidecar = true;
  ::fremovexattr(m_fd, k_record_attribute); // an earlier record there would be read first
  return write_file_atomically(m_sidecar, text);
}

Result<void> PartFile::begin(const ContentStart& start) {
  if (start.restart) {
    m_buffer.clear(); // bytes of the attempt that is started over
    if (::ftruncate(m_fd, 0) != 0) return io_error("Cannot truncate", m_part, errno);
  } else if (auto ok = flush_buffer(); !ok) {
    return ok;
  }
  m_written_to = m_flushed_to = static_cast<std::int64_t>(start.offset);
  if (::lseek(m_fd, static_cast<off_t>(start.offset), SEEK_SET) < 0)
    return io_error("Cannot seek", m_part, errno);
  // The sidecar is written before the bytes it describes, so a .part never holds data of an
  // unknown source.
  if (start.restart || start.total) m_source.size = start.total;
  if (start.restart || !start.etag.empty()) m_source.etag = start.etag;
  if (start.restart || !start.last_modified.empty()) m_source.last_modified = start.last_modified;
  return save_source();
}

namespace {
constexpr std::size_t k_write_block = 1 << 20;       // one write(2) per MiB
constexpr std::int64_t k_flush_every = 8 << 20;      // write-behind: start writeback every 8 MiB
constexpr std::chrono::milliseconds k_max_hold{200}; // the longest bytes wait in the buffer
// libcurl hands a read of the socket over in pieces of CURL_MAX_WRITE_SIZE (16 KiB): a shorter
// piece is the last of that read.
constexpr std::size_t k_full_piece = 16 * 1024;
} // namespace

Result<void> PartFile::write_all(const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::write(m_fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("Cannot write", m_part, errno);
    data += n;
    size -= static_cast<std::size_t>(n);
    m_written_to += n;
  }
  if (m_written_to - m_flushed_to >= k_flush_every) {
    ::sync_file_range(m_fd, m_flushed_to, m_written_to - m_flushed_to, SYNC_FILE_RANGE_WRITE);
    m_flushed_to = m_written_to;
  }
  return {};
}

Result<void> PartFile::flush_buffer() {
  if (m_buffer.empty()) return {};
  auto ok = write_all(m_buffer.data(), m_buffer.size());
  m_buffer.clear(); // on failure too: the download fails, and the .part is resumed from its size
  return ok;
}

Result<void> PartFile::write(std::span<const char> chunk) {
  const bool short_piece = chunk.size() < k_full_piece;
  if (m_buffer.capacity() < k_write_block) m_buffer.reserve(k_write_block);
  if (m_buffer.empty() && chunk.size() >= k_write_block) // big enough on its own
    return write_all(chunk.data(), chunk.size());
  auto now = std::chrono::steady_clock::now();
  if (m_buffer.empty()) m_buffered_since = now;
  while (!chunk.empty()) {
    std::size_t take = std::min(chunk.size(), k_write_block - m_buffer.size());
    m_buffer.insert(m_buffer.end(), chunk.begin(),
                    chunk.begin() + static_cast<std::ptrdiff_t>(take));
    chunk = chunk.subspan(take);
    if (m_buffer.size() == k_write_block) {
      if (auto ok = flush_buffer(); !ok) return ok;
      m_buffered_since = now;
    }
  }
  // Bytes do not wait in memory for more: a short piece is the end of what the connection had
  // (a slow or stalled link), and nothing waits longer than k_max_hold. So the .part shows what
  // arrived, and keeps it if the process is killed.
  if (!m_buffer.empty() && (short_piece || now - m_buffered_since >= k_max_hold))
    return flush_buffer();
  return {};
}

ContentSink PartFile::sink() {
  ContentSink s;
  s.begin = [this](const ContentStart& start) { return begin(start); };
  s.write = [this](std::span<const char> chunk) { return write(chunk); };
  return s;
}

Result<void> PartFile::commit(std::uint64_t size, bool replace) {
  if (auto ok = flush_buffer(); !ok) return ok;
  // A finished file carries no record (it would go along with copies of it).
  if (!m_record_in_sidecar) ::fremovexattr(m_fd, k_record_attribute);
  if (::ftruncate(m_fd, static_cast<off_t>(size)) != 0)
    return io_error("Cannot truncate", m_part, errno);
  if (::fsync(m_fd) != 0) return io_error("Cannot flush", m_part, errno);
  // Renamed while still locked, so no other download can start on this .part meanwhile.
  if (int err = rename_durably(m_part, m_final, replace); err != 0) {
    if (err == EEXIST)
      return unexpected(ErrorCode::invalid_argument,
                        m_final.string() + " appeared while downloading; kept the download as " +
                            m_part.string() + ".",
                        "Move one of them aside, then run the command again (it resumes).");
    return io_error("Cannot rename the download to", m_final, err);
  }
  ::unlink(m_sidecar.c_str());
  ::close(m_fd);
  m_fd = -1;
  return {};
}

void PartFile::abandon() {
  if (m_fd < 0) return;
  (void)flush_buffer(); // what arrived is kept for the next run; a failed write is lost
  if (::lseek(m_fd, 0, SEEK_END) == 0) { // never leave an empty one
    ::unlink(m_part.c_str());
    ::unlink(m_sidecar.c_str());
  }
  ::close(m_fd);
  m_fd = -1;
}

} // namespace sora::detail
