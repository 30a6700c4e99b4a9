// Atomic, durable file replacement (POSIX: write a temp file, fsync, rename, fsync the folder).
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
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

} // namespace

Unexpected io_error(const std::string& what, const std::filesystem::path& path, int err) {
  return unexpected(ErrorCode::io, what + " " + path.string() + ": " + std::strerror(err),
                    "Check the folder exists, is writable and has free space.");
}

Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view contents) {
  std::string temp = path.string() + ".tmp-XXXXXX";
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return io_error("Cannot write", path, errno);
  int err = write_all(fd, contents);
  if (!err && ::fchmod(fd, 0644) != 0) err = errno;
  if (!err && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && !err) err = errno;
  if (!err) err = rename_durably(temp, path, true);
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

} // namespace sora::detail
