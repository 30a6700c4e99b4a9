// The job journal: JSON Lines, appended with O_APPEND (starting on a fresh line), and the
// write-ahead intents beside it, fsynced before a create is sent.
#include "common/atomic_file.hpp"
#include "common/text.hpp"
#include "common/unix_time.hpp"

#include <sora/journal.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace sora {
namespace {

using json = nlohmann::ordered_json;

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string dump_line(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<void> append_to(const std::filesystem::path& path, const json& j, bool durable) {
  auto ok = append_line(path, dump_line(j), durable);
  if (!ok)
    return unexpected(ErrorCode::io,
                      "Cannot write the job journal " + path.string() + ": " + ok.error().message);
  return {};
}

void put_if(json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}

JournalEntry entry_from(const json& j, const std::string& line, std::size_t number) {
  JournalEntry e;
  if (auto t = j.find("time"); t != j.end() && t->is_number_integer())
    e.time = t->get<std::int64_t>();
  e.id = text(j, "id");
  e.command = text(j, "command");
  e.host = text(j, "host");
  e.model = text(j, "model");
  e.size = text(j, "size");
  e.seconds = text(j, "seconds");
  e.prompt = text(j, "prompt");
  e.output = text(j, "output");
  e.profile = text(j, "profile");
  if (auto c = j.find("cost_usd"); c != j.end() && c->is_number()) e.cost_usd = c->get<double>();
  if (auto c = j.find("estimate_usd"); c != j.end() && c->is_number())
    e.estimate_usd = c->get<double>();
  e.idempotency_key = text(j, "idempotency_key");
  e.fingerprint = text(j, "fingerprint");
  e.raw_json = line;
  e.line = number;
  return e;
}

JournalIntent intent_from(const json& j) {
  JournalIntent i;
  if (auto t = j.find("time"); t != j.end() && t->is_number_integer())
    i.time = t->get<std::int64_t>();
  i.label = text(j, "label");
  i.idempotency_key = text(j, "idempotency_key");
  i.fingerprint = text(j, "fingerprint");
  i.command = text(j, "command");
  i.host = text(j, "host");
  i.prompt = text(j, "prompt");
  i.output = text(j, "output");
  return i;
}

// A file's lines from the last to the first, read in blocks from the end, so the newest records
// cost the same however long the file is. Lines are split as std::getline splits them: a final
// '\n' ends the last line, and a last line without one (a torn append) is a line of its own.
class BackwardLines {
public:
  explicit BackwardLines(const std::filesystem::path& path) : m_in(path, std::ios::binary) {
    if (!m_in) return;
    m_in.seekg(0, std::ios::end);
    auto end = m_in.tellg();
    m_pos = end > 0 ? static_cast<std::uint64_t>(end) : 0;
    m_done = m_pos == 0;
    if (m_done || !load_block()) return;
    if (m_buffer.back() == '\n') m_buffer.pop_back();
  }

  /// The line before the one returned last (without its '\n') and the offset it starts at;
  /// false once the first line has been returned.
  bool previous(std::string& line, std::uint64_t& start) {
    if (m_done) return false;
    std::size_t newline;
    while ((newline = last_newline()) == std::string::npos && m_pos > 0)
      if (!load_block()) return false;
    if (newline == std::string::npos) { // the first line of the file
      line = std::move(m_buffer);
      start = 0;
      m_buffer.clear();
      m_done = true;
      return true;
    }
    line.assign(m_buffer, newline + 1);
    start = m_pos + newline + 1;
    m_buffer.resize(newline);
    return true;
  }

private:
  static constexpr std::uint64_t k_block = 64 * 1024;

  // memrchr, not std::string::rfind (a loop over one byte at a time): a long journal's lines
  // are found at the speed of memory.
  std::size_t last_newline() const {
    const void* at = ::memrchr(m_buffer.data(), '\n', m_buffer.size());
    return at ? static_cast<std::size_t>(static_cast<const char*>(at) - m_buffer.data())
              : std::string::npos;
  }

  // Puts the block before m_pos in front of the buffer.
  bool load_block() {
    std::uint64_t size = std::min(k_block, m_pos);
    m_pos -= size;
    std::string block(size, '\0');
    m_in.seekg(static_cast<std::streamoff>(m_pos));
    if (!m_in.read(block.data(), static_cast<std::streamsize>(size))) {
      m_done = true;
      return false;
    }
    m_buffer.insert(0, block);
    return true;
  }

  std::ifstream m_in;
  std::uint64_t m_pos = 0; ///< the file offset of m_buffer's first byte
  std::string m_buffer;    ///< the bytes not returned yet
  bool m_done = true;
};

bool blank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

// A job file line as a record, or nothing when it is unreadable (a damaged line).
std::optional<json> job_record(const std::string& line) {
  json j = json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object() || text(j, "id").empty()) return std::nullopt;
  return j;
}

// The 1-based line numbers of the lines starting at `offsets` (ascending); reads the file up to
// the last of them, which only happens when a damaged line is to be named.
std::vector<std::size_t> line_numbers(const std::filesystem::path& path,
                                      const std::vector<std::uint64_t>& offsets) {
  std::vector<std::size_t> numbers;
  std::ifstream in(path, std::ios::binary);
  std::size_t line = 1;
  std::uint64_t at = 0;
  char buffer[64 * 1024];
  for (auto offset : offsets) {
    while (at < offset && in) {
      auto want = static_cast<std::streamsize>(std::min<std::uint64_t>(sizeof buffer, offset - at));
      in.read(buffer, want);
      auto got = in.gcount();
      line += static_cast<std::size_t>(std::count(buffer, buffer + got, '\n'));
      at += static_cast<std::uint64_t>(got);
    }
    numbers.push_back(line);
  }
  return numbers;
}

// A member of a journal line read without parsing the line: a string without escapes, or an
// integer's digits. Nothing when absent or not that simple. Journal lines are written compactly,
// so this is the usual case, and a name inside a string value never matches (its quotes are
// escaped there).
std::optional<std::string_view> plain_member(std::string_view line, std::string_view name) {
  constexpr auto npos = std::string_view::npos;
  for (auto at = line.find(name); at != npos; at = line.find(name, at + 1)) {
    if (at == 0 || line[at - 1] != '"' || line.substr(at + name.size(), 1) != "\"") continue;
    auto p = line.find_first_not_of(" \t", at + name.size() + 1);
    if (p == npos || line[p] != ':') continue;
    p = line.find_first_not_of(" \t", p + 1);
    if (p == npos) return std::nullopt;
    // Plain loops: find_first_of and find_first_not_of look each character up in their set with
    // a call of their own, which was most of the time `status @last` spent on 512 lines.
    auto end = p + 1;
    if (line[p] == '"') {
      while (end < line.size() && line[end] != '"' && line[end] != '\\')
        ++end;
      if (end == line.size() || line[end] != '"') return std::nullopt;
      return line.substr(p + 1, end - p - 1);
    }
    end = p;
    while (end < line.size() && (line[end] == '-' || (line[end] >= '0' && line[end] <= '9')))
      ++end;
    if (end == p) return std::nullopt;
    return line.substr(p, end - p);
  }
  return std::nullopt;
}

// What recent_unresolved needs of a line: its idempotency key, time and one other string member.
// Views into the line, or into `parsed` when the line had to be parsed.
struct RecordFields {
  std::string_view key;
  std::int64_t time = 0;
  std::string_view other;
};

// The fields, scanned when the line is a complete object written the usual way, else parsed
// (into `parsed`, which the views then point into); nothing when the line is not a JSON object.
std::optional<RecordFields> record_fields(const std::string& line, std::string_view other,
                                          std::pair<std::string, std::string>& parsed) {
  auto last = line.find_last_not_of(" \t\r");
  bool whole = !line.empty() && line[0] == '{' && last != std::string::npos && line[last] == '}';
  auto key = plain_member(line, "idempotency_key");
  bool keyless = !key && line.find("\"idempotency_key\"") == std::string::npos;
  auto value = plain_member(line, other);
  auto time = plain_member(line, "time");
  if (whole && (key || keyless) && value && time) {
    RecordFields f{key ? *key : std::string_view(), 0, *value};
    std::from_chars(time->data(), time->data() + time->size(), f.time);
    return f;
  }
  json j = json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  parsed = {text(j, "idempotency_key"), text(j, std::string(other).c_str())};
  RecordFields f{parsed.first, 0, parsed.second};
  if (auto t = j.find("time"); t != j.end() && t->is_number_integer())
    f.time = t->get<std::int64_t>();
  return f;
}

// The job file: readable entries and the numbers of the lines that are not.
void read_jobs(const std::filesystem::path& path, JournalContents& out) {
  std::ifstream in(path);
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (blank(line)) continue;
    auto j = job_record(line);
    if (!j) {
      out.damaged_lines.push_back(number);
      continue;
    }
    JournalEntry e = entry_from(*j, line, number);
    if (e.command == "cost") { // the server's cost of an earlier job, not a job of its own
      for (auto it = out.jobs.rbegin(); it != out.jobs.rend(); ++it)
        if (it->id == e.id) {
          it->cost_usd = e.cost_usd;
          break;
        }
      continue;
    }
    out.jobs.push_back(std::move(e));
  }
}

