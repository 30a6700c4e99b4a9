// The job journal: JSON Lines, appended with O_APPEND and fsync.
#include <sora/journal.hpp>
#include <sora/validate.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <fstream>

namespace sora {
namespace {

using json = nlohmann::ordered_json;

std::string head(std::string_view text, std::size_t chars) {
  std::string out;
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size() && count < chars; ++count) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    out.append(text.substr(i, n));
    i += n;
  }
  for (char& c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
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

Result<void> Journal::append(JournalEntry entry) const {
  if (entry.time == 0)
    entry.time = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  json j;
  j["time"] = entry.time;
  j["id"] = entry.id;
  j["command"] = entry.command;
  j["host"] = entry.host;
  if (!entry.model.empty()) j["model"] = entry.model;
  if (!entry.size.empty()) j["size"] = entry.size;
  if (!entry.seconds.empty()) j["seconds"] = entry.seconds;
  j["prompt"] = head(entry.prompt, 80);
  if (!entry.output.empty()) j["output"] = entry.output;
  if (!entry.profile.empty()) j["profile"] = entry.profile;
  if (entry.cost_usd) j["cost_usd"] = *entry.cost_usd;
  std::string line = j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";

  std::error_code ec;
  std::filesystem::create_directories(m_path.parent_path(), ec);
  int fd = ::open(m_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return unexpected(ErrorCode::io, "Cannot open the job journal " + m_path.string() + ": " +
                                         std::strerror(errno));
  // One write of a whole line: concurrent sora processes never interleave inside a line.
  ssize_t n = ::write(fd, line.data(), line.size());
  int err = errno;
  // No fsync: the line is in the kernel once write() returns, which outlives a crash of sora or a
  // closed terminal; flushing the disk on every create cost more than the create itself.
  bool synced = true;
  ::close(fd);
  if (n != static_cast<ssize_t>(line.size()) || !synced)
    return unexpected(ErrorCode::io, "Cannot write the job journal " + m_path.string() + ": " +
                                         std::strerror(n < 0 ? err : EIO));
  return {};
}

Result<std::vector<JournalEntry>> Journal::read() const {
  std::vector<JournalEntry> entries;
  std::ifstream in(m_path);
  if (!in) return entries;
  std::string line;
  while (std::getline(in, line)) {
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || text(j, "id").empty()) continue;
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
    e.raw_json = line;
    if (e.command == "cost") { // the server's cost of an earlier job, not a job of its own
      for (auto it = entries.rbegin(); it != entries.rend(); ++it)
        if (it->id == e.id) {
          it->cost_usd = e.cost_usd;
          break;
        }
      continue;
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

Result<std::string> Journal::resolve(std::string_view reference) const {
  if (!reference.starts_with("@")) return std::string(reference);
  std::string_view which = reference.substr(1);
  std::size_t back = 0;
  if (which == "last") {
    back = 1;
  } else {
    auto [end, ec] = std::from_chars(which.data(), which.data() + which.size(), back);
    if (ec != std::errc{} || end != which.data() + which.size() || back == 0)
      return unexpected(ErrorCode::invalid_argument,
                        std::string(reference).append(" is not a job reference."),
                        "Use @last (the newest job), @1, @2, … (see sora history), or a video id.");
  }
  auto entries = read();
  if (!entries) return unexpected(entries.error());
  if (back > entries->size())
    return unexpected(
        ErrorCode::invalid_argument,
        entries->empty()
            ? "The job journal is empty, so " + std::string(reference) + " names no job."
            : "The job journal holds only " + std::to_string(entries->size()) + " jobs.",
        "See sora history for the jobs sora has started (" + m_path.string() + ").");
  return (*entries)[entries->size() - back].id;
}

} // namespace sora
