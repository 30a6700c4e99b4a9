// Result formatting. Rows start with the id so `awk '{print $1}'` works; JSON is passed through.
#include "output.hpp"

#include <sora/terminal_text.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <utility>

namespace sora::cli {

namespace {

std::vector<std::string> columns(const Video& v) {
  return {v.id,
          v.status_raw.empty() ? std::string(to_string(v.status)) : v.status_raw,
          std::to_string(v.progress) + "%",
          v.model.empty() ? "-" : v.model,
          v.size.empty() ? "-" : v.size,
          v.seconds.empty() ? "-" : v.seconds + "s",
          v.created_at ? iso_time(v.created_at) : "-"};
}

std::string join(const std::vector<std::string>& cells, const std::vector<std::size_t>& widths) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    line += cells[i];
    if (i + 1 < cells.size()) line += std::string(widths[i] - cells[i].size() + 2, ' ');
  }
  return line;
}

using json = nlohmann::ordered_json;

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json string_or_null(const std::string& text) {
  return text.empty() ? json() : json(text);
}

template <typename T> json optional_or_null(const std::optional<T>& value) {
  return value ? json(*value) : json();
}

// `error`: {code, message, kind}, where code is the server's (else the kind) and kind sora's.
json error_object(const Error& e, bool kind_known = true) {
  return json{{"code", e.api_code.empty() ? std::string(to_string(e.code)) : e.api_code},
              {"message", e.message},
              {"kind", kind_known ? json(std::string(to_string(e.code))) : json()}};
}

json video_error(const Video& v, const JsonExtras& extras) {
  if (extras.failure) return error_object(*extras.failure);
  bool unfinished = v.status == VideoStatus::failed || v.status == VideoStatus::cancelled ||
                    v.status == VideoStatus::expired;
  if (!unfinished && !v.error) return json();
  json e{{"code", v.error && !v.error->code.empty() ? json(v.error->code) : json()},
         {"message", v.error && !v.error->message.empty() ? json(v.error->message) : json()},
         {"kind", json()}};
  if (unfinished) e["kind"] = std::string(to_string(error_for_job(v).code));
  return e;
}

// What sora adds, in a fixed order, each key only when known.
void add_extras(json& doc, const JsonExtras& extras) {
  if (extras.label) doc["label"] = *extras.label;
  if (extras.batch_status) doc["batch_status"] = *extras.batch_status;
  if (extras.earlier_run) doc["earlier_run"] = *extras.earlier_run;
  if (extras.file) doc["file"] = *extras.file;
  if (extras.variant) doc["variant"] = *extras.variant;
  if (extras.bytes) doc["bytes"] = *extras.bytes;
  if (extras.cost_usd)
    doc["cost"] =
        json{{"estimate", std::round(*extras.cost_usd * 10000) / 10000}, {"currency", "USD"}};
}

json server_object(const std::string& raw) {
  if (raw.empty()) return json();
  auto parsed = json::parse(raw, nullptr, false);
  return parsed.is_discarded() ? json(raw) : parsed;
}

} // namespace

JsonExtras saved_file(std::string file) {
  JsonExtras extras;
  extras.file = std::move(file);
  return extras;
}

std::string_view json_status(VideoStatus status) noexcept {
  // `deleted` is not one of OpenAI's words: a deleted video is gone as an expired one is.
  return status == VideoStatus::deleted ? "expired" : to_string(status);
}

std::string video_json(const Video& v, const JsonExtras& extras) {
  json doc;
  doc["id"] = v.id;
  doc["object"] = "video";
  doc["created_at"] = v.created_at;
  doc["status"] = std::string(json_status(v.status));
  doc["model"] = string_or_null(v.model);
  doc["progress"] = v.status == VideoStatus::completed ? 100 : std::clamp(v.progress, 0, 100);
  doc["seconds"] = string_or_null(v.seconds);
  doc["size"] = string_or_null(v.size);
  doc["remixed_from_video_id"] = optional_or_null(v.remixed_from_video_id);
  doc["completed_at"] = optional_or_null(v.completed_at);
  doc["expires_at"] = optional_or_null(v.expires_at);
  doc["prompt"] = optional_or_null(v.prompt);
  doc["error"] = video_error(v, extras);
  add_extras(doc, extras);
  doc["server"] = server_object(v.raw_json);
  return dump(doc);
}

std::string video_json(std::string_view id, std::optional<VideoStatus> status,
                       const JsonExtras& extras) {
  json doc;
  doc["id"] = id.empty() ? json() : json(std::string(id));
  doc["object"] = "video";
  doc["created_at"] = json();
  doc["status"] = status ? json(std::string(json_status(*status))) : json();
  doc["model"] = json();
  doc["progress"] = status == VideoStatus::completed ? json(100) : json();
  for (const char* key :
       {"seconds", "size", "remixed_from_video_id", "completed_at", "expires_at", "prompt"})
    doc[key] = json();
  doc["error"] =
      extras.failure ? error_object(*extras.failure, !extras.failure_kind_unknown) : json();
  add_extras(doc, extras);
  doc["server"] = json();
  return dump(doc);
}

