// JSON reading and writing for the API's objects. Parsing never throws: a malformed answer is a
// protocol error, and unexpected types fall back to sensible defaults (tolerance rule 15).
#include "api/json_codec.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

namespace sora::detail {
namespace {

using json = nlohmann::ordered_json;

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Unexpected protocol_error(std::string message) {
  auto u =
      unexpected(ErrorCode::protocol, std::move(message),
                 "Check the `base_url`: it must point at a server that speaks the Videos API.");
  u.error.setting = "base_url";
  u.error.hint_kind = HintKind::check_base_url;
  return u;
}

// A double as an int64 when it is a whole number in range (a cast outside the range is undefined).
std::optional<std::int64_t> whole(double d) {
  if (!std::isfinite(d) || d < -9.2e18 || d > 9.2e18) return std::nullopt;
  return static_cast<std::int64_t>(d);
}

std::optional<std::string> as_string(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number_integer()) return std::to_string(j.get<std::int64_t>());
  if (j.is_number_float()) {
    double d = j.get<double>();
    if (auto w = whole(d); w && std::floor(d) == d) return std::to_string(*w);
    return dump(j);
  }
  return std::nullopt;
}

std::optional<std::int64_t> as_int(const json& j) {
  if (j.is_number_integer()) return j.get<std::int64_t>();
  if (j.is_number_float()) return whole(j.get<double>());
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (end != s.c_str()) return v; // "45%" reads as 45
  }
  return std::nullopt;
}

// created_at may be in milliseconds on some gateways: anything past 1e11 is.
std::optional<std::int64_t> as_time(const json& j) {
  auto v = as_int(j);
  if (v && *v > 100'000'000'000LL) *v /= 1000;
  return v;
}

const json* member(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

// The cost a server reports for a job, in USD: OpenRouter `usage.cost`, Together `outputs.cost`,
// LiteLLM `usage` (`cost`, `total_cost` or `response_cost`), or a top-level `cost`.
std::optional<double> reported_cost(const json& j) {
  auto number = [](const json* x) -> std::optional<double> {
    if (x && x->is_number() && x->get<double>() >= 0) return x->get<double>();
    return std::nullopt;
  };
  for (const char* holder : {"usage", "outputs"}) {
    const json* h = member(j, holder);
    if (!h || !h->is_object()) continue;
    for (const char* key : {"cost", "total_cost", "response_cost"})
      if (auto usd = number(member(*h, key))) return usd;
  }
  return number(member(j, "cost"));
}

Video video_from_json(const json& j) {
  static const std::set<std::string> k_known{
      "id",     "task_id",  "request_id", "object",       "model",
      "status", "progress", "created_at", "completed_at", "expires_at",
      "prompt", "size",     "seconds",    "quality",      "remixed_from_video_id",
      "error"};
  Video v;
  for (const char* key : {"id", "task_id", "request_id"}) {
    if (const json* id = member(j, key); id && as_string(*id) && !as_string(*id)->empty()) {
      v.id = *as_string(*id);
      break;
    }
  }
  if (const json* x = member(j, "object")) v.object = as_string(*x).value_or("video");
  if (const json* x = member(j, "model")) v.model = as_string(*x).value_or("");
  if (const json* x = member(j, "status")) {
    v.status_raw = as_string(*x).value_or("");
    v.status = parse_status(v.status_raw);
  }
  if (const json* x = member(j, "progress")) {
    auto p = as_int(*x).value_or(0);
    v.progress = static_cast<int>(p < 0 ? 0 : (p > 100 ? 100 : p));
  } else if (v.status == VideoStatus::completed) {
    v.progress = 100; // servers without a progress field (OpenRouter, Together): done is 100%
  }
  if (const json* x = member(j, "created_at")) v.created_at = as_time(*x).value_or(0);
  if (const json* x = member(j, "completed_at")) v.completed_at = as_time(*x);
  if (const json* x = member(j, "expires_at")) v.expires_at = as_time(*x);
  if (const json* x = member(j, "prompt")) v.prompt = as_string(*x);
  if (const json* x = member(j, "size")) v.size = as_string(*x).value_or("");
  if (const json* x = member(j, "seconds")) v.seconds = as_string(*x).value_or("");
  if (const json* x = member(j, "quality")) v.quality = as_string(*x);
  if (const json* x = member(j, "remixed_from_video_id")) v.remixed_from_video_id = as_string(*x);
  if (const json* x = member(j, "error")) {
    VideoError e;
    if (x->is_object()) {
      if (const json* c = member(*x, "code")) e.code = as_string(*c).value_or(dump(*c));
      if (const json* m = member(*x, "message")) e.message = as_string(*m).value_or(dump(*m));
    } else if (x->is_string()) {
      e.message = x->get<std::string>();
    } else {
      e.message = dump(*x);
    }
    v.error = std::move(e);
  }
  v.cost = reported_cost(j);
  for (const auto& [key, value] : j.items())
    if (!k_known.contains(key)) v.extra.emplace(key, dump(value));
  v.raw_json = dump(j);
  return v;
}

json parse_object(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return json();
  return j;
}

std::string excerpt(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 200))
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (text.size() > 200) out += "…";
  return out;
}

} // namespace

Result<Video> parse_video(std::string_view text) {
  json j = parse_object(text);
  if (j.is_null())
    return protocol_error("The server's answer is not a JSON object: " + excerpt(text));
  Video v = video_from_json(j);
  if (v.id.empty()) return protocol_error("The server's answer has no video id: " + excerpt(text));
  return v;
}

