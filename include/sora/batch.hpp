// Many jobs from one manifest: parsed and checked up front, run concurrently, resumable from a
// state file, and never creating a job twice.
#pragma once

#include <sora/client.hpp>
#include <sora/fit.hpp>

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

/// Where a job stands; saved after every transition.
enum class BatchStatus { pending, created, completed, downloaded, failed, refused, error };
std::string_view to_string(BatchStatus status) noexcept;

struct BatchJobState {
  std::string label;
  BatchStatus status = BatchStatus::pending;
  std::string video_id;
  std::string output;
  std::string error;
  int exit_code = 0; ///< the CLI exit code of the job's failure (0 when none)
  bool from_earlier_run = false;
};

/// The state file: label -> state, written atomically (temp file, fsync, rename).
class BatchState {
public:
  explicit BatchState(std::filesystem::path path) : m_path(std::move(path)) {}
  /// Loads an earlier run's state; a missing file is an empty state.
  Result<void> load();
  /// Writes the state atomically (temp file + rename, so a crash never leaves half a file);
  /// `durable` also fsyncs it, for the last write of a run.
  Result<void> save(bool durable = true) const;
  const std::filesystem::path& path() const { return m_path; }
  std::map<std::string, BatchJobState>& jobs() { return m_jobs; }
  const std::map<std::string, BatchJobState>& jobs() const { return m_jobs; }

private:
  std::filesystem::path m_path;
  std::map<std::string, BatchJobState> m_jobs;
};

struct BatchOptions {
  int concurrency = 4;
  bool retry_failed = false; ///< create failed jobs anew instead of keeping their outcome
  bool overwrite = false;    ///< replace existing output files
  std::chrono::milliseconds wait_timeout{30 * 60 * 1000};
  std::filesystem::path temp_dir; ///< where fitted images are written (jobs with `fit`)
  /// Called (from worker threads, serialised) when a job's state changes; `video_id` is set the
  /// moment a job is created, so callers can journal it.
  std::function<void(const BatchJobState&)> on_change;
};

struct BatchReport {
  std::vector<BatchJobState> jobs; ///< in manifest order, earlier runs' outcomes merged
  int completed = 0, failed = 0, refused = 0, errors = 0;
  std::uint64_t requests = 0; ///< HTTP requests this run sent
};

/// Maps a failure to the CLI exit code recorded in a job's state.
using ExitCodeFor = std::function<int(const Error&)>;

/// Runs the jobs with `options.concurrency` workers, each with its own Client built from
/// `config`; a rate limit seen by one slows all of them. Jobs with a video id in `state` are
/// resumed, never created again. Returns the merged report; per-job failures are in the report.
Result<BatchReport> run_batch(const ClientConfig& config, const std::vector<BatchJob>& jobs,
                              BatchState& state, const BatchOptions& options,
                              const ExitCodeFor& exit_code_for);

} // namespace sora