std::string batch_job_json(const BatchJobState& job) {
  JsonExtras extras;
  extras.label = job.label;
  extras.batch_status = std::string(to_string(job.status));
  extras.earlier_run = job.from_earlier_run;
  if (!job.output.empty()) extras.file = job.output;
  std::optional<VideoStatus> status;
  switch (job.status) {
  case BatchStatus::pending:
    status = VideoStatus::queued;
    break;
  case BatchStatus::created:
    status = VideoStatus::in_progress;
    break;
  case BatchStatus::completed:
  case BatchStatus::downloaded:
    status = VideoStatus::completed;
    break;
  case BatchStatus::failed:
  case BatchStatus::refused:
    status = VideoStatus::failed;
    break;
  case BatchStatus::error: // sora's own failure: the job's state on the server is not known
    break;
  }
  if (!job.error.empty()) {
    Error e;
    e.code = job.status == BatchStatus::refused  ? ErrorCode::moderation
             : job.status == BatchStatus::failed ? ErrorCode::job_failed
                                                 : ErrorCode::internal;
    e.api_code = job.status == BatchStatus::error ? "error" : "";
    e.message = job.error;
    extras.failure = e;
    // The state file holds no error kind for sora's own failures yet: say so rather than guess.
    extras.failure_kind_unknown = job.status == BatchStatus::error;
  }
  return video_json(job.video_id, status, extras);
}

std::string download_json(std::string_view id, Variant variant, const std::string& file,
                          std::uint64_t bytes) {
  JsonExtras extras;
  extras.file = file;
  extras.variant = std::string(to_string(variant));
  extras.bytes = bytes;
  return video_json(id, VideoStatus::completed, extras);
}

std::string deleted_json(const DeletedVideo& deleted) {
  json doc{{"id", deleted.id},
           {"object", "video.deleted"},
           {"deleted", deleted.deleted},
           {"server", server_object(deleted.raw_json)}};
  return dump(doc);
}

std::string video_row(const Video& video) {
  auto cells = columns(video);
  std::vector<std::size_t> widths;
  for (const auto& cell : cells)
    widths.push_back(cell.size());
  return join(cells, widths);
}

std::vector<std::string> video_table(const std::vector<Video>& videos) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> widths(7, 0);
  for (const auto& video : videos) {
    rows.push_back(columns(video));
    for (std::size_t i = 0; i < rows.back().size(); ++i)
      widths[i] = std::max(widths[i], rows.back()[i].size());
  }
  std::vector<std::string> lines;
  for (const auto& row : rows)
    lines.push_back(join(row, widths));
  return lines;
}

namespace {
Redactor& redactor_slot() {
  static Redactor redactor;
  return redactor;
}
} // namespace

void set_output_redactor(Redactor redactor) {
  redactor_slot() = std::move(redactor);
}

const Redactor& output_redactor() {
  return redactor_slot();
}

std::string shown(std::string_view text) {
  return terminal_safe(redactor_slot().apply(std::string(text)));
}

std::string shown_lines(std::string_view text) {
  return terminal_safe_lines(redactor_slot().apply(std::string(text)));
}

void print_line(std::string_view text) {
  std::string line = shown(text);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void print_text(std::string_view text) {
  std::string lines = shown_lines(text);
  std::fwrite(lines.data(), 1, lines.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

std::string safe_file_name(std::string_view id) {
  // Only letters, digits and - _ . + = (base64 ids): nothing a terminal or a path acts on,
  // and never a secret (the id is redacted first).
  std::string name;
  for (char c : redactor_slot().apply(std::string(id))) {
    auto u = static_cast<unsigned char>(c);
    bool keep = (std::isalnum(u) && u < 0x80) ||
                std::string_view("-_.+=").find(c) != std::string_view::npos;
    name += keep ? c : '_';
  }
  while (!name.empty() && name.front() == '.')
    name.erase(0, 1);                      // no "..", no hidden files
  if (name.size() > 120) name.resize(120); // within any file system's limit, with an extension
  if (name.empty()) name = "video";
  return name;
}

std::string human_bytes(std::uint64_t bytes) {
  static constexpr const char* k_units[] = {"B", "KB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1000 && unit < 4) {
    value /= 1000;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, unit == 0 ? "%.0f %s" : "%.1f %s", value, k_units[unit]);
  return buffer;
}

std::string iso_time(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

} // namespace sora::cli
