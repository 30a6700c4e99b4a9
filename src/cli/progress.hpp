// Progress on stderr: one live line on a terminal, a few plain lines otherwise, nothing when quiet.
#pragma once

#include <sora/client.hpp>

#include <chrono>
#include <string>

namespace sora::cli {

class Progress {
public:
  /// `enabled` false (--quiet) prints nothing. Terminal detection is on stderr.
  explicit Progress(bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void upload(const TransferProgress& p, const std::string& label);
  void job(const JobProgress& p);
  void download(const TransferProgress& p, const std::string& label);
  /// A status line: live on a terminal; elsewhere printed only when `milestone` is true.
  void status(const std::string& text, bool milestone);
  /// Ends the live line (if any) so the next output starts on a clean line.
  void finish();

private:
  void live(const std::string& text, bool force = false);
  void plain(const std::string& text);

  bool m_enabled;
  bool m_terminal;
  bool m_line_open = false;
  std::chrono::steady_clock::time_point m_last_draw{};
  std::chrono::steady_clock::time_point m_transfer_start{};
  std::string m_last_status;
  int m_last_bucket = -1;
};

} // namespace sora::cli
