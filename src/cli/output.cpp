// Result formatting. Rows start with the id so `awk '{print $1}'` works; JSON is passed through.
#include "output.hpp"

#include <sora/terminal_text.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <utility>

namespace sora::cli {

namespace {

std::vector<std::string> columns(const Video& v) {
  return {v.id,
          v.status_raw.empty() ? std::string(to_string(v.status)) : v.status_raw,
          std::to_string(v.progress) + "%",
          v.model.empty() ? "-" : v.model,
          v.size.empty() ? "-" : v.size,
          v.seconds.empty() ? "-" : v.seconds + "s",
          v.created_at ? iso_time(v.created_at) : "-"};
}

std::string join(const std::vector<std::string>& cells, const std::vector<std::size_t>& widths) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    line += cells[i];
    if (i + 1 < cells.size()) line += std::string(widths[i] - cells[i].size() + 2, ' ');
  }
  return line;
}

} // namespace

std::string video_row(const Video& video) {
  auto cells = columns(video);
  std::vector<std::size_t> widths;
  for (const auto& cell : cells)
    widths.push_back(cell.size());
  return join(cells, widths);
}

std::vector<std::string> video_table(const std::vector<Video>& videos) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> widths(7, 0);
  for (const auto& video : videos) {
    rows.push_back(columns(video));
    for (std::size_t i = 0; i < rows.back().size(); ++i)
      widths[i] = std::max(widths[i], rows.back()[i].size());
  }
  std::vector<std::string> lines;
  for (const auto& row : rows)
    lines.push_back(join(row, widths));
  return lines;
}

namespace {
Redactor& redactor_slot() {
  static Redactor redactor;
  return redactor;
}
} // namespace

void set_output_redactor(Redactor redactor) {
  redactor_slot() = std::move(redactor);
}

const Redactor& output_redactor() {
  return redactor_slot();
}

std::string shown(std::string_view text) {
  return terminal_safe(redactor_slot().apply(std::string(text)));
}

std::string shown_lines(std::string_view text) {
  return terminal_safe_lines(redactor_slot().apply(std::string(text)));
}

void print_line(std::string_view text) {
  std::string line = shown(text);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void print_text(std::string_view text) {
  std::string lines = shown_lines(text);
  std::fwrite(lines.data(), 1, lines.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

std::string safe_file_name(std::string_view id) {
  // Only letters, digits and - _ . + = (base64 ids): nothing a terminal or a path acts on,
  // and never a secret (the id is redacted first).
  std::string name;
  for (char c : redactor_slot().apply(std::string(id))) {
    auto u = static_cast<unsigned char>(c);
    bool keep = (std::isalnum(u) && u < 0x80) ||
                std::string_view("-_.+=").find(c) != std::string_view::npos;
    name += keep ? c : '_';
  }
  while (!name.empty() && name.front() == '.')
    name.erase(0, 1);                      // no "..", no hidden files
  if (name.size() > 120) name.resize(120); // within any file system's limit, with an extension
  if (name.empty()) name = "video";
  return name;
}

std::string human_bytes(std::uint64_t bytes) {
  static constexpr const char* k_units[] = {"B", "KB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1000 && unit < 4) {
    value /= 1000;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, unit == 0 ? "%.0f %s" : "%.1f %s", value, k_units[unit]);
  return buffer;
}

std::string iso_time(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

} // namespace sora::cli
