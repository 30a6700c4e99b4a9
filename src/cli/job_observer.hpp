// The CLI's side of the job pipeline: one observer (progress line + journal) for every command
// that starts a paid job, the words for its outcome, and the resolution of intents an
// interrupted run left behind.
#pragma once

#include "app_context.hpp"
#include "progress.hpp"

#include <sora/job.hpp>

#include <chrono>
#include <string>

namespace sora::cli {

/// A word or path quoted for a POSIX shell when it needs it (`it's` -> `'it'\''s'`).
std::string shell_quote(const std::string& word);

/// The host of a base URL, as the journal records it.
std::string journal_host(const std::string& base_url);

/// Appends the cost the server reported for a finished job (OpenRouter usage.cost, Together
/// outputs.cost, LiteLLM usage) to the journal, next to the job; nothing when none was reported.
void record_reported_cost(const AppContext& ctx, const Video& video);

/// Writes the journal for one pipeline event: the intent (fsynced; an error stops the create
/// before it is sent) and the job record with the same Idempotency-Key. Other events: nothing.
Result<void> journal_event(const AppContext& ctx, const std::string& host,
                           const std::string& command, const JobEvent& event);

/// Draws progress and writes the journal: the intent (fsynced) before the create is sent, the
/// job record (with the same Idempotency-Key) the moment the id is known.
class CliJobObserver final : public JobObserver {
public:
  CliJobObserver(AppContext& ctx, const Client& client, std::string command);
  Result<void> on_event(const JobEvent& event) override;
  /// Ends the progress line.
  void finish() { m_progress.finish(); }

private:
  AppContext& m_ctx;
  std::string m_host;
  std::string m_command;
  Progress m_progress;
  int m_polls = 0;
  std::chrono::steady_clock::time_point m_started = std::chrono::steady_clock::now();
};

/// The command that finishes a paid job after a failure: `sora download ID -o PATH` once it has
/// completed, else `sora wait ID [-o PATH]`; empty when the job itself failed.
std::string finishing_command(const JobOutcome& outcome, const std::string& output);

/// What an earlier, interrupted run of the same request left: the job it created (found in the
/// server's list), or the key to send again with.
struct EarlierAttempt {
  std::optional<Video> video;  ///< the job an earlier run created: follow it, pay nothing
  std::string idempotency_key; ///< resend with this key (empty: none pending)
};

/// Looks for an unresolved intent of this request (`fingerprint` is fingerprint(spec); an intent
/// an earlier version recorded in the older format matches too) and resolves it before anything
/// is created again (see docs/reliability.md): found in the server's list -> the job (recorded in
/// the journal); not in the list -> settled, resent with its key; the server cannot tell ->
/// a plain warning, resent with its key.
EarlierAttempt resolve_earlier_attempt(AppContext& ctx, Client& client, const JobSpec& spec,
                                       const std::string& fingerprint);

/// Resolves the unresolved intents among the journal's newest (Journal::recent_unresolved) against
/// the server's list (for `sora status @last`): found jobs are recorded, so @last names them; the
/// others are reported plainly ("may have been created").
void resolve_pending_intents(AppContext& ctx, Client& client);

/// "may have been created: "PROMPT" (COMMAND, TIME, Idempotency-Key KEY) -> OUTPUT".
std::string describe_intent(const JournalIntent& intent);

} // namespace sora::cli
