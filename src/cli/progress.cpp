// Rendering of upload, job and download progress.
#include "progress.hpp"

#include "output.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace sora::cli {
namespace {

std::size_t terminal_width() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10) return ws.ws_col;
  return 80;
}

std::string percent(std::uint64_t now, std::uint64_t total) {
  if (total == 0) return human_bytes(now);
  return std::to_string(now * 100 / total) + "% of " + human_bytes(total);
}

std::string seconds_text(std::chrono::milliseconds ms) {
  auto s = ms.count() / 1000;
  if (s < 60) return std::to_string(s) + "s";
  return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60) + "s";
}

} // namespace

Progress::Progress(bool enabled) : m_enabled(enabled), m_terminal(::isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() {
  finish();
}

void Progress::live(const std::string& text, bool force) {
  if (!m_enabled || !m_terminal) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && m_line_open && now - m_last_draw < std::chrono::milliseconds(100)) return;
  m_last_draw = now;
  std::string line = shown(text);
  // Cut to the width, never inside a UTF-8 sequence.
  std::size_t cut = std::min(line.size(), terminal_width() - 1);
  while (cut < line.size() && cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80)
    --cut;
  line.resize(cut);
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
  m_line_open = true;
}

void Progress::plain(const std::string& text) {
  if (!m_enabled) return;
  finish();
  std::fprintf(stderr, "%s\n", shown(text).c_str());
}

void Progress::finish() {
  if (m_line_open) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    m_line_open = false;
  }
}

void Progress::status(const std::string& text, bool milestone) {
  if (m_terminal)
    live(text, true);
  else if (milestone)
    plain(text);
}

void Progress::upload(const TransferProgress& p, const std::string& label) {
  if (p.upload_total == 0) return;
  live("Uploading " + label + "  " + percent(p.uploaded, p.upload_total),
       p.uploaded == p.upload_total);
}

void Progress::job(const JobProgress& p) {
  const Video& v = p.video;
  std::string status = v.status_raw.empty() ? std::string(to_string(v.status)) : v.status_raw;
  std::string text =
      v.id + "  " + status + "  " + std::to_string(v.progress) + "%  " + seconds_text(p.elapsed);
  if (m_terminal) {
    live(text, true);
    return;
  }
  // Off a terminal: a line when the status changes or progress passes a quarter mark.
  int bucket = v.progress / 25;
  if (status != m_last_status || bucket != m_last_bucket) plain(text);
  m_last_status = status;
  m_last_bucket = bucket;
}

void Progress::download(const TransferProgress& p, const std::string& label) {
  auto now = std::chrono::steady_clock::now();
  if (m_transfer_start == std::chrono::steady_clock::time_point{}) m_transfer_start = now;
  double seconds = std::chrono::duration<double>(now - m_transfer_start).count();
  std::string rate = seconds > 0.2 ? "  " +
                                         human_bytes(static_cast<std::uint64_t>(
                                             static_cast<double>(p.downloaded) / seconds)) +
                                         "/s"
                                   : "";
  live("Downloading " + label + "  " + percent(p.downloaded, p.download_total) + rate);
}

} // namespace sora::cli