// The intents file: intents not closed by a job record (same key) or a settled record.
void read_intents(const std::filesystem::path& path, JournalContents& out) {
  std::set<std::string> closed;
  for (const auto& job : out.jobs)
    if (!job.idempotency_key.empty()) closed.insert(job.idempotency_key);
  std::vector<JournalIntent> intents;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue; // a torn intent: its create was not sent
    std::string key = text(j, "idempotency_key");
    if (key.empty()) continue;
    if (text(j, "record") == "settled") {
      closed.insert(key);
      continue;
    }
    intents.push_back(intent_from(j));
  }
  std::set<std::string> seen;
  for (auto& intent : intents)
    if (!closed.contains(intent.idempotency_key) && seen.insert(intent.idempotency_key).second)
      out.unresolved.push_back(std::move(intent));
}

Result<std::size_t> parse_reference(std::string_view reference) {
  std::string_view which = reference.substr(1);
  std::size_t back = 0;
  if (which == "last") return std::size_t{1};
  auto [end, ec] = std::from_chars(which.data(), which.data() + which.size(), back);
  if (ec != std::errc{} || end != which.data() + which.size() || back == 0) {
    Error e;
    e.code = ErrorCode::invalid_argument;
    e.message = std::string(reference).append(" is not a job reference.");
    e.hint = "Use @last (the newest job), @1, @2, … (the journal lists them), or a video id.";
    e.hint_kind = HintKind::use_job_reference;
    return unexpected(std::move(e));
  }
  return back;
}

} // namespace

