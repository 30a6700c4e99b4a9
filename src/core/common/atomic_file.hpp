// Files that are either wholly there or not at all: temp file in the same folder, write, fsync,
// rename, fsync the folder. Used for downloads, the .part sidecar, and state files.
#pragma once

#include <sora/result.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace sora::detail {

/// An io error naming the operation, the path and the system's reason, with the usual fix.
Unexpected io_error(const std::string& what, const std::filesystem::path& path, int err);

/// Replaces `path` with `contents` atomically (a reader sees the old file or the new one, never a
/// mix), durably (fsynced, and the folder too) when it returns success.
Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view contents);

/// Renames `from` to `to` in the same folder and fsyncs the folder. With `replace` false an
/// existing `to` is never replaced. Returns 0, or the errno (EEXIST when `to` exists).
int rename_durably(const std::filesystem::path& from, const std::filesystem::path& to,
                   bool replace);

} // namespace sora::detail
