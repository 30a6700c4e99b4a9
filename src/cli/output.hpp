// What goes to stdout: result rows, JSON documents, and file names made from server data.
#pragma once

#include <sora/video.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sora::cli {

/// "ID  STATUS  PROGRESS%  MODEL  SIZE  SECONDSs  CREATED" for one video.
std::string video_row(const Video& video);
/// The rows of several videos with their columns aligned.
std::vector<std::string> video_table(const std::vector<Video>& videos);
/// Writes one line (adds the newline) to stdout and flushes it.
void print_line(std::string_view line);
/// A file name made from a server-provided id: no path separators, no leading dots, no controls.
std::string safe_file_name(std::string_view id);
/// "1.4 MB", "512 B".
std::string human_bytes(std::uint64_t bytes);
/// "2026-11-24T22:00:00Z" from unix seconds.
std::string iso_time(std::int64_t unix_seconds);

} // namespace sora::cli