std::filesystem::path Journal::default_path(const char* xdg_state_home, const char* home) {
  std::filesystem::path base;
  if (xdg_state_home && *xdg_state_home && xdg_state_home[0] == '/')
    base = xdg_state_home;
  else
    base = std::filesystem::path(home && *home ? home : ".") / ".local" / "state";
  return base / "sora" / "jobs.jsonl";
}

std::filesystem::path Journal::intents_path() const {
  auto name = m_path.stem().string() + ".intents.jsonl";
  return m_path.has_parent_path() ? m_path.parent_path() / name : std::filesystem::path(name);
}

Result<void> Journal::append(JournalEntry entry) const {
  json j;
  j["time"] = entry.time ? entry.time : detail::unix_seconds_now();
  j["id"] = entry.id;
  j["command"] = entry.command;
  j["host"] = entry.host;
  put_if(j, "model", entry.model);
  put_if(j, "size", entry.size);
  put_if(j, "seconds", entry.seconds);
  j["prompt"] = detail::one_line_head(entry.prompt);
  put_if(j, "output", entry.output);
  put_if(j, "profile", entry.profile);
  if (entry.cost_usd) j["cost_usd"] = *entry.cost_usd;
  if (entry.estimate_usd) j["estimate_usd"] = *entry.estimate_usd;
  put_if(j, "idempotency_key", entry.idempotency_key);
  put_if(j, "fingerprint", entry.fingerprint);
  // No fsync: the line is in the kernel once write() returns, which outlives a crash of sora or
  // a closed terminal; the intent before the create is the durable record (fsynced).
  return append_to(m_path, j, false);
}

