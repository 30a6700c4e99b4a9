// Content responses: byte ranges are computed here because httplib's own range handling is
// bypassed (the server clears req.ranges), so every length and offset below is ours.
#include "media.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <memory>
#include <vector>

namespace sora_mock {
namespace {

constexpr std::size_t k_chunk = 256 * 1024;
constexpr std::size_t k_slow_chunk = 4 * 1024;
constexpr std::chrono::milliseconds k_slow_pause{50};

std::optional<std::uint64_t> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

/// The open file (or embedded bytes) behind one response; shared by the provider's copies.
class Reader {
public:
  Reader(const MediaSource& source, int fd, std::uint64_t base, std::uint64_t stop_at, bool slow,
         bool stall, Shutdown& shutdown)
      : m_embedded(source.embedded), m_fd(fd), m_base(base), m_stop_at(stop_at), m_slow(slow),
        m_stall(stall), m_shutdown(shutdown) {}
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  ~Reader() {
    if (m_fd >= 0) ::close(m_fd);
  }

  /// Writes the next chunk at `offset` (relative to the response body) into `sink`.
  /// False ends the response early: shutdown, a write failure, a short file, or content-drop.
  bool provide(std::size_t offset, httplib::DataSink& sink) {
    if (m_shutdown.requested()) return false;
    if (offset >= m_stop_at) {
      // content-stall: the connection stays open with nothing moving, then ends.
      if (m_stall) m_shutdown.wait_for(std::chrono::seconds(30));
      return false;
    }
    if (m_slow && m_started && m_shutdown.wait_for(k_slow_pause)) return false;
    m_started = true;
    const auto want = static_cast<std::size_t>(
        std::min<std::uint64_t>(m_slow ? k_slow_chunk : k_chunk, m_stop_at - offset));
    const auto position = m_base + offset;
    if (m_fd < 0) {
      const auto* data = reinterpret_cast<const char*>(m_embedded.data()) + position;
      return sink.write(data, want);
    }
    m_buffer.resize(want);
    const auto got = ::pread(m_fd, m_buffer.data(), want, static_cast<off_t>(position));
    if (got <= 0) return false; // the file shrank or failed underneath us
    return sink.write(m_buffer.data(), static_cast<std::size_t>(got));
  }

private:
  std::span<const unsigned char> m_embedded;
  int m_fd;
  std::uint64_t m_base;
  std::uint64_t m_stop_at;
  bool m_slow;
  bool m_stall;
  bool m_started = false;
  Shutdown& m_shutdown;
  std::vector<char> m_buffer;
};

} // namespace

ByteRange parse_byte_range(const std::string& header, std::uint64_t size) {
  auto spec = trim(header);
  if (spec.size() < 6) return {};
  std::string unit(spec.substr(0, 6));
  std::transform(unit.begin(), unit.end(), unit.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (unit != "bytes=") return {};
  spec = trim(spec.substr(6));
  if (spec.find(',') != std::string_view::npos) return {};
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return {};
  const auto first_text = trim(spec.substr(0, dash));
  const auto last_text = trim(spec.substr(dash + 1));

  ByteRange range;
  if (first_text.empty()) { // suffix: the last N bytes
    const auto suffix = parse_number(last_text);
    if (!suffix) return {};
    if (*suffix == 0 || size == 0) return {ByteRange::Kind::unsatisfiable};
    range.first = size - std::min(*suffix, size);
    range.last = size - 1;
  } else {
    const auto first = parse_number(first_text);
    if (!first) return {};
    std::uint64_t last = size == 0 ? 0 : size - 1;
    if (!last_text.empty()) {
      const auto parsed = parse_number(last_text);
      if (!parsed || *parsed < *first) return {};
      last = std::min(*parsed, last);
    }
    if (*first >= size) return {ByteRange::Kind::unsatisfiable};
    range.first = *first;
    range.last = last;
  }
  range.kind = ByteRange::Kind::partial;
  return range;
}

std::optional<std::uint64_t> media_size(const MediaSource& source) {
  if (source.path.empty()) return source.embedded.size();
  struct stat info {};
  if (::stat(source.path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  return static_cast<std::uint64_t>(info.st_size);
}

std::optional<ApiError> serve_media(const httplib::Request& req, httplib::Response& res,
                                    const MediaSource& source, const std::string& filename,
                                    const std::string& range_header, Faults& faults,
                                    Shutdown& shutdown) {
  int fd = -1;
  std::uint64_t size = source.embedded.size();
  if (!source.path.empty()) {
    fd = ::open(source.path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat info {};
    if (fd < 0 || ::fstat(fd, &info) != 0) {
      if (fd >= 0) ::close(fd);
      ApiError error;
      error.status = 500;
      error.type = "server_error";
      error.message = "sora-mock could not open " + source.path + ".";
      return error;
    }
    size = static_cast<std::uint64_t>(info.st_size);
  }

  const auto range = parse_byte_range(range_header, size);
  if (range.kind == ByteRange::Kind::unsatisfiable) {
    if (fd >= 0) ::close(fd);
    res.status = 416;
    res.set_header("Content-Range", "bytes */" + std::to_string(size));
    res.set_content(error_body(invalid_request("Requested range not satisfiable (size " +
                                                   std::to_string(size) + " bytes).",
                                               "range"))
                        .dump(),
                    "application/json");
    return std::nullopt;
  }

  std::uint64_t base = 0;
  std::uint64_t length = size;
  res.status = 200;
  if (range.kind == ByteRange::Kind::partial) {
    base = range.first;
    length = range.last - range.first + 1;
    res.status = 206;
    res.set_header("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                        std::to_string(range.last) + "/" + std::to_string(size));
  }
  res.set_header("Accept-Ranges", "bytes");
  res.set_header("Content-Disposition", "attachment; filename=\"" + filename + "\"");

  if (length == 0) { // an empty file: httplib needs a provider length > 0
    if (fd >= 0) ::close(fd);
    res.set_content("", source.content_type);
    return std::nullopt;
  }

  const bool head = req.method == "HEAD";
  const bool drop = !head && faults.take_once(Fault::content_drop);
  const bool stall = !head && !drop && faults.take_once(Fault::content_stall);
  const bool slow = !head && faults.enabled(Fault::content_slow);
  auto reader = std::make_shared<Reader>(source, fd, base, drop || stall ? length / 2 : length,
                                         slow, stall, shutdown);
  res.set_content_provider(static_cast<std::size_t>(length), source.content_type,
                           [reader](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                             return reader->provide(offset, sink);
                           });
  return std::nullopt;
}

} // namespace sora_mock
