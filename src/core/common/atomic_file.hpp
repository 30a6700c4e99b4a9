// Files that are never seen half-written: whole files replaced atomically (temp file in the same
// folder, write, fsync, rename, fsync the folder) and lines appended so that each starts on a
// fresh line. Used for downloads, the .part sidecar, state files and the journal.
#pragma once

#include <sora/result.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace sora::detail {

/// An io error naming the operation, the path and the system's reason, with the usual fix.
Unexpected io_error(const std::string& what, const std::filesystem::path& path, int err);

/// Replaces `path` with `contents` atomically (a reader sees the old file or the new one, never a
/// mix). `durable`: fsynced, and the folder too, when it returns success; otherwise only atomic
/// (for state written after every step, whose durable copy is written at the end).
Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view contents,
                                   bool durable = true);

/// Renames `from` to `to` in the same folder and fsyncs the folder. With `replace` false an
/// existing `to` is never replaced. Returns 0, or the errno (EEXIST when `to` exists).
int rename_durably(const std::filesystem::path& from, const std::filesystem::path& to,
                   bool replace);

/// Appends `line` (which must end in '\n') with one write(2) under O_APPEND, creating the file
/// (mode 0600) and its folder. When the file does not end in '\n' (a torn earlier append), a '\n'
/// is written first so the new line is readable. `durable`: fsync before returning.
Result<void> append_line(const std::filesystem::path& path, std::string_view line, bool durable);

} // namespace sora::detail

namespace sora {
using detail::append_line;
using detail::write_file_atomically;
} // namespace sora