Result<void> Journal::append_intent(JournalIntent intent) const {
  json j;
  j["record"] = "intent";
  j["time"] = intent.time ? intent.time : detail::unix_seconds_now();
  put_if(j, "label", intent.label);
  j["idempotency_key"] = intent.idempotency_key;
  put_if(j, "fingerprint", intent.fingerprint);
  j["command"] = intent.command;
  j["host"] = intent.host;
  j["prompt"] = detail::one_line_head(intent.prompt);
  put_if(j, "output", intent.output);
  return append_to(intents_path(), j, true); // durable before the create is sent
}

Result<void> Journal::settle_intent(std::string_view idempotency_key,
                                    std::string_view outcome) const {
  json j;
  j["record"] = "settled";
  j["time"] = detail::unix_seconds_now();
  j["idempotency_key"] = std::string(idempotency_key);
  j["outcome"] = std::string(outcome);
  return append_to(intents_path(), j, true);
}

Result<JournalContents> Journal::load() const {
  JournalContents out;
  read_jobs(m_path, out);
  read_intents(intents_path(), out);
  return out;
}

// The newest `count` jobs from the end of the file. A cost line applies to the newest job before
// it with its id, and the last such line wins (as read_jobs folds them): read backwards, the first
// cost line met for an id waits for the next job with that id, which takes it.
Result<JournalContents> Journal::load_newest(std::size_t count) const {
  JournalContents out;
  std::map<std::string, std::optional<double>> costs; // id -> the newest cost not yet taken
  std::vector<std::uint64_t> damaged;                 // newest first
  BackwardLines lines(m_path);
  std::string line;
  std::uint64_t start = 0;
  while (out.jobs.size() < count && lines.previous(line, start)) {
    if (blank(line)) continue;
    auto j = job_record(line);
    if (!j) {
      damaged.push_back(start);
      continue;
    }
    JournalEntry e = entry_from(*j, line, 0);
    if (e.command == "cost") {
      costs.try_emplace(e.id, e.cost_usd);
      continue;
    }
    if (auto cost = costs.find(e.id); cost != costs.end()) {
      e.cost_usd = cost->second;
      costs.erase(cost);
    }
    out.jobs.push_back(std::move(e));
  }
  std::reverse(out.jobs.begin(), out.jobs.end());
  std::reverse(damaged.begin(), damaged.end());
  if (!damaged.empty()) out.damaged_lines = line_numbers(m_path, damaged);
  auto unresolved = recent_unresolved(std::max(count, k_recent_intents));
  if (!unresolved) return unexpected(unresolved.error());
  out.unresolved = std::move(*unresolved);
  return out;
}

Result<std::vector<JournalEntry>> Journal::read() const {
  auto contents = load();
  if (!contents) return unexpected(contents.error());
  return std::move(contents->jobs);
}

