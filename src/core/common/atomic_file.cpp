// Atomic, durable file replacement (POSIX: write a temp file, fsync, rename, fsync the folder) and
// fresh-line appends.
#include "common/atomic_file.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sora::detail {

namespace {

// fsync of the folder that holds `path`, so a rename in it survives a crash.
int sync_folder(const std::filesystem::path& path) {
  auto folder = path.parent_path();
  if (folder.empty()) folder = ".";
  int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  int err = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return err == EINVAL ? 0 : err; // some file systems cannot sync a folder: nothing to do
}

int write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return EIO;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

// Whether a non-empty file's last byte is not '\n'.
bool ends_torn(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size == 0) return false;
  char last = '\n';
  return ::pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n';
}

} // namespace

Unexpected io_error(const std::string& what, const std::filesystem::path& path, int err) {
  return unexpected(ErrorCode::io, what + " " + path.string() + ": " + std::strerror(err),
                    "Check the folder exists, is writable and has free space.");
}

Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view contents,
                                   bool durable) {
  std::string temp = path.string() + ".tmp-XXXXXX";
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return io_error("Cannot write", path, errno);
  int err = write_all(fd, contents);
  if (!err && ::fchmod(fd, 0644) != 0) err = errno;
  if (!err && durable && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && !err) err = errno;
  if (!err) {
    if (durable)
      err = rename_durably(temp, path, true);
    else if (::rename(temp.c_str(), path.c_str()) != 0)
      err = errno;
  }
  if (err) {
    ::unlink(temp.c_str());
    return io_error("Cannot write", path, err);
  }
  return {};
}

int rename_durably(const std::filesystem::path& from, const std::filesystem::path& to,
                   bool replace) {
  unsigned flags = replace ? 0 : RENAME_NOREPLACE;
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), flags) != 0) return errno;
  return sync_folder(to);
}

Result<void> append_line(const std::filesystem::path& path, std::string_view line, bool durable) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("Cannot open", path, errno);
  // One write of a whole line (with the repair of a torn last line in front): concurrent sora
  // processes never interleave inside a line.
  std::string text;
  if (ends_torn(fd)) text = "\n";
  text.append(line);
  int err = write_all(fd, text);
  if (!err && durable && ::fsync(fd) != 0) err = errno;
  ::close(fd);
  if (err) return io_error("Cannot write", path, err);
  return {};
}

} // namespace sora::detail
