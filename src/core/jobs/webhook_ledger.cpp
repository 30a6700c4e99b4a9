// The ledger of webhook deliveries already handled, kept in an atomically rewritten JSON file.
#include <sora/webhooks.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace sora {
namespace {

using json = nlohmann::ordered_json;

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

Result<void> DeliveryLedger::load() {
  std::ifstream in(m_path, std::ios::binary);
  if (!in) return {}; // no state yet
  std::string body(std::istreambuf_iterator<char>(in), {});
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return unexpected(ErrorCode::io, "The state file " + m_path.string() + " is damaged.",
                      "Move it away to start afresh (deliveries seen before may then be acted "
                      "on again).");
  m_deliveries.clear();
  m_jobs.clear();
  if (auto d = j.find("deliveries"); d != j.end() && d->is_array())
    for (const auto& id : *d)
      if (id.is_string()) m_deliveries.push_back(id.get<std::string>());
  if (auto jobs = j.find("jobs"); jobs != j.end() && jobs->is_object())
    for (const auto& [id, record] : jobs->items())
      if (record.is_object())
        m_jobs[id] = {text(record, "status"), text(record, "file"), text(record, "error")};
  return {};
}

bool DeliveryLedger::seen(std::string_view delivery_id) const {
  return std::find(m_deliveries.begin(), m_deliveries.end(), delivery_id) != m_deliveries.end();
}

Result<void> DeliveryLedger::remember(std::string_view delivery_id) {
  if (seen(delivery_id)) return {};
  m_deliveries.emplace_back(delivery_id);
  if (m_deliveries.size() > k_max_deliveries)
    m_deliveries.erase(m_deliveries.begin(),
                       m_deliveries.begin() +
                           static_cast<std::ptrdiff_t>(m_deliveries.size() - k_max_deliveries));
  return save();
}

std::optional<WebhookJobRecord> DeliveryLedger::job(std::string_view video_id) const {
  auto it = m_jobs.find(video_id);
  if (it == m_jobs.end()) return std::nullopt;
  return it->second;
}

Result<void> DeliveryLedger::set_job(const std::string& video_id, WebhookJobRecord record) {
  m_jobs[video_id] = std::move(record);
  return save();
}

std::vector<std::string> DeliveryLedger::unfinished_jobs() const {
  std::vector<std::string> ids;
  for (const auto& [id, record] : m_jobs)
    if (record.status == "received") ids.push_back(id);
  return ids;
}

Result<void> DeliveryLedger::save() const {
  json j;
  j["deliveries"] = m_deliveries;
  json jobs = json::object();
  for (const auto& [id, record] : m_jobs) {
    json r;
    r["status"] = record.status;
    if (!record.file.empty()) r["file"] = record.file;
    if (!record.error.empty()) r["error"] = record.error;
    jobs[id] = std::move(r);
  }
  j["jobs"] = std::move(jobs);
  std::string body = j.dump(1) + "\n";
  std::error_code ec;
  if (m_path.has_parent_path()) std::filesystem::create_directories(m_path.parent_path(), ec);
  auto temp = m_path;
  temp += ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return unexpected(ErrorCode::io, "Cannot write the state file " + temp.string() + ": " +
                                         std::strerror(errno) + ".");
  bool ok = ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), m_path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return unexpected(ErrorCode::io, "Cannot write the state file " + m_path.string() + ".");
  }
  return {};
}

} // namespace sora
