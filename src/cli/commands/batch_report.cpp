// `sora batch`'s views of a run: state file names, progress, the final table, merged reports.
#include "commands/batch_report.hpp"

#include "output.hpp"

#include <algorithm>
#include <cctype>

namespace sora::cli {

namespace fs = std::filesystem;

fs::path default_state_file(const fs::path& out_dir, int shard, int shards) {
  if (shards <= 1) return out_dir / ".sora-batch.jsonl";
  return out_dir / (".sora-batch.shard-" + std::to_string(shard) + "-of-" + std::to_string(shards) +
                    ".jsonl");
}

fs::path legacy_state_file(const fs::path& out_dir) {
  return out_dir / ".sora-batch.json";
}

namespace {

// Skips the digits at `at`; false when there are none.
bool skip_digits(std::string_view text, std::size_t& at) {
  std::size_t start = at;
  while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])))
    ++at;
  return at > start;
}

// .sora-batch.jsonl or .sora-batch.shard-K-of-N.jsonl
bool is_state_file_name(std::string_view name) {
  constexpr std::string_view head = ".sora-batch", tail = ".jsonl";
  if (!name.starts_with(head) || !name.ends_with(tail) || name.size() < head.size() + tail.size())
    return false;
  std::string_view middle = name.substr(head.size(), name.size() - head.size() - tail.size());
  if (middle.empty()) return true;
  std::size_t at = 0;
  if (!middle.starts_with(".shard-")) return false;
  at = 7;
  if (!skip_digits(middle, at) || middle.substr(at, 4) != "-of-") return false;
  at += 4;
  return skip_digits(middle, at) && at == middle.size();
}

} // namespace

std::vector<fs::path> state_files_in(const fs::path& out_dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(out_dir, ec))
    if (is_state_file_name(entry.path().filename().string())) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  if (fs::exists(legacy_state_file(out_dir), ec))
    files.insert(files.begin(), legacy_state_file(out_dir));
  return files;
}

BatchTotals count_jobs(const std::vector<BatchJobState>& jobs) {
  BatchTotals t;
  for (const auto& s : jobs)
    switch (s.status) {
    case BatchStatus::downloaded:
      ++t.downloaded;
      break;
    case BatchStatus::failed:
      ++t.failed;
      break;
    case BatchStatus::refused:
      ++t.refused;
      break;
    case BatchStatus::created:
    case BatchStatus::completed:
      ++t.running;
      break;
    case BatchStatus::error:
      ++t.errors;
      break;
    case BatchStatus::pending:
      ++t.pending;
      break;
    }
  return t;
}

std::string describe_totals(const BatchTotals& t) {
  return std::to_string(t.total()) + " jobs: " + std::to_string(t.downloaded) + " downloaded, " +
         std::to_string(t.failed) + " failed, " + std::to_string(t.refused) + " refused, " +
         std::to_string(t.running + t.errors) + " unfinished, " + std::to_string(t.pending) +
         " pending";
}

std::vector<BatchJobState> merged_jobs(const std::vector<BatchJob>& jobs,
                                       const std::map<std::string, BatchJobState>& merged) {
  std::vector<BatchJobState> out;
  out.reserve(jobs.size());
  for (const auto& job : jobs) {
    auto it = merged.find(job.label);
    BatchJobState s = it == merged.end() ? BatchJobState{} : it->second;
    s.label = job.label;
    if (s.output.empty()) s.output = job.output.string();
    out.push_back(std::move(s));
  }
  return out;
}

BatchProgress::BatchProgress(const AppContext& ctx, const std::vector<BatchJob>& jobs,
                             const BatchState& state)
    : m_progress(ctx.show_progress()), m_total(jobs.size()) {
  for (const auto& job : jobs) {
    auto it = state.jobs().find(job.label);
    Column column = column_of(it == state.jobs().end() ? BatchStatus::pending : it->second.status);
    m_now[job.label] = column;
    ++m_count[column];
  }
}

BatchProgress::Column BatchProgress::column_of(BatchStatus status) {
  switch (status) {
  case BatchStatus::pending:
    return queued;
  case BatchStatus::created:
  case BatchStatus::completed:
    return running;
  case BatchStatus::downloaded:
    return done;
  default:
    return failed;
  }
}

void BatchProgress::changed(const BatchJobState& s) {
  std::lock_guard guard(m_lock);
  auto it = m_now.find(s.label);
  if (it == m_now.end()) return;
  --m_count[it->second];
  it->second = column_of(s.status);
  ++m_count[it->second];
  auto elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
  std::string eta;
  int finished = m_count[done] + m_count[failed];
  if (m_count[done] > 0 && static_cast<std::size_t>(finished) < m_total) {
    auto left = elapsed / m_count[done] * static_cast<double>(m_total - finished);
    eta = ", ETA " + std::to_string(static_cast<int>(left)) + "s";
  }
  bool milestone = s.status == BatchStatus::downloaded || s.status == BatchStatus::failed ||
                   s.status == BatchStatus::refused || s.status == BatchStatus::error;
  m_progress.status(
      "batch: " + std::to_string(m_count[queued]) + " queued, " + std::to_string(m_count[running]) +
          " running, " + std::to_string(m_count[done]) + " done, " +
          std::to_string(m_count[failed]) + " failed of " + std::to_string(m_total) + eta +
          (milestone ? "  (" + s.label + ": " + std::string(to_string(s.status)) + ")" : ""),
      milestone);
}

void print_jobs(const AppContext& ctx, const std::vector<BatchJobState>& jobs) {
  if (ctx.options.json) {
    for (const auto& s : jobs)
      print_line(batch_job_json(s));
    return;
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> widths(4, 0);
  for (const auto& s : jobs) {
    rows.push_back({s.label, std::string(to_string(s.status)) + (s.from_earlier_run ? "*" : ""),
                    s.video_id.empty() ? "-" : s.video_id, s.error.empty() ? s.output : s.error});
    for (std::size_t i = 0; i < 4; ++i)
      widths[i] = std::max(widths[i], rows.back()[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i)
      line += row[i] + (i + 1 < row.size() ? std::string(widths[i] - row[i].size() + 2, ' ') : "");
    print_line(line);
  }
}

void print_report(const AppContext& ctx, const BatchReport& report, const BatchState& state) {
  print_jobs(ctx, report.jobs);
  ctx.note(std::to_string(report.completed) + " downloaded, " + std::to_string(report.failed) +
           " failed, " + std::to_string(report.refused) + " refused, " +
           std::to_string(report.errors) + " unfinished; " + std::to_string(report.requests) +
           " requests; state in " + state.path().string() +
           (std::any_of(report.jobs.begin(), report.jobs.end(),
                        [](const BatchJobState& s) { return s.from_earlier_run; })
                ? " (* from an earlier run)"
                : ""));
}

} // namespace sora::cli
