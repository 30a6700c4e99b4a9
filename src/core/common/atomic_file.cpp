// Atomic whole-file writes and fresh-line appends (see atomic_file.hpp).
#include "common/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace sora {
namespace {

Result<void> io_error(const std::string& what, const std::filesystem::path& path, int err) {
  return unexpected(ErrorCode::io,
                    "Cannot " + what + " " + path.string() + ": " + std::strerror(err) + ".");
}

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Whether a non-empty file's last byte is not '\n'.
bool ends_torn(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size == 0) return false;
  char last = '\n';
  return ::pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n';
}

} // namespace

Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view text,
                                   bool durable) {
  std::filesystem::path temp = path;
  temp += ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("write", temp, errno);
  bool ok = write_all(fd, text) && (!durable || ::fsync(fd) == 0);
  int err = errno;
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    if (ok) err = errno;
    ::unlink(temp.c_str());
    return io_error("write", path, err ? err : EIO);
  }
  return {};
}

Result<void> append_line(const std::filesystem::path& path, std::string_view line, bool durable) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("open", path, errno);
  // One write of a whole line (with the repair of a torn last line in front): concurrent sora
  // processes never interleave inside a line.
  std::string text;
  if (ends_torn(fd)) text = "\n";
  text.append(line);
  bool ok = write_all(fd, text) && (!durable || ::fsync(fd) == 0);
  int err = errno;
  ::close(fd);
  if (!ok) return io_error("write", path, err ? err : EIO);
  return {};
}

} // namespace sora
