// The batch state file: a JSON Lines log of job transitions, appended as they happen and compacted
// at the start and the end of a run (docs/adr/0014-batch-state-log.md); the older whole-file
// format loads too.
#include "common/atomic_file.hpp"

#include <sora/batch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

namespace sora {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using BatchJobs = std::map<std::string, BatchJobState>;

constexpr const char* k_format = "sora-batch-state";
constexpr int k_version = 2;

std::optional<BatchStatus> parse_batch_status(std::string_view text) {
  for (auto s :
       {BatchStatus::pending, BatchStatus::created, BatchStatus::completed, BatchStatus::downloaded,
        BatchStatus::failed, BatchStatus::refused, BatchStatus::error})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

// The fields of one job, as both formats write them (the log adds the label).
json to_json(const BatchJobState& s) {
  json item;
  item["status"] = std::string(to_string(s.status));
  if (!s.video_id.empty()) item["video_id"] = s.video_id;
  if (!s.output.empty()) item["output"] = s.output;
  if (!s.error.empty()) item["error"] = s.error;
  if (!s.error_kind.empty()) item["error_kind"] = s.error_kind;
  if (s.exit_code) item["exit_code"] = s.exit_code; // carried over from an older file
  if (!s.idempotency_key.empty()) item["idempotency_key"] = s.idempotency_key;
  if (!s.fingerprint.empty()) item["fingerprint"] = s.fingerprint;
  if (s.intent_time) item["intent_time"] = s.intent_time;
  return item;
}

BatchJobState from_json(const std::string& label, const json& item) {
  BatchJobState s;
  s.label = label;
  s.video_id = item.value("video_id", "");
  s.status = parse_batch_status(item.value("status", "pending")).value_or(BatchStatus::pending);
  s.output = item.value("output", "");
  s.error = item.value("error", "");
  s.exit_code = item.value("exit_code", 0); // older files: the CLI's exit code
  s.error_kind = item.value("error_kind", "");
  s.idempotency_key = item.value("idempotency_key", "");
  s.fingerprint = item.value("fingerprint", "");
  s.intent_time = item.value("intent_time", std::int64_t{0});
  return s;
}

std::string log_line(const BatchJobState& s) {
  json line;
  line["label"] = s.label;
  line.update(to_json(s));
  return line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string header_line() {
  json header;
  header["format"] = k_format;
  header["version"] = k_version;
  return header.dump() + "\n";
}

bool is_header(const json& j) {
  return j.is_object() && j.value("format", "") == k_format && j.contains("version") &&
         j["version"].is_number_integer();
}

bool is_record(const json& j) {
  return j.is_object() && j.contains("label") && j["label"].is_string() && j.contains("status");
}

// The older format: one JSON object {"version":1,"jobs":{label: state}}, possibly indented.
Result<void> load_whole_file(std::istream& in, const fs::path& path, BatchJobs& jobs) {
  in.clear();
  in.seekg(0);
  if (in.peek() == std::char_traits<char>::eof()) return {}; // an empty file: no state yet
  json j = json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("jobs") || !j["jobs"].is_object())
    return unexpected(ErrorCode::invalid_argument,
                      "The batch state file " + path.string() + " is damaged.",
                      "Move it aside to start over (jobs it names may already exist: see sora "
                      "history).");
  for (const auto& [label, item] : j["jobs"].items())
    if (item.is_object()) jobs[label] = from_json(label, item);
  return {};
}

void keep(const json& line, BatchJobs& jobs) {
  std::string label = line["label"].get<std::string>();
  jobs[label] = from_json(label, line);
}

} // namespace

std::string_view to_string(BatchStatus status) noexcept {
  switch (status) {
  case BatchStatus::pending:
    return "pending";
  case BatchStatus::created:
    return "created";
  case BatchStatus::completed:
    return "completed";
  case BatchStatus::downloaded:
    return "downloaded";
  case BatchStatus::failed:
    return "failed";
  case BatchStatus::refused:
    return "refused";
  case BatchStatus::error:
    return "error";
  }
  return "pending";
}

Result<void> BatchState::load() {
  m_skipped_lines = 0;
  std::ifstream in(m_path, std::ios::binary);
  if (!in) return {};
  std::string first;
  std::getline(in, first);
  json head = json::parse(first, nullptr, false);
  if (!is_header(head) && !is_record(head)) return load_whole_file(in, m_path, m_jobs);
  if (is_header(head) && head.value("version", 0) > k_version)
    return unexpected(ErrorCode::invalid_argument,
                      "The batch state file " + m_path.string() +
                          " was written by a newer sora (format version " +
                          std::to_string(head.value("version", 0)) + ").",
                      "Upgrade sora, or use another state file.");
  if (is_record(head)) keep(head, m_jobs);
  // One line per transition, the last line of a label winning. A line cut off by a crash (the
  // last one, or one a later append started afresh after) is skipped: the transition it was
  // writing had not been acted on, or was written again (an intent is fsynced before its create).
  std::string text;
  while (std::getline(in, text)) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    json line = json::parse(text, nullptr, false);
    if (is_record(line))
      keep(line, m_jobs);
    else
      ++m_skipped_lines;
  }
  return {};
}

Result<void> BatchState::save(bool durable) const {
  std::string text = header_line();
  for (const auto& [label, s] : m_jobs) {
    BatchJobState named = s;
    named.label = label;
    text += log_line(named);
  }
  std::error_code ec;
  if (m_path.has_parent_path()) fs::create_directories(m_path.parent_path(), ec);
  return write_file_atomically(m_path, text, durable);
}

Result<void> BatchState::append(const BatchJobState& job, bool durable) const {
  return append_line(m_path, log_line(job), durable);
}

int progress_rank(BatchStatus status) noexcept {
  switch (status) {
  case BatchStatus::pending:
    return 0;
  case BatchStatus::error:
    return 1;
  case BatchStatus::failed:
  case BatchStatus::refused:
    return 2;
  case BatchStatus::created:
    return 3;
  case BatchStatus::completed:
    return 4;
  case BatchStatus::downloaded:
    return 5;
  }
  return 0;
}

Result<std::map<std::string, BatchJobState>>
merge_batch_states(const std::vector<fs::path>& files) {
  std::map<std::string, BatchJobState> merged;
  for (const auto& file : files) {
    BatchState state(file);
    if (auto ok = state.load(); !ok) return unexpected(ok.error());
    for (auto& [label, s] : state.jobs()) {
      auto [it, fresh] = merged.emplace(label, s);
      if (!fresh && progress_rank(s.status) > progress_rank(it->second.status)) it->second = s;
    }
  }
  return merged;
}

} // namespace sora
