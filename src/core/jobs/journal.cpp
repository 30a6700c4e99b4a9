// The job journal: JSON Lines, appended with O_APPEND (starting on a fresh line), and the
// write-ahead intents beside it, fsynced before a create is sent.
#include "common/atomic_file.hpp"
#include "common/text.hpp"

#include <sora/journal.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <chrono>
#include <fstream>
#include <set>

namespace sora {
namespace {

using json = nlohmann::ordered_json;

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
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

// The job file: readable entries and the numbers of the lines that are not.
void read_jobs(const std::filesystem::path& path, JournalContents& out) {
  std::ifstream in(path);
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || text(j, "id").empty()) {
      out.damaged_lines.push_back(number);
      continue;
    }
    JournalEntry e = entry_from(j, line, number);
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
  j["time"] = entry.time ? entry.time : now_seconds();
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
  j["time"] = intent.time ? intent.time : now_seconds();
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
  j["time"] = now_seconds();
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

Result<std::vector<JournalEntry>> Journal::read() const {
  auto contents = load();
  if (!contents) return unexpected(contents.error());
  return std::move(contents->jobs);
}

Result<JournalReference> Journal::resolve_reference(std::string_view reference) const {
  if (!reference.starts_with("@")) return JournalReference{std::string(reference), {}};
  auto back = parse_reference(reference);
  if (!back) return unexpected(back.error());
  auto contents = load();
  if (!contents) return unexpected(contents.error());
  const auto& entries = contents->jobs;
  if (*back > entries.size()) {
    Error e;
    e.code = ErrorCode::invalid_argument;
    e.message = entries.empty()
                    ? "The job journal is empty, so " + std::string(reference) + " names no job."
                    : "The job journal holds only " + std::to_string(entries.size()) + " jobs.";
    e.hint = "The journal lists the jobs sora has started (" + m_path.string() + ").";
    e.hint_kind = HintKind::show_history;
    e.hint_values = {m_path.string()};
    return unexpected(std::move(e));
  }
  const JournalEntry& named = entries[entries.size() - *back];
  JournalReference out{named.id, {}};
  for (auto line : contents->damaged_lines)
    if (line > named.line) out.skipped_lines.push_back(line);
  return out;
}

Result<std::string> Journal::resolve(std::string_view reference) const {
  auto named = resolve_reference(reference);
  if (!named) return unexpected(named.error());
  return named->id;
}

} // namespace sora
