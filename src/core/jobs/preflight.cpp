// Checks that a job's output can be written, before anything is sent or paid for.
#include <sora/job.hpp>

#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace sora {
namespace {

namespace fs = std::filesystem;

Result<void> refuse(std::string message, std::string hint) {
  return unexpected(ErrorCode::invalid_argument, std::move(message), std::move(hint));
}

Result<void> cannot_write(const fs::path& folder, const fs::path& output, int err) {
  return refuse("Cannot write in the folder " + folder.string() + " (" + std::strerror(err) +
                    "), so " + output.string() + " could not be saved. Nothing was sent.",
                "Choose a folder you can write to for the output.");
}

// Creates and removes a file in `folder`: the only test of writability that also holds for
// root, read-only mounts and ACLs.
Result<void> check_writable(const fs::path& folder, const fs::path& output) {
  std::string pattern = (folder / ".sora-write-test.XXXXXX").string();
  int fd = ::mkstemp(pattern.data());
  if (fd < 0) return cannot_write(folder, output, errno);
  ::close(fd);
  ::unlink(pattern.c_str());
  return {};
}

// The cheap test for a folder this run already wrote in: its permissions and its mount now.
Result<void> check_access(const fs::path& folder, const fs::path& output) {
  if (::access(folder.c_str(), W_OK | X_OK) == 0) return {};
  return cannot_write(folder, output, errno);
}

Result<void> check_space(const fs::path& folder, std::uint64_t expected_bytes) {
  struct statvfs st {};
  if (expected_bytes == 0 || ::statvfs(folder.c_str(), &st) != 0) return {};
  std::uint64_t free_bytes = static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
  if (free_bytes >= expected_bytes) return {};
  return refuse("The folder " + folder.string() + " has " + std::to_string(free_bytes) +
                    " bytes free; the video needs " + std::to_string(expected_bytes) +
                    ". Nothing was sent.",
                "Free some space, or choose another folder for the output.");
}

} // namespace

Result<void> preflight_output(const JobSpec& spec, std::uint64_t expected_bytes) {
  if (!spec.output || spec.output->empty()) return {};
  const fs::path& output = *spec.output;
  std::error_code ec;
  if (fs::is_directory(output, ec))
    return refuse(output.string() + " is a directory.",
                  "Give a file path for the output, e.g. " + (output / "clip.mp4").string() + ".");
  if (fs::exists(output, ec) && !spec.overwrite)
    return refuse(output.string() + " already exists.",
                  "Choose another output path, or ask to replace it.");
  fs::path folder = output.parent_path();
  if (folder.empty()) folder = ".";
  if (!fs::is_directory(folder, ec))
    return refuse("The folder " + folder.string() + " does not exist.",
                  fs::exists(folder, ec) ? "It is a file; choose another output path."
                                         : "Create it first, or choose another output path.");
  // A folder already written to in this run still gets the cheap check of its permissions and
  // mount (access(2) sees a chmod or a read-only remount), only not the file created and removed.
  if (auto ok =
          spec.folder_writable ? check_access(folder, output) : check_writable(folder, output);
      !ok)
    return ok;
  return check_space(folder, expected_bytes);
}

} // namespace sora