Result<VideoList> parse_video_list(std::string_view text) {
  json j = parse_object(text);
  if (j.is_null() || !j.contains("data") || !j["data"].is_array())
    return protocol_error("The server's answer is not a list of videos: " + excerpt(text));
  VideoList list;
  for (const auto& item : j["data"]) {
    if (!item.is_object()) continue;
    list.data.push_back(video_from_json(item));
  }
  if (const json* x = member(j, "first_id")) list.first_id = as_string(*x);
  if (const json* x = member(j, "last_id")) list.last_id = as_string(*x);
  if (const json* x = member(j, "has_more"); x && x->is_boolean()) list.has_more = x->get<bool>();
  list.raw_json = dump(j);
  return list;
}

Result<DeletedVideo> parse_deleted(std::string_view text) {
  json j = parse_object(text);
  if (j.is_null())
    return protocol_error("The server's answer is not a JSON object: " + excerpt(text));
  DeletedVideo d;
  Video v = video_from_json(j);
  d.id = v.id;
  if (const json* x = member(j, "deleted"); x && x->is_boolean())
    d.deleted = x->get<bool>();
  else
    d.deleted = v.status == VideoStatus::deleted;
  d.raw_json = dump(j);
  return d;
}

ApiErrorBody parse_error_body(std::string_view text, std::string_view content_type) {
  ApiErrorBody out;
  json j = parse_object(text);
  if (j.is_object()) {
    const json* e = member(j, "error");
    if (e && e->is_object()) { // OpenAI
      if (const json* x = member(*e, "message")) out.message = as_string(*x).value_or(dump(*x));
      if (const json* x = member(*e, "type")) out.type = as_string(*x).value_or("");
      if (const json* x = member(*e, "code")) out.code = as_string(*x).value_or("");
      if (const json* x = member(*e, "param")) out.param = as_string(*x).value_or("");
    } else if (e && e->is_string()) {
      out.message = e->get<std::string>();
    } else if (const json* d = member(j, "detail")) { // FastAPI
      if (d->is_string())
        out.message = d->get<std::string>();
      else if (d->is_array() && !d->empty() && d->front().is_object() && d->front().contains("msg"))
        out.message = as_string(d->front()["msg"]).value_or(dump(*d));
      else
        out.message = dump(*d);
    } else if (const json* m = member(j, "message")) { // new-api and plain
      out.message = as_string(*m).value_or(dump(*m));
      if (const json* c = member(j, "code")) out.code = as_string(*c).value_or("");
    }
    if (out.message.empty()) out.message = excerpt(text);
    return out;
  }
  std::string_view head = text.substr(0, 512);
  out.is_html = content_type.find("html") != std::string_view::npos ||
                head.find("<html") != std::string_view::npos ||
                head.find("<HTML") != std::string_view::npos ||
                head.find("<!DOCTYPE") != std::string_view::npos ||
                head.find("<!doctype") != std::string_view::npos;
  if (out.is_html) {
    // Keep the page's title, which usually names the proxy's complaint ("502 Bad Gateway").
    auto open = text.find("<title>");
    auto close = text.find("</title>");
    if (open != std::string_view::npos && close != std::string_view::npos && close > open + 7)
      out.message = excerpt(text.substr(open + 7, close - open - 7));
    else
      out.message = "an HTML page instead of an API answer";
  } else {
    out.message = excerpt(text);
  }
  return out;
}

bool looks_like_video(std::string_view text) {
  json j = parse_object(text);
  return j.is_object() && (j.contains("id") || j.contains("task_id") || j.contains("request_id")) &&
         j.contains("status");
}

ResultLocations find_result_locations(std::string_view text) {
  ResultLocations out;
  json j = parse_object(text);
  if (!j.is_object()) return out;
  auto string_at = [](const json* x) -> std::optional<std::string> {
    if (x && x->is_string() && !x->get_ref<const std::string&>().empty())
      return x->get<std::string>();
    return std::nullopt;
  };
  auto child = [](const json* parent, const char* key) -> const json* {
    return parent && parent->is_object() ? member(*parent, key) : nullptr;
  };
  auto first = [](const json* array) -> const json* {
    return array && array->is_array() && !array->empty() ? &array->front() : nullptr;
  };
  const json* root = &j;
  const json* candidates[] = {
      child(root, "video_url"),
      child(root, "url"),
      child(root, "output_url"),
      child(root, "result_url"),
      child(child(root, "metadata"), "url"),
      child(child(root, "outputs"), "video_url"),
      child(child(root, "content"), "video_url"),
      first(child(root, "urls")),
      first(child(root, "unsigned_urls")),
      child(first(child(root, "data")), "url"),
      child(child(root, "video"), "url"),
  };
  for (const json* c : candidates)
    if (auto url = string_at(c)) out.urls.push_back(std::move(*url));
  for (const json* c : {child(root, "b64_json"), child(first(child(root, "data")), "b64_json"),
                        child(child(root, "video"), "b64_json")}) {
    if (auto b64 = string_at(c)) {
      out.b64_json = std::move(b64);
      break;
    }
  }
  return out;
}

std::optional<std::string> json_string_value(std::string_view json_text) {
  json j = json::parse(json_text.begin(), json_text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_string()) return std::nullopt;
  return j.get<std::string>();
}

std::string json_quote(std::string_view text) {
  return dump(json(std::string(text)));
}

bool is_json_value(std::string_view text) {
  return json::accept(text);
}

std::optional<std::string> compact_json(std::string_view text) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return dump(j);
}

std::string encode_fields_json(const std::vector<PlannedField>& fields) {
  // The planned values are JSON text already; they are joined as they are, so the body is
  // exactly the plan (and a member planned twice cannot happen: the planner replaces).
  std::string out = "{";
  for (const auto& f : fields) {
    if (out.size() > 1) out += ',';
    out += json_quote(f.name);
    out += ':';
    out += f.value;
  }
  out += '}';
  return out;
}

} // namespace sora::detail
