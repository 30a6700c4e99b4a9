// Recording of API requests for /_mock/requests.
#include "request_log.hpp"

#include "params.hpp"

namespace sora_mock {

std::shared_ptr<RequestLog::Entry> RequestLog::begin(const httplib::Request& req,
                                                     const UploadSizes* upload_sizes) {
  Json query = Json::object();
  for (const auto& [key, value] : req.params) {
    if (!query.contains(key)) query[key] = value;
  }
  Json fields = Json::object();
  for (const auto& [name, part] : req.files) {
    if (fields.contains(name)) continue;
    if (!part.filename.empty() || name == "input_reference") {
      std::uint64_t size = part.content.size();
      if (upload_sizes) {
        if (auto it = upload_sizes->find(name); it != upload_sizes->end()) size = it->second;
      }
      fields[name] =
          Json{{"filename", part.filename}, {"content_type", part.content_type}, {"size", size}};
      // The pixel size of an uploaded image, so tests can check what a resize sent.
      if (auto format = detect_image_format(part.content)) {
        if (auto dims = probe_image_size(part.content, *format)) {
          fields[name]["width"] = dims->width;
          fields[name]["height"] = dims->height;
        }
      }
    } else {
      fields[name] = part.content;
    }
  }
  const auto content_type = req.get_header_value("Content-Type");
  Json body = nullptr;
  if (!req.is_multipart_form_data() && !req.body.empty() &&
      (content_type.empty() || is_json_content_type(content_type))) {
    auto parsed = Json::parse(req.body, nullptr, false);
    if (!parsed.is_discarded()) body = std::move(parsed);
  }

  Json header_names = Json::array(); // names only: values may hold the key
  for (const auto& [name, value] : req.headers)
    header_names.push_back(name);

  auto entry = std::make_shared<Entry>();
  entry->record = Json{
      {"method", req.method},
      {"path", req.path},
      {"query", std::move(query)},
      {"content_type", content_type.empty() ? Json() : Json(content_type)},
      {"authorized", false},
      {"status", 0},
      {"fields", std::move(fields)},
      {"json", std::move(body)},
      {"header_names", std::move(header_names)},
  };
  std::lock_guard lock(m_mutex);
  m_entries.push_back(entry);
  return entry;
}

void RequestLog::finish(const std::shared_ptr<Entry>& entry, bool authorized, int status) {
  std::lock_guard lock(m_mutex);
  entry->record["authorized"] = authorized;
  entry->record["status"] = status;
}

Json RequestLog::snapshot() const {
  std::lock_guard lock(m_mutex);
  Json out = Json::array();
  for (const auto& entry : m_entries)
    out.push_back(entry->record);
  return out;
}

void RequestLog::clear() {
  std::lock_guard lock(m_mutex);
  m_entries.clear();
}

} // namespace sora_mock
