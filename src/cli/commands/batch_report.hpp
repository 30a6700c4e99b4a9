// `sora batch`'s views of a run: the state files' names, the live progress line, the final table
// and the merged report of every shard's state file (--report).
#pragma once

#include "app_context.hpp"
#include "progress.hpp"

#include <sora/batch.hpp>

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace sora::cli {

/// The state file a run keeps when --state is not given: DIR/.sora-batch.jsonl, or
/// DIR/.sora-batch.shard-K-of-N.jsonl for shard K of N (N > 1), so that shards started side by
/// side in one folder never share a file.
std::filesystem::path default_state_file(const std::filesystem::path& out_dir, int shard,
                                         int shards);

/// The state file older versions kept in DIR (one JSON object): read when a run's own file does
/// not exist yet.
std::filesystem::path legacy_state_file(const std::filesystem::path& out_dir);

/// The state files of DIR, the older one first, then the others by name.
std::vector<std::filesystem::path> state_files_in(const std::filesystem::path& out_dir);

/// How the jobs of a batch stand, counted.
struct BatchTotals {
  int downloaded = 0, failed = 0, refused = 0, running = 0, errors = 0, pending = 0;
  int total() const { return downloaded + failed + refused + running + errors + pending; }
};
BatchTotals count_jobs(const std::vector<BatchJobState>& jobs);
/// "N jobs: D downloaded, F failed, R refused, U unfinished, P pending".
std::string describe_totals(const BatchTotals& totals);

/// The jobs in manifest order as the merged state files tell (pending where none names one).
std::vector<BatchJobState> merged_jobs(const std::vector<BatchJob>& jobs,
                                       const std::map<std::string, BatchJobState>& merged);

/// The live summary (queued, running, done, failed, ETA), redrawn on every state change; counts
/// are kept up to date per change, so a change costs the same whatever the size of the batch.
class BatchProgress {
public:
  BatchProgress(const AppContext& ctx, const std::vector<BatchJob>& jobs, const BatchState& state);
  void finish() { m_progress.finish(); }
  void changed(const BatchJobState& s);

private:
  enum Column { queued, running, done, failed };
  static Column column_of(BatchStatus status);

  Progress m_progress;
  std::mutex m_lock;
  std::map<std::string, Column> m_now; ///< only this run's jobs
  int m_count[4] = {0, 0, 0, 0};
  std::size_t m_total = 0;
  std::chrono::steady_clock::time_point m_started = std::chrono::steady_clock::now();
};

/// One line per job on stdout (a table, or one JSON object each with --json).
void print_jobs(const AppContext& ctx, const std::vector<BatchJobState>& jobs);

/// The final table (or JSON lines) and the summary line of a run.
void print_report(const AppContext& ctx, const BatchReport& report, const BatchState& state);

} // namespace sora::cli
