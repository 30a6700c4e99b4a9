// What goes to stdout: result rows, JSON documents, and file names made from server data.
#pragma once

#include <sora/redact.hpp>
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
/// The secrets every printed line is cleaned of (set once the settings are known).
void set_output_redactor(Redactor redactor);
const Redactor& output_redactor();
/// Text from a server or a file as it may be shown: secrets masked, control characters and
/// invalid UTF-8 made visible (terminal_safe). Valid JSON stays valid JSON with the same meaning.
std::string shown(std::string_view text);
/// The same for several lines: line feeds are kept.
std::string shown_lines(std::string_view text);
/// Writes one line (adds the newline) to stdout and flushes it, as shown().
void print_line(std::string_view line);
/// Writes text that may span lines (a composed prompt), as shown_lines(), then a newline.
void print_text(std::string_view text);
/// A file name made from a server-provided id: letters, digits, - _ . + = (others become
/// '_'), no leading dots, secrets redacted, at most 120 bytes.
std::string safe_file_name(std::string_view id);
/// "1.4 MB", "512 B".
std::string human_bytes(std::uint64_t bytes);
/// "2026-11-24T22:00:00Z" from unix seconds.
std::string iso_time(std::int64_t unix_seconds);

} // namespace sora::cli