// Read from the end: @N costs the same however long the journal is. The damaged lines newer than
// the job named are numbered (which reads the file up to them) only when there are any.
Result<JournalReference> Journal::resolve_reference(std::string_view reference) const {
  if (!reference.starts_with("@")) return JournalReference{std::string(reference), {}};
  auto back = parse_reference(reference);
  if (!back) return unexpected(back.error());
  BackwardLines lines(m_path);
  std::string line;
  std::uint64_t start = 0;
  std::vector<std::uint64_t> damaged; // newest first
  std::size_t jobs = 0;
  while (lines.previous(line, start)) {
    if (blank(line)) continue;
    auto j = job_record(line);
    if (!j) {
      damaged.push_back(start);
      continue;
    }
    if (text(*j, "command") == "cost" || ++jobs < *back) continue; // a cost is not a job
    std::reverse(damaged.begin(), damaged.end());
    return JournalReference{text(*j, "id"), line_numbers(m_path, damaged)};
  }
  Error e;
  e.code = ErrorCode::invalid_argument;
  e.message = jobs == 0
                  ? "The job journal is empty, so " + std::string(reference) + " names no job."
                  : "The job journal holds only " + std::to_string(jobs) + " jobs.";
  e.hint = "The journal lists the jobs sora has started (" + m_path.string() + ").";
  e.hint_kind = HintKind::show_history;
  e.hint_values = {m_path.string()};
  return unexpected(std::move(e));
}

// The newest `count` intent records, read from the end of the intents file; then the job file
// from its end until every candidate is closed by its job, or the jobs are older than the oldest
// candidate (a job is recorded after its intent; k_clock_skew allows for a clock step). Lines are
// scanned (plain_member), not parsed: only the intents left open are parsed in full.
Result<std::vector<JournalIntent>> Journal::recent_unresolved(std::size_t count) const {
  constexpr std::int64_t k_clock_skew = 600;
  struct Candidate {
    std::string key;
    std::string line;      ///< the oldest attempt's line
    std::size_t depth = 0; ///< how far back that line is, in records
  };
  std::vector<Candidate> candidates; // newest first
  std::map<std::string, std::size_t, std::less<>> index;
  std::set<std::string, std::less<>> settled;
  std::pair<std::string, std::string> parsed; // the members of a line that had to be parsed
  std::int64_t oldest = std::numeric_limits<std::int64_t>::max();
  BackwardLines intents(intents_path());
  std::string line;
  std::uint64_t start = 0;
  for (std::size_t records = 0; records < count && intents.previous(line, start);) {
    auto fields = record_fields(line, "record", parsed);
    if (!fields || fields->key.empty()) continue; // a torn intent: its create was not sent
    ++records;
    if (fields->other == "settled") {
      settled.emplace(fields->key); // written after its intent, so read before it
      continue;
    }
    if (settled.contains(fields->key)) continue;
    oldest = std::min(oldest, fields->time);
    auto [at, added] = index.try_emplace(std::string(fields->key), candidates.size());
    if (added)
      candidates.push_back({std::string(fields->key), line, records});
    else // the first attempt's time finds its job, and its place orders the list (as load())
      candidates[at->second] = {std::string(fields->key), line, records};
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) { return a.depth < b.depth; });
  std::set<std::string, std::less<>> open; // found by a line's view, without a copy
  for (const auto& c : candidates)
    open.insert(c.key);
  BackwardLines jobs(m_path);
  while (!open.empty() && jobs.previous(line, start)) {
    auto fields = record_fields(line, "id", parsed);
    if (!fields || fields->other.empty()) continue; // a damaged line
    if (auto it = open.find(fields->key); it != open.end()) open.erase(it);
    if (fields->time != 0 && fields->time < oldest - k_clock_skew) break;
  }
  std::vector<JournalIntent> out;
  for (auto it = candidates.rbegin(); it != candidates.rend(); ++it)
    if (open.contains(it->key))
      if (json j = json::parse(it->line, nullptr, false); j.is_object())
        out.push_back(intent_from(j));
  return out;
}

Result<std::string> Journal::resolve(std::string_view reference) const {
  auto named = resolve_reference(reference);
  if (!named) return unexpected(named.error());
  return named->id;
}

} // namespace sora
