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
  /// USD sora estimated when it sent the job (the price table, else the server's published
  /// price), on the job's own line; empty when unknown.
  std::optional<double> estimate_usd;
  std::string idempotency_key; ///< the key the create was sent with (closes its intent)
  std::string fingerprint;     ///< see fingerprint() in job.hpp
  std::string raw_json;        ///< the line as stored
  std::size_t line = 0;        ///< 1-based line number in the journal (0: not counted)
};

/// A create about to be sent: written and fsynced before the request leaves, so a crash or a
/// Ctrl-C while the create is in flight leaves a trace. Resolved by a job (or settled) record
/// with the same key.
struct JournalIntent {
  std::int64_t time = 0; ///< unix seconds just before sending
  std::string label;     ///< the job's label (a batch line's id), may be empty
  std::string idempotency_key;
  std::string fingerprint;
  std::string command; ///< "create", "remix", "extend", "edit", "batch"
  std::string host;
  std::string prompt; ///< the first 80 characters
  std::string output;
};

/// Everything the journal holds, read once.
struct JournalContents {
  std::vector<JournalEntry> jobs;         ///< readable job records, oldest first
  std::vector<JournalIntent> unresolved;  ///< intents with no job or settled record, oldest first
  std::vector<std::size_t> damaged_lines; ///< unreadable lines of the job file (1-based)
};

/// What a job reference names, and the unreadable lines that were newer than it.
struct JournalReference {
  std::string id;
  std::vector<std::size_t> skipped_lines; ///< damaged lines after the named job (report them)
};

/// An append-only JSON Lines file of jobs, and beside it (NAME.intents.jsonl) the write-ahead
/// intents. Appends are one write(2) each and start on a fresh line, so a crash of sora or a
/// closed terminal right after a create still leaves the id in the file, and a torn line never
/// hides the next record.
class Journal {
public:
  explicit Journal(std::filesystem::path path) : m_path(std::move(path)) {}

  /// $XDG_STATE_HOME/sora/jobs.jsonl, else $HOME/.local/state/sora/jobs.jsonl (arguments may be
  /// null or empty; the caller reads the environment).
  static std::filesystem::path default_path(const char* xdg_state_home, const char* home);

  const std::filesystem::path& path() const { return m_path; }
  /// Appends an entry (creating the folder); `time` 0 is stamped with the current time.
  Result<void> append(JournalEntry entry) const;
  /// Every readable entry, oldest first. A missing journal is empty; damaged lines are skipped
  /// (load() names them).
  Result<std::vector<JournalEntry>> read() const;
  /// "@last" or "@1" is the newest job, "@2" the one before…; anything else is returned as is.
  /// Read from the end of the file: the cost does not grow with the journal.
  Result<std::string> resolve(std::string_view reference) const;
  /// As resolve(), also naming the unreadable lines newer than the job it names.
  Result<JournalReference> resolve_reference(std::string_view reference) const;

  /// Where the intents are kept: NAME.intents.jsonl beside the journal.
  std::filesystem::path intents_path() const;
  /// Appends and fsyncs an intent; `time` 0 is stamped with the current time.
  Result<void> append_intent(JournalIntent intent) const;
  /// Closes an intent that is known to have created nothing (`outcome`, e.g. "not_created").
  Result<void> settle_intent(std::string_view idempotency_key, std::string_view outcome) const;
  /// The jobs, the unresolved intents and the damaged lines (the whole of both files).
  Result<JournalContents> load() const;
  /// The newest `count` jobs as load() gives them (cost lines folded in, oldest first) but with
  /// `line` 0, the damaged lines newer than the oldest of them (all of them when the journal
  /// holds fewer jobs), and recent_unresolved(max(count, k_recent_intents)). Both files are read
  /// from their end, only as far as needed; damaged lines are numbered (which reads the file up
  /// to them) only when there are any.
  Result<JournalContents> load_newest(std::size_t count) const;
  /// The unresolved intents among the newest `count` intent records, oldest first: what a job
  /// reference looks up on the server before it names a job. Both files are read from their
  /// end, only as far as needed, so the cost does not grow with the journal.
  Result<std::vector<JournalIntent>> recent_unresolved(std::size_t count = k_recent_intents) const;
  /// How many intent records recent_unresolved() looks at by default.
  static constexpr std::size_t k_recent_intents = 256;

private:
  std::filesystem::path m_path;
};

} // namespace sora
