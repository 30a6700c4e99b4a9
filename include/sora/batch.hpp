// Many jobs from one manifest: parsed and checked up front, run concurrently, resumable from a
// state file, and never creating a job twice.
#pragma once

#include <sora/client.hpp>
#include <sora/fit.hpp>
#include <sora/job.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sora {

/// One line of a manifest, with paths resolved.
struct BatchJob {
  std::string label; ///< the line's `id`, else its line number
  std::size_t line = 0;
  CreateRequest request;               ///< prompt, model, seconds, size, image
  std::optional<std::string> remix_of; ///< a video id, or the label of another job here
  std::filesystem::path output;
  /// Set when the image is resized before its upload (`fit`, `pad_color`); width and height are
  /// the resolved size. The temporary copy exists only while the job's create is sent.
  std::optional<FitOptions> fit;
  std::optional<double> estimate_usd = {}; ///< the CLI's estimate, journaled with the job
};

/// Reads a JSON Lines manifest (one object per line) or a CSV file with a header row (by the
/// `.csv` extension). Fields: prompt | prompt_file (may have sections, as `--prompt-file`), the
/// prompt parts shot, action, timing, lighting, audio, keep (composed as `compose` does, winning
/// over the file's sections), image, model, seconds, size (WxH or auto), fit (cover, contain,
/// stretch), pad_color, output, id, remix_of. Relative image and prompt_file paths resolve against
/// the manifest's folder, output against `out_dir` (default: LABEL.mp4). Every job is validated as
/// `sora create` would; all problems are reported together, each with its line number
/// (invalid_argument). OpenAI's model, size and duration lists are enforced only with
/// `openai_checks` (the openai profile).
Result<std::vector<BatchJob>> load_manifest(const std::filesystem::path& manifest,
                                            const std::filesystem::path& out_dir,
                                            bool openai_checks = true);

/// The jobs of shard `k` of `n` (1-based): every n-th job, so shards never overlap.
std::vector<BatchJob> select_shard(const std::vector<BatchJob>& jobs, int k, int n);

/// Where a job stands; recorded at every transition.
enum class BatchStatus { pending, created, completed, downloaded, failed, refused, error };
std::string_view to_string(BatchStatus status) noexcept;

struct BatchJobState {
  std::string label;
  BatchStatus status = BatchStatus::pending;
  std::string video_id;
  std::string output;
  std::string error;
  std::string error_kind; ///< to_string(ErrorCode) of the job's failure (empty when none)
  int exit_code = 0;      ///< older state files only: the CLI exit code of the failure
  /// Write-ahead: the Idempotency-Key and fingerprint, saved (fsynced) before the create is sent.
  /// A key without a video id is a create that may have been sent: a rerun resolves it first.
  std::string idempotency_key;
  std::string fingerprint;      ///< batch_fingerprint() of the manifest line that started the job
  std::int64_t intent_time = 0; ///< unix seconds when the intent was saved
  bool from_earlier_run = false;
};

/// The state file: label -> state. A JSON Lines log (docs/adr/0014-batch-state-log.md): a header
/// line, then one line per job transition holding the job's whole state (a label's last line
/// wins), appended as jobs move and compacted to one line per job by save(). Files of the older
/// format (one JSON object, `"version": 1`) load too, and are rewritten in the new one by save().
class BatchState {
public:
  explicit BatchState(std::filesystem::path path) : m_path(std::move(path)) {}
  /// Loads an earlier run's state; a missing or empty file is an empty state. A line cut off by a
  /// crash is skipped (skipped_lines() counts them); a file in neither format is damaged
  /// (invalid_argument), as is one written by a newer version.
  Result<void> load();
  /// Rewrites the file with one line per job, atomically (temp file + rename, so a crash never
  /// leaves half a file); `durable` also fsyncs it. Also repairs a torn last line.
  Result<void> save(bool durable = true) const;
  /// Appends `job`'s whole state as one line (one write(2) with O_APPEND, so concurrent appends
  /// never interleave); `durable` fsyncs it before returning. The map is not changed: callers
  /// keep jobs() in step. Cost: one line, whatever the number of jobs.
  Result<void> append(const BatchJobState& job, bool durable) const;
  const std::filesystem::path& path() const { return m_path; }
  std::map<std::string, BatchJobState>& jobs() { return m_jobs; }
  const std::map<std::string, BatchJobState>& jobs() const { return m_jobs; }
  /// Lines of the last load() that were cut off by a crash and skipped.
  std::size_t skipped_lines() const { return m_skipped_lines; }

private:
  std::filesystem::path m_path;
  std::map<std::string, BatchJobState> m_jobs;
  std::size_t m_skipped_lines = 0;
};

/// How far along a job is, for merging: pending < error < failed, refused < created < completed
/// < downloaded.
int progress_rank(BatchStatus status) noexcept;

/// The states of several files (the shards of one manifest, each with its own file) merged by
/// label; when more than one file names a job, the state furthest along (progress_rank) wins.
/// Missing files are empty; the first damaged file is the error.
Result<std::map<std::string, BatchJobState>>
merge_batch_states(const std::vector<std::filesystem::path>& files);

struct BatchOptions {
  int concurrency = 4;
  bool retry_failed = false; ///< create failed jobs anew instead of keeping their outcome
  bool overwrite = false;    ///< replace existing output files
  std::chrono::milliseconds wait_timeout{30 * 60 * 1000};
  std::filesystem::path temp_dir; ///< where fitted images are written (jobs with `fit`)
  /// Called (from worker threads, serialised) when a job's state changes; `video_id` is set the
  /// moment a job is created, so callers can journal it.
  std::function<void(const BatchJobState&)> on_change;
  /// Called with every pipeline transition of every job, from the worker threads and possibly at
  /// the same time (it must be thread-safe; a job's own events come in order); an error returned
  /// from the `intent` event stops that job before its create is sent (the CLI journals here).
  std::function<Result<void>(const JobEvent&)> on_event;
  /// Jobs finished by an earlier run whose manifest line changed since (another fingerprint) are
  /// created anew; without it they are kept and listed in BatchReport::changed.
  bool rerun_changed = false;
};

/// A stable hash of what a manifest line asks for (fingerprint() of its job, with a remix's
/// source as written: a label or an id).
Result<std::string> batch_fingerprint(const BatchJob& job);

/// Labels of jobs an earlier run finished (or started) whose line now asks for something else.
std::vector<std::string> changed_jobs(const std::vector<BatchJob>& jobs, const BatchState& state);

struct BatchReport {
  std::vector<BatchJobState> jobs; ///< in manifest order, earlier runs' outcomes merged
  int completed = 0, failed = 0, refused = 0, errors = 0;
  std::uint64_t requests = 0;       ///< HTTP requests this run sent
  std::vector<std::string> changed; ///< kept although their line changed (see rerun_changed)
};

/// Unused: kept so callers of the earlier signature still build (states record error kinds).
using ExitCodeFor = std::function<int(const Error&)>;

/// Runs the jobs with `options.concurrency` workers, each with its own Client built from
/// `config`; a rate limit seen by one slows all of them. Each job runs through run_job (job.hpp).
/// Jobs with a video id in `state` are resumed, never created again; a job whose create may have
/// been sent (a key without an id) is looked up in the server's list first and sent again with
/// the same key only when it is not there. Returns the merged report; per-job failures are in
/// the report.
Result<BatchReport> run_batch(const ClientConfig& config, const std::vector<BatchJob>& jobs,
                              BatchState& state, const BatchOptions& options,
                              const ExitCodeFor& exit_code_for = {});

} // namespace sora
