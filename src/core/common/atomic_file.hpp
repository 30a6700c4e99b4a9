// Files that are never seen half-written: whole files replaced atomically (temp, flush, rename)
// and lines appended so that each starts on a fresh line.
#pragma once

#include <sora/result.hpp>

#include <filesystem>
#include <string_view>

namespace sora {

/// Writes `text` to PATH.tmp, flushes it (fsync when `durable`), then renames it over `path`; a
/// crash leaves the old file or the new one, never a mixture. Creates no folders.
Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view text,
                                   bool durable = true);

/// Appends `line` (which must end in '\n') with one write(2) under O_APPEND, creating the file
/// (mode 0600) and its folder. When the file does not end in '\n' (a torn earlier append), a '\n'
/// is written first so the new line is readable. `durable`: fsync before returning.
Result<void> append_line(const std::filesystem::path& path, std::string_view line, bool durable);

} // namespace sora
