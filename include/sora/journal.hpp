// The local record of every job sora started, so a paid video's id is never lost.
#pragma once

#include <sora/result.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sora {

/// One started job, as one JSON line of the journal.
struct JournalEntry {
  std::int64_t time = 0; ///< unix seconds when the id became known
  std::string id;
  std::string command; ///< "create", "remix", "extend", "edit", "batch"
  std::string host;    ///< the base URL's host (which server holds the job)
  std::string model;
  std::string size;
  std::string seconds;
  std::string prompt;  ///< the first 80 characters
  std::string output;  ///< where the video is meant to go, if anywhere
  std::string profile; ///< the profile in effect ("openrouter" …), if known
  /// USD the server reported for the job. Written as a later line `{"command":"cost", "id", …}`
  /// when the job finishes; read() folds it into the job's entry.
  std::optional<double> cost_usd;
  std::string raw_json; ///< the line as stored
};

/// An append-only JSON Lines file. Appends are one write(2) each, so a crash of sora or a closed
/// terminal right after a create still leaves the id in the file.
class Journal {
public:
  explicit Journal(std::filesystem::path path) : m_path(std::move(path)) {}

  /// $XDG_STATE_HOME/sora/jobs.jsonl, else $HOME/.local/state/sora/jobs.jsonl (arguments may be
  /// null or empty; the caller reads the environment).
  static std::filesystem::path default_path(const char* xdg_state_home, const char* home);

  const std::filesystem::path& path() const { return m_path; }
  /// Appends an entry (creating the folder); `time` 0 is stamped with the current time.
  Result<void> append(JournalEntry entry) const;
  /// Every readable entry, oldest first. A missing journal is empty; damaged lines are skipped.
  Result<std::vector<JournalEntry>> read() const;
  /// "@last" or "@1" is the newest job, "@2" the one before…; anything else is returned as is.
  Result<std::string> resolve(std::string_view reference) const;

private:
  std::filesystem::path m_path;
};

} // namespace sora
