// The Client: builds each operation's request, sends it with the retry policy, and reads the
// answer.
#include "api/http_error.hpp"
#include "api/json_body.hpp"
#include "api/json_codec.hpp"
#include "api/multipart.hpp"
#include "common/base64.hpp"
#include "common/text.hpp"
#include "transport/curl/curl_transport.hpp"
#include "transport/redact.hpp"
#include "transport/retry.hpp"
#include "transport/url.hpp"

#include <sora/client.hpp>
#include <sora/image.hpp>
#include <sora/validate.hpp>

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <map>
#include <mutex>
#include <random>
#include <set>

namespace sora {

using detail::join_url;
using detail::with_query;

namespace {

// Jobs this process has created: a reconcile never mistakes one of them for a lost create with
// the same prompt (a batch may hold the same prompt twice).
std::mutex g_claimed_mutex;
std::set<std::string> g_claimed_ids;

void claim(const std::string& id) {
  std::lock_guard lock(g_claimed_mutex);
  g_claimed_ids.insert(id);
}

bool claimed(const std::string& id) {
  std::lock_guard lock(g_claimed_mutex);
  return g_claimed_ids.contains(id);
}

constexpr std::chrono::milliseconds k_first_poll{1000};
constexpr std::chrono::milliseconds k_max_poll{15'000};
constexpr std::chrono::milliseconds k_max_server_poll{60'000}; // a server's own poll hint
constexpr std::chrono::milliseconds k_min_poll{10};
// /content that 404s right after success is asked again this often (1 s, 2 s, 4 s; rule 21).
constexpr int k_content_not_ready_retries = 3;
// A JSON answer where media was expected is read whole (it may hold the file as base64).
constexpr std::size_t k_max_json_answer = 256u << 20;

constexpr std::string_view k_shutdown_hint =
    "OpenAI shut down its Videos API (Sora 2) on 2026-09-24; to use another server that speaks "
    "the same API, see 'sora profiles'.";

bool is_success(int status) {
  return status >= 200 && status < 300;
}

Unexpected io_error(const std::string& what, const std::filesystem::path& path, int err) {
  return unexpected(ErrorCode::io, what + " " + path.string() + ": " + std::strerror(err),
                    "Check the folder exists, is writable and has free space.");
}

// True when `head` starts like the media a variant should be (tolerance rule 22).
bool matches_variant(Variant variant, std::span<const char> head) {
  auto at = [&](std::size_t i) { return static_cast<unsigned char>(head[i]); };
  switch (variant) {
  case Variant::video:
    return head.size() >= 8 && std::memcmp(head.data() + 4, "ftyp", 4) == 0;
  case Variant::thumbnail:
    return head.size() >= 12 && std::memcmp(head.data(), "RIFF", 4) == 0 &&
           std::memcmp(head.data() + 8, "WEBP", 4) == 0;
  case Variant::spritesheet:
    return head.size() >= 3 && at(0) == 0xFF && at(1) == 0xD8;
  }
  return false;
}

// True when the first non-blank byte opens a JSON object.
bool starts_like_json(std::string_view head) {
  auto first = head.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && head[first] == '{';
}

std::string describe_media(std::span<const char> head) {
  if (head.size() >= 8 && std::memcmp(head.data() + 4, "ftyp", 4) == 0) return "an MP4 video";
  if (head.size() >= 12 && std::memcmp(head.data() + 8, "WEBP", 4) == 0) return "a WebP image";
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0xFF &&
      static_cast<unsigned char>(head[1]) == 0xD8)
    return "a JPEG image";
  if (!head.empty() && head[0] == '{') return "JSON";
  return "unrecognised data";
}

Error variant_mismatch(std::string_view id, Variant variant, std::span<const char> head) {
  Error e;
  e.code = ErrorCode::protocol;
  e.video_id = std::string(id);
  e.message = "Asked for the " + std::string(to_string(variant)) + " of " + std::string(id) +
              " but the server sent " + describe_media(head) + ".";
  e.hint = variant == Variant::video
               ? "Check that --base-url points at a Videos API server."
               : "This server may not offer that variant; try --variant video.";
  return e;
}

bool mentions_missing_model(const Error& e) {
  std::string text = detail::ascii_lower(e.api_code + " " + e.message);
  return text.find("model_not_found") != std::string::npos ||
         text.find("model not found") != std::string::npos;
}

} // namespace

struct Client::Impl {
  ClientConfig config;
  Redactor redactor; // masks secrets in every answer (see redacting_transport) and in the log
  std::shared_ptr<Transport> transport;
  std::shared_ptr<Clock> clock;
  std::mt19937 rng{std::random_device{}()};

  void log(LogLevel level, const std::string& line) const {
    if (config.log) config.log(level, redactor.apply(line)); // key, credential-like headers
  }

  // Every request's URL carries the profile's extra query parameters (tolerance rule 3).
  std::string url(std::string_view path) const {
    return with_query(join_url(config.base_url, path), config.style.query);
  }
  std::string video_path(std::string_view id, std::string_view suffix = {}) const {
    return "/videos/" + detail::encode_segment(id) + std::string(suffix);
  }

  Headers base_headers(std::string_view accept) const {
    Headers h;
    if (!config.api_key.empty()) {
      switch (config.auth) {
      case AuthScheme::bearer:
        h.push_back({"Authorization", "Bearer " + config.api_key});
        break;
      case AuthScheme::header:
        h.push_back({config.auth_header, config.api_key});
        break;
      case AuthScheme::raw:
        h.push_back({"Authorization", config.api_key});
        break;
      case AuthScheme::key:
        h.push_back({"Authorization", "Key " + config.api_key});
        break;
      case AuthScheme::none:
        break;
      }
    }
    h.push_back({"User-Agent",
                 config.user_agent.empty() ? "sora/" + std::string(version()) : config.user_agent});
    h.push_back({"Accept", std::string(accept)});
    // The profile's extra headers go on every request, replacing a built-in one of the same name.
    for (const auto& extra : config.style.headers) {
      std::erase_if(h, [&](const Header& b) {
        return detail::ascii_lower(b.name) == detail::ascii_lower(extra.name);
      });
      h.push_back(extra);
    }
    return h;
  }

  bool is_extra_header(std::string_view name) const {
    return std::any_of(
        config.style.headers.begin(), config.style.headers.end(),
        [&](const Header& h) { return detail::ascii_lower(h.name) == detail::ascii_lower(name); });
  }

  HttpRequest make_request(std::string method, std::string url_text,
                           std::string_view accept = "application/json") const {
    HttpRequest r;
    r.method = std::move(method);
    r.url = std::move(url_text);
    r.headers = base_headers(accept);
    if (!same_origin(r.url)) // credentials never leave the API's origin (tolerance rule 4)
      std::erase_if(r.headers, [&](const Header& h) {
        return detail::is_secret_header(h.name) || is_extra_header(h.name) ||
               (!config.auth_header.empty() &&
                detail::ascii_lower(h.name) == detail::ascii_lower(config.auth_header));
      });
    return r;
  }

  // A URL a server gave (a result or polling URL), made absolute: relative ones are resolved
  // below the base URL, so `/x` lands on the base origin (tolerance rule 4).
  std::string resolve_against_base(std::string_view ref) const {
    std::string base = config.base_url;
    if (base.empty() || base.back() != '/') base += '/';
    return detail::resolve_url(base, ref);
  }

  // One line about OpenAI's shutdown on an answer that says the API or the model is gone, on
  // OpenAI's own base URL or for a sora-2 model anywhere (tolerance rule 30).
  void add_shutdown_hint(Error& e, std::string_view model) const {
    bool gone = e.http_status == 404 || e.http_status == 410 || mentions_missing_model(e);
    if (!gone || e.http_status == 0) return;
    detail::UrlParts base;
    bool openai = detail::parse_url(config.base_url, base) && base.host == "api.openai.com";
    if (openai || detail::ascii_lower(model).starts_with("sora-2")) e.hint = k_shutdown_hint;
  }

  // Polling URLs servers hand out (OpenRouter `polling_url`, fal `status_url`): used for later
  // polls when they are on the base URL's origin (tolerance rule 19).
  std::map<std::string, std::string> poll_urls;
  void remember_poll_url(const Video& v) {
    for (const char* key : {"polling_url", "status_url"}) {
      auto it = v.extra.find(key);
      if (it == v.extra.end()) continue;
      auto text = detail::json_string_value(it->second);
      if (!text || text->empty()) continue;
      std::string target = resolve_against_base(*text);
      if (same_origin(target)) {
        poll_urls[v.id] = target;
        return;
      }
      log(LogLevel::debug, "  ignoring " + std::string(key) + " on another origin: " + target);
    }
  }

  // A 404/405/501 from an optional operation's route is "not supported by this server", unless
  // the 404 is about the video itself (it does not exist): tolerance rule 25.
  Error unsupported_or(Error e, std::string_view operation, std::string_view id) {
    if (!e.suggested_base_url.empty()) return e; // the whole API is missing, not one route
    int s = e.http_status;
    bool missing_route = s == 405 || s == 501;
    if (s == 404) missing_route = id.empty() || retrieve(id, nullptr).has_value();
    if (!missing_route) return e;
    Error u;
    u.code = ErrorCode::unsupported;
    u.http_status = s;
    u.request_id = e.request_id;
    u.video_id = std::string(id);
    u.message = "This server does not support " + std::string(operation) + " (" + config.base_url +
                " answered HTTP " + std::to_string(s) + ": " + e.message + ").";
    u.hint = "Not every server implements every operation; use one that does for this.";
    add_shutdown_hint(u, "");
    return u;
  }

  // A request is planned first (what it sends, as data) and then built from the plan, so that
  // --dry-run shows exactly what the operation sends.
  RequestPlan plan_request(std::string method, std::string path, Encoding encoding) const {
    RequestPlan plan;
    plan.method = std::move(method);
    plan.url = url(path);
    plan.headers = base_headers("application/json");
    plan.encoding = encoding;
    return plan;
  }

  // A text member: the text itself in multipart, a JSON string in JSON.
  static void add_text(RequestPlan& plan, std::string name, std::string_view value) {
    PlannedField field;
    field.name = std::move(name);
    field.value = plan.encoding == Encoding::json ? detail::json_quote(value) : std::string(value);
    plan.fields.push_back(std::move(field));
  }

  // Replaces the member of that name, or appends one.
  static void set_field(RequestPlan& plan, PlannedField field) {
    auto it = std::find_if(plan.fields.begin(), plan.fields.end(),
                           [&](const PlannedField& f) { return f.name == field.name; });
    if (it == plan.fields.end())
      plan.fields.push_back(std::move(field));
    else
      *it = std::move(field);
  }

  // The image reference in the profile's shape, as JSON text (tolerance rule 6).
  static std::string image_json(ImageShape shape, std::string_view url) {
    std::string quoted = detail::json_quote(url);
    switch (shape) {
    case ImageShape::object:
      return "{\"image_url\":" + quoted + "}";
    case ImageShape::url:
      return quoted;
    case ImageShape::openrouter_frames:
      return "[{\"type\":\"image_url\",\"image_url\":{\"url\":" + quoted +
             "},\"frame_type\":\"first_frame\"}]";
    case ImageShape::together_frames:
      return "[{\"input_image\":" + quoted + ",\"frame\":\"first\"}]";
    }
    return quoted;
  }

  // The duration as the profile wants it (tolerance rule 9).
  static Result<std::string> duration_value(const RequestStyle& style, const std::string& seconds,
                                            bool multipart) {
    if (style.duration_type == DurationType::string)
      return multipart ? seconds : detail::json_quote(seconds);
    bool digits =
        !seconds.empty() && seconds.size() <= 9 &&
        std::all_of(seconds.begin(), seconds.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits)
      return unexpected(ErrorCode::invalid_argument,
                        "The duration '" + seconds + "' is not a whole number of seconds.",
                        "This server takes " + style.duration_field +
                            " as an integer: give --seconds N.");
    return std::to_string(std::stoll(seconds)); // no leading zeros: valid JSON either way
  }

  static bool is_data_url(std::string_view url) {
    return url.size() > 5 && detail::ascii_lower(url.substr(0, 5)) == "data:";
  }

  Result<RequestPlan> plan_create(const CreateRequest& request) const {
    const RequestStyle& style = config.style;
    if (request.image && request.image_url)
      return unexpected(ErrorCode::invalid_argument,
                        "Both an image file and an image URL were given.",
                        "Give either --image FILE or --image-url URL.");
    if (request.image_url && !is_http_url(*request.image_url) && !is_data_url(*request.image_url))
      return unexpected(ErrorCode::invalid_argument,
                        "The image URL '" + request.image_url->substr(0, 80) +
                            "' is neither an http(s) URL nor a data: URL.",
                        "Give --image-url https://… or data:image/png;base64,…, or use --image "
                        "FILE for a local file.");
    // An explicit encoding wins; otherwise the profile's; automatic means multipart only when a
    // local file is attached, as OpenAI's SDK does (tolerance rule 5).
    Encoding encoding = request.encoding != Encoding::automatic ? request.encoding : style.encoding;
    bool multipart =
        encoding == Encoding::multipart || (encoding == Encoding::automatic && request.image);
    auto plan = plan_request("POST", "/videos", multipart ? Encoding::multipart : Encoding::json);
    add_text(plan, "prompt", request.prompt);
    if (request.model && style.send_model) add_text(plan, "model", *request.model);
    if (request.seconds) {
      auto value = duration_value(style, *request.seconds, multipart);
      if (!value) return unexpected(std::move(value).error());
      set_field(plan, PlannedField{style.duration_field, std::move(*value), {}, 0, {}, {}});
    }
    if (request.size) add_text(plan, "size", *request.size);
    if (request.image) {
      auto info = probe_image(*request.image);
      if (!info) return unexpected(info.error());
      std::error_code ec;
      auto size = std::filesystem::file_size(*request.image, ec);
      if (ec) return io_error("Cannot read", *request.image, ec.value());
      PlannedField file;
      file.name = style.image_field;
      file.file = *request.image;
      file.file_size = size;
      file.content_type = std::string(mime_type(info->type));
      if (multipart) {
        file.value = request.image->filename().string();
      } else {
        // JSON only: the file travels as a data: URL, base64-encoded while it is sent.
        static constexpr std::string_view k_mark = "@@sora-file@@";
        std::string text = image_json(style.image_shape, "data:" + file.content_type + ";base64," +
                                                             std::string(k_mark));
        auto at = text.find(k_mark);
        file.value = text.substr(0, at);
        file.after_file = text.substr(at + k_mark.size());
      }
      set_field(plan, std::move(file));
    } else if (request.image_url) {
      PlannedField ref;
      if (!multipart) {
        ref.name = style.image_field;
        ref.value = image_json(style.image_shape, *request.image_url);
      } else { // a text part: the URL itself, or the shape's JSON as text (vLLM-Omni)
        ref.name = style.image_url_field.empty() ? style.image_field : style.image_url_field;
        ref.value = style.image_shape == ImageShape::url
                        ? *request.image_url
                        : image_json(style.image_shape, *request.image_url);
      }
      set_field(plan, std::move(ref));
    }
    // Extra fields (tolerance rule 7): text or JSON; one named like a member above replaces it.
    for (const auto& extra : request.fields) {
      if (extra.name.empty())
        return unexpected(ErrorCode::invalid_argument, "An extra field has no name.",
                          "Write --field NAME=VALUE.");
      PlannedField field;
      field.name = extra.name;
      if (extra.json) {
        auto compact = detail::compact_json(extra.value);
        if (!compact)
          return unexpected(ErrorCode::invalid_argument,
                            "The value of field '" + extra.name +
                                "' is not valid JSON: " + extra.value.substr(0, 80),
                            "Quote strings (--field-json 'k=\"text\"'), or use --field k=text.");
        field.value = std::move(*compact);
        // Multipart values are text: a JSON string is sent as its text, anything else as JSON.
        if (multipart)
          if (auto text = detail::json_string_value(field.value)) field.value = std::move(*text);
      } else {
        field.value = multipart ? extra.value : detail::json_quote(extra.value);
      }
      set_field(plan, std::move(field));
    }
    return plan;
  }

  RequestPlan plan_remix(std::string_view id, std::string_view prompt) const {
    auto plan = plan_request("POST", video_path(id, "/remix"), Encoding::json);
    add_text(plan, "prompt", prompt);
    return plan;
  }

  // `{"id": …}`: how the continuation endpoints name their source video in JSON.
  static void add_video_reference(RequestPlan& plan, std::string_view id) {
    PlannedField field;
    field.name = "video";
    field.value = "{\"id\":" + detail::json_quote(id) + "}";
    plan.fields.push_back(std::move(field));
  }

  static Result<void> check_source(std::string_view id, std::string_view prompt) {
    if (id.empty())
      return unexpected(ErrorCode::invalid_argument, "The video id is empty.",
                        "Give the id of a finished video, or @last for the newest job.");
    return validate_prompt(prompt);
  }

  Result<RequestPlan> plan_extend(const ExtendRequest& request) const {
    if (auto ok = check_source(request.video_id, request.prompt); !ok)
      return unexpected(ok.error());
    auto allowed = supported_seconds();
    if (std::find(allowed.begin(), allowed.end(), request.seconds) == allowed.end())
      return unexpected(ErrorCode::invalid_argument,
                        "--seconds " + (request.seconds.empty() ? "''" : request.seconds) +
                            " is not a length an extension can add.",
                        "Use --seconds 4, 8, 12, 16 or 20 (the length of the new segment).");
    auto plan = plan_request("POST", "/videos/extensions", Encoding::json);
    add_video_reference(plan, request.video_id);
    add_text(plan, "prompt", request.prompt);
    add_text(plan, "seconds", request.seconds);
    return plan;
  }

  Result<RequestPlan> plan_edit(const EditRequest& request) const {
    if (auto ok = check_source(request.video_id, request.prompt); !ok)
      return unexpected(ok.error());
    auto plan = plan_request("POST", "/videos/edits", Encoding::json);
    add_video_reference(plan, request.video_id);
    add_text(plan, "prompt", request.prompt);
    return plan;
  }

  // The plan as shown to people: the credential's value hidden.
  RequestPlan redacted(RequestPlan plan) const {
    for (auto& h : plan.headers)
      if (is_credential(h.name)) h.value = "[redacted]";
    return plan;
  }

  bool is_credential(std::string_view name) const {
    auto lower = detail::ascii_lower(name);
    return lower == "authorization" || detail::is_secret_header(name) ||
           (config.auth == AuthScheme::header && lower == detail::ascii_lower(config.auth_header));
  }

  static Result<HttpRequest> to_http(RequestPlan plan) {
    HttpRequest r;
    r.method = std::move(plan.method);
    r.url = std::move(plan.url);
    r.headers = std::move(plan.headers);
    if (plan.encoding == Encoding::multipart) {
      auto body = std::make_shared<detail::MultipartBody>();
      for (const auto& f : plan.fields) {
        if (!f.file) {
          body->add_field(f.name, f.value);
        } else if (auto ok = body->add_file(f.name, *f.file, f.content_type); !ok) {
          return unexpected(ok.error());
        }
      }
      r.headers.push_back({"Content-Type", body->content_type()});
      r.body = std::move(body);
    } else if (std::none_of(plan.fields.begin(), plan.fields.end(),
                            [](const PlannedField& f) { return f.file.has_value(); })) {
      r.headers.push_back({"Content-Type", "application/json"});
      r.body = std::make_shared<StringBody>(detail::encode_fields_json(plan.fields));
    } else { // files embedded as data: URLs, streamed from disk
      auto body = std::make_shared<detail::JsonBody>();
      body->add_text("{");
      for (std::size_t i = 0; i < plan.fields.size(); ++i) {
        const auto& f = plan.fields[i];
        body->add_text((i ? "," : "") + detail::json_quote(f.name) + ":" + f.value);
        if (f.file) {
          body->add_base64_file(*f.file, f.file_size);
          body->add_text(f.after_file);
        }
      }
      body->add_text("}");
      r.headers.push_back({"Content-Type", "application/json"});
      r.body = std::move(body);
    }
    return r;
  }

  // How long to wait before retry number `attempt`, or nullopt for "do not retry".
  std::optional<std::chrono::milliseconds> retry_delay(const Error& error, const Headers* headers,
                                                       int attempt, bool idempotent,
                                                       Error& final_error) {
    if (attempt >= config.max_retries) return std::nullopt;
    std::optional<bool> forced = headers ? detail::server_should_retry(*headers) : std::nullopt;
    bool retry = forced.value_or(is_retryable(error));
    // A request that may have reached the server is resent only when the server said it did
    // nothing with it (a rate limit), so a paid job is never created twice.
    if (!idempotent && error.request_sent && error.code != ErrorCode::rate_limited) retry = false;
    if (!retry) return std::nullopt;
    if (error.retry_after) {
      if (*error.retry_after > detail::k_max_server_delay) {
        final_error.hint = "The server asked to wait " +
                           detail::describe_server_wait(*error.retry_after, clock->unix_seconds()) +
                           " before trying again, longer than sora waits (2 min); run the "
                           "command again after that.";
        return std::nullopt;
      }
      return *error.retry_after;
    }
    std::uniform_real_distribution<double> jitter(0.0, 1.0);
    return detail::backoff_delay(attempt, jitter(rng));
  }

  // Sends with retries; a non-2xx answer becomes an Error. `accept_job_body` keeps a non-2xx
  // answer that carries a job (tolerance rule 16) as a success.
  Result<HttpResponse> execute(HttpRequest request, bool idempotent, bool accept_job_body = false) {
    for (int attempt = 0;; ++attempt) {
      if (config.cancel && config.cancel->load())
        return unexpected(ErrorCode::interrupted, "Interrupted.");
      log(LogLevel::debug, request.method + " " + request.url +
                               (attempt ? " (retry " + std::to_string(attempt) + ")" : ""));
      log(LogLevel::trace, "request headers:\n" + detail::format_headers(request.headers));
      auto started = clock->now();
      if (!await_throttle()) return unexpected(ErrorCode::interrupted, "Interrupted.");
      auto response = transport->send(request);
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock->now() - started);
      Error error;
      const Headers* headers = nullptr;
      if (!response) {
        error = response.error();
        log(LogLevel::debug,
            "  failed after " + std::to_string(ms.count()) + " ms: " + error.message);
        if (error.code == ErrorCode::interrupted || error.code == ErrorCode::internal ||
            error.code == ErrorCode::io || error.code == ErrorCode::invalid_argument)
          return unexpected(std::move(error));
      } else {
        log(LogLevel::debug, "  HTTP " + std::to_string(response->status) + " in " +
                                 std::to_string(ms.count()) + " ms");
        log(LogLevel::trace, "response headers:\n" + detail::format_headers(response->headers));
        if (is_success(response->status)) return response;
        if (accept_job_body && detail::looks_like_video(response->body)) return response;
        error = detail::error_from_response(*response, clock->unix_seconds());
        detail::explain_wrong_prefix(error, config.base_url);
        add_shutdown_hint(error, "");
        headers = &response->headers;
        log(LogLevel::trace, "response body: " + response->body.substr(0, 2000));
      }
      Error final_error = error;
      auto delay = retry_delay(error, headers, attempt, idempotent, final_error);
      if (!delay) return unexpected(std::move(final_error));
      log(LogLevel::debug, "  retrying in " + std::to_string(delay->count()) + " ms");
      if (config.throttle && error.code == ErrorCode::rate_limited)
        config.throttle->hold_until(clock->now() + *delay); // one rate limit slows every client
      if (!clock->sleep_for(*delay)) return unexpected(ErrorCode::interrupted, "Interrupted.");
    }
  }

  std::string idempotency_key() {
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string key = "sora-";
    std::uniform_int_distribution<int> digit(0, 15);
    for (int i = 0; i < 32; ++i)
      key += k_hex[digit(rng)];
    return key;
  }

  // The newest jobs that `same_job` recognises, created since `since` (with room for clock skew).
  // nullopt inside: no such job. An error: the server cannot tell (no list, no prompts in it).
  Result<std::optional<Video>> find_recent(const std::function<bool(const Video&)>& same_job,
                                           std::int64_t since) {
    std::vector<std::pair<std::string, std::string>> query{{"limit", "20"}, {"order", "desc"}};
    auto response = execute(make_request("GET", with_query(url("/videos"), query)), true);
    if (!response) return unexpected(std::move(response).error());
    auto page = detail::parse_video_list(response->body);
    if (!page) return unexpected(std::move(page).error());
    bool prompts_known = page->data.empty();
    for (const auto& video : page->data) {
      if (!video.prompt) continue;
      prompts_known = true;
      if ((video.created_at == 0 || video.created_at >= since - 120) && !claimed(video.id) &&
          same_job(video)) {
        claim(video.id);
        return std::optional<Video>(video);
      }
    }
    if (!prompts_known)
      return unexpected(ErrorCode::unsupported, "The server's list does not show prompts.");
    return std::optional<Video>();
  }

  // POSTs that start a paid job. Sent with one Idempotency-Key for all attempts. When the answer
  // is lost after the request may have reached the server, the recent jobs are checked first and
  // the request is sent again only when no matching job exists: a job is never created twice.
  Result<Video> submit(HttpRequest request, const std::function<bool(const Video&)>& same_job,
                       const std::string& key = {}) {
    request.headers.push_back({"Idempotency-Key", key.empty() ? idempotency_key() : key});
    std::int64_t since = clock->unix_seconds();
    for (int attempt = 0;; ++attempt) {
      auto response = execute(request, false);
      if (response) {
        auto video = detail::parse_video(response->body);
        if (video) {
          claim(video->id);
          remember_poll_url(*video);
        }
        return video;
      }
      Error error = std::move(response).error();
      bool answer_lost = error.request_sent &&
                         (error.code == ErrorCode::network || error.code == ErrorCode::timeout ||
                          error.code == ErrorCode::server || error.code == ErrorCode::conflict);
      if (!answer_lost) return unexpected(std::move(error));
      log(LogLevel::debug, "  no answer to the " + request.method +
                               "; checking whether the server started the job anyway");
      auto found = find_recent(same_job, since);
      if (!found) {
        error.hint = "The job may have been created: check 'sora list' before trying again.";
        return unexpected(std::move(error));
      }
      if (*found) {
        log(LogLevel::debug, "  found it: " + (*found)->id);
        return std::move(**found);
      }
      if (attempt >= config.max_retries) return unexpected(std::move(error));
      std::uniform_real_distribution<double> jitter(0.0, 1.0);
      auto delay = detail::backoff_delay(attempt, jitter(rng));
      log(LogLevel::debug,
          "  no such job; sending again in " + std::to_string(delay.count()) + " ms");
      if (!clock->sleep_for(delay)) return unexpected(ErrorCode::interrupted, "Interrupted.");
    }
  }

  Result<Video> retrieve(std::string_view id, Headers* response_headers) {
    auto known = poll_urls.find(std::string(id));
    std::string target = known != poll_urls.end() ? known->second : url(video_path(id));
    auto response = execute(make_request("GET", target), true, true);
    if (!response) {
      Error e = std::move(response).error();
      if (e.video_id.empty()) e.video_id = std::string(id);
      return unexpected(std::move(e));
    }
    if (response_headers) *response_headers = response->headers;
    auto video = detail::parse_video(response->body);
    if (video) remember_poll_url(*video);
    return video;
  }

  // Waits while a shared throttle holds requests back; counts the request. False if cancelled.
  bool await_throttle() {
    if (!config.throttle) return true;
    auto ready = config.throttle->ready_at();
    auto now = clock->now();
    if (ready > now &&
        !clock->sleep_for(std::chrono::duration_cast<std::chrono::milliseconds>(ready - now)))
      return false;
    config.throttle->requests++;
    return true;
  }

  bool same_origin(std::string_view target) const {
    return detail::same_origin(config.base_url, target);
  }

  // Says why content is missing when the job tells: not finished yet (servers answer 400 or 404
  // then, rule 21), or past its expires_at (reported as expired, with the time).
  void explain_missing_content(std::string_view id, Error& error) {
    auto video = retrieve(id, nullptr);
    if (video) explain_missing_content(*video, error);
  }
  // True when `video` explained it.
  bool explain_missing_content(const Video& video_ref, Error& error) {
    const Video* video = &video_ref;
    std::string_view id = video->id;
    if (!is_terminal(video->status)) {
      error.message = "Video " + std::string(id) + " is not finished yet (" +
                      std::string(to_string(video->status)) + ", " +
                      std::to_string(video->progress) + "%); the server said: " + error.message;
      error.hint = "Wait for it first: sora wait " + std::string(id);
      return true;
    }
    if (!video->expires_at || *video->expires_at > clock->unix_seconds()) return false;
    std::time_t t = static_cast<std::time_t>(*video->expires_at);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    error.code = ErrorCode::not_found;
    error.message = "The files of video " + std::string(id) + " expired at " + when + ".";
    error.hint = "Servers keep the files for a limited time after a video is finished; create it "
                 "again (sora remix or sora create), and download right away.";
    return true;
  }

  // Streams `/content` to the handler's sink, retrying dropped transfers from `offset`.
  struct ContentSink {
    std::function<Result<void>(std::uint64_t start, bool restart)> begin; // restart: drop data
    std::function<Result<void>(std::span<const char>)> write;
  };
  Result<std::uint64_t> fetch_content(std::string_view id, Variant variant, std::uint64_t offset,
                                      const ContentSink& sink, const TransferCallback& on_progress,
                                      std::uint64_t& resumed_from, std::string& content_type);

  // What one GET of a file gave: the bytes (written to the sink), or, when the caller can look
  // elsewhere, the answer that sends it there (a 404/405/501, or JSON instead of media).
  struct Fetched {
    std::optional<std::uint64_t> bytes;
    Error error;
    std::string json;
  };
  Result<Fetched> fetch_url(std::string_view id, Variant variant, std::string target,
                            std::uint64_t offset, const ContentSink& sink,
                            const TransferCallback& on_progress, std::uint64_t& resumed_from,
                            std::string& content_type, bool fallback);
  // Decodes base64 (a data: URL's payload or a b64_json field) into the sink, in pieces.
  Result<std::uint64_t> write_base64(std::string_view id, Variant variant, std::string_view text,
                                     const ContentSink& sink);
};

Client::Client(ClientConfig config, std::shared_ptr<Transport> transport,
               std::shared_ptr<Clock> clock)
    : m_impl(std::make_unique<Impl>()) {
  m_impl->config = std::move(config);
  if (!transport) {
    detail::CurlOptions options;
    options.connect_timeout = m_impl->config.connect_timeout;
    options.request_timeout = m_impl->config.request_timeout;
    options.stall_timeout = m_impl->config.stall_timeout;
    options.cancel = m_impl->config.cancel;
    options.insecure = m_impl->config.insecure;
    transport = detail::make_curl_transport(options);
  }
  m_impl->redactor = Redactor::for_config(m_impl->config);
  m_impl->transport = detail::redacting_transport(std::move(transport), m_impl->redactor);
  m_impl->clock = clock ? std::move(clock) : make_system_clock(m_impl->config.cancel);
}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

const ClientConfig& Client::config() const {
  return m_impl->config;
}

Result<Video> Client::create(const CreateRequest& request, const TransferCallback& on_upload) {
  auto plan = m_impl->plan_create(request);
  if (!plan) return unexpected(std::move(plan).error());
  auto http = Impl::to_http(std::move(*plan));
  if (!http) return unexpected(std::move(http).error());
  http->on_progress = on_upload;
  auto created = m_impl->submit(
      std::move(*http),
      [&](const Video& v) {
        // Never the model: servers answer with their own name for it (tolerance rule 10).
        return v.prompt == request.prompt &&
               (!request.size || v.size.empty() || v.size == *request.size) &&
               (!request.seconds || v.seconds.empty() || v.seconds == *request.seconds);
      },
      request.idempotency_key);
  if (!created) { // rule 30: a sora-2 model that is gone
    Error e = std::move(created).error();
    m_impl->add_shutdown_hint(e, request.model.value_or(""));
    return unexpected(std::move(e));
  }
  return created;
}

Result<Video> Client::remix(std::string_view video_id, std::string_view prompt) {
  return remix(RemixRequest{std::string(video_id), std::string(prompt), {}});
}

Result<Video> Client::remix(const RemixRequest& request) {
  std::string_view video_id = request.video_id;
  std::string_view prompt = request.prompt;
  auto http = Impl::to_http(m_impl->plan_remix(video_id, prompt));
  if (!http) return unexpected(std::move(http).error());
  auto video = m_impl->submit(
      std::move(*http),
      [&](const Video& v) {
        return v.prompt == std::string(prompt) &&
               (!v.remixed_from_video_id || *v.remixed_from_video_id == video_id);
      },
      request.idempotency_key);
  if (!video)
    return unexpected(m_impl->unsupported_or(std::move(video).error(), "remix", video_id));
  return video;
}

Result<Video> Client::extend(const ExtendRequest& request) {
  auto plan = m_impl->plan_extend(request);
  if (!plan) return unexpected(std::move(plan).error());
  auto http = Impl::to_http(std::move(*plan));
  if (!http) return unexpected(std::move(http).error());
  // The new job's seconds is the stitched total and it names no source, so the prompt is what
  // identifies it (among jobs created since the request and not claimed by this process).
  auto video = m_impl->submit(
      std::move(*http),
      [&](const Video& v) { return v.prompt == request.prompt && v.id != request.video_id; },
      request.idempotency_key);
  if (!video) // rule 25: extensions are optional
    return unexpected(m_impl->unsupported_or(std::move(video).error(), "extend", request.video_id));
  return video;
}

Result<Video> Client::edit(const EditRequest& request) {
  auto plan = m_impl->plan_edit(request);
  if (!plan) return unexpected(std::move(plan).error());
  auto http = Impl::to_http(std::move(*plan));
  if (!http) return unexpected(std::move(http).error());
  auto video = m_impl->submit(
      std::move(*http),
      [&](const Video& v) { return v.prompt == request.prompt && v.id != request.video_id; },
      request.idempotency_key);
  if (!video) // rule 25: edits are optional
    return unexpected(m_impl->unsupported_or(std::move(video).error(), "edit", request.video_id));
  return video;
}

Result<RequestPlan> Client::plan_extend(const ExtendRequest& request) const {
  auto plan = m_impl->plan_extend(request);
  if (!plan) return plan;
  return m_impl->redacted(std::move(*plan));
}

Result<RequestPlan> Client::plan_edit(const EditRequest& request) const {
  auto plan = m_impl->plan_edit(request);
  if (!plan) return plan;
  return m_impl->redacted(std::move(*plan));
}

Result<RequestPlan> Client::plan_create(const CreateRequest& request) const {
  auto plan = m_impl->plan_create(request);
  if (!plan) return plan;
  return m_impl->redacted(std::move(*plan));
}

Result<RequestPlan> Client::plan_remix(std::string_view video_id, std::string_view prompt) const {
  return m_impl->redacted(m_impl->plan_remix(video_id, prompt));
}

Result<Video> Client::retrieve(std::string_view video_id) {
  return m_impl->retrieve(video_id, nullptr);
}

Result<VideoList> Client::list(const ListQuery& query) {
  std::vector<std::pair<std::string, std::string>> params;
  if (query.limit) params.emplace_back("limit", std::to_string(*query.limit));
  if (query.after) params.emplace_back("after", *query.after);
  if (query.order) params.emplace_back("order", *query.order);
  auto response = m_impl->execute(
      m_impl->make_request("GET", with_query(m_impl->url("/videos"), params)), true);
  if (!response) return unexpected(m_impl->unsupported_or(std::move(response).error(), "list", ""));
  return detail::parse_video_list(response->body);
}

Result<std::vector<Video>> Client::list_all(const ListQuery& query,
                                            const std::function<void(const VideoList&)>& on_page) {
  std::vector<Video> all;
  std::set<std::string> seen;
  ListQuery page_query = query;
  // Pages follow `after` only while has_more says so (SGLang's {data, object} has none), and stop
  // when a page brings nothing new (servers that ignore `after`): tolerance rule 26.
  for (int page = 0; page < 100'000; ++page) {
    auto list = this->list(page_query);
    if (!list) return unexpected(std::move(list).error());
    std::erase_if(list->data, [&](const Video& v) { return !seen.insert(v.id).second; });
    if (list->data.empty()) break;
    if (on_page) on_page(*list);
    std::optional<std::string> next = list->last_id;
    if (!next || !seen.contains(*next)) next = list->data.back().id;
    for (auto& video : list->data)
      all.push_back(std::move(video));
    if (!list->has_more || next == page_query.after) break;
    page_query.after = next;
  }
  return all;
}

Result<DeletedVideo> Client::remove(std::string_view video_id) {
  auto response = m_impl->execute(
      m_impl->make_request("DELETE", m_impl->url(m_impl->video_path(video_id))), true);
  if (!response) {
    Error e = std::move(response).error();
    e.video_id = std::string(video_id);
    return unexpected(m_impl->unsupported_or(std::move(e), "delete", video_id));
  }
  return detail::parse_deleted(response->body);
}

Result<Video> Client::wait(std::string_view video_id, const WaitOptions& options) {
  auto& clock = *m_impl->clock;
  auto started = clock.now();
  auto deadline = started + options.timeout;
  auto backoff = k_first_poll;
  for (int poll = 1;; ++poll) {
    Headers headers;
    auto video = m_impl->retrieve(video_id, &headers);
    if (!video) return video;
    auto now = clock.now();
    bool done = is_terminal(video->status);
    std::chrono::milliseconds delay{0};
    if (!done) {
      // The server's hint wins (openai-poll-after-ms, else Retry-After: rule 18); otherwise back
      // off from 1 s to 15 s.
      std::optional<std::chrono::milliseconds> hint;
      if (auto header = find_header(headers, "openai-poll-after-ms")) {
        char* end = nullptr;
        long long ms = std::strtoll(header->c_str(), &end, 10);
        if (end != header->c_str()) hint = std::chrono::milliseconds(ms);
      }
      if (!hint) hint = detail::server_retry_delay(headers, clock.unix_seconds());
      if (hint) {
        delay = std::clamp(*hint, k_min_poll, k_max_server_poll);
      } else {
        delay = std::clamp(backoff, k_min_poll, k_max_poll);
        backoff = std::min(k_max_poll, backoff * 3 / 2);
      }
    }
    if (options.on_poll)
      options.on_poll(
          JobProgress{*video, poll,
                      std::chrono::duration_cast<std::chrono::milliseconds>(now - started), delay});
    if (video->status == VideoStatus::completed) return video;
    if (done) return unexpected(detail::error_from_job(*video));
    if (now + delay > deadline) {
      Error e;
      e.code = ErrorCode::wait_timeout;
      e.video_id = video->id;
      auto waited =
          (std::chrono::duration_cast<std::chrono::milliseconds>(now - started).count() + 999) /
          1000;
      e.message = "Video " + video->id + " is still " + std::string(to_string(video->status)) +
                  " (" + std::to_string(video->progress) + "%) after waiting " +
                  std::to_string(waited) + " s.";
      e.hint = "The job keeps running on the server; nothing was cancelled.";
      return unexpected(std::move(e));
    }
    if (!clock.sleep_for(delay)) {
      Error e;
      e.code = ErrorCode::interrupted;
      e.video_id = video->id;
      e.message = "Interrupted while waiting for video " + video->id + ".";
      e.hint = "The job keeps running on the server.";
      return unexpected(std::move(e));
    }
  }
}

Result<Client::Impl::Fetched> Client::Impl::fetch_url(std::string_view id, Variant variant,
                                                      std::string target, std::uint64_t offset,
                                                      const ContentSink& sink,
                                                      const TransferCallback& on_progress,
                                                      std::uint64_t& resumed_from,
                                                      std::string& content_type, bool fallback) {
  resumed_from = offset;
  int redirects = 0;
  for (int attempt = 0;; ++attempt) {
    if (config.cancel && config.cancel->load())
      return unexpected(ErrorCode::interrupted, "Interrupted.");
    HttpRequest request = make_request("GET", target, "application/binary");
    if (offset > 0) request.headers.push_back({"Range", "bytes=" + std::to_string(offset) + "-"});
    std::uint64_t base = offset;
    request.on_progress = [&](const TransferProgress& p) {
      if (!on_progress) return;
      TransferProgress shifted = p;
      shifted.downloaded += base;
      if (p.download_total) shifted.download_total += base;
      on_progress(shifted);
    };
    log(LogLevel::debug,
        "GET " + target + (offset ? " (from byte " + std::to_string(offset) + ")" : ""));

    HttpResponse head;
    std::string other_body; // an error answer, or JSON where media was expected
    bool json_answer = false;
    bool streaming = false;
    bool checked_magic = false;
    std::optional<std::uint64_t> expected_total;
    StreamHandler handler;
    handler.on_head = [&](const HttpResponse& h) -> Result<void> {
      head = h;
      if (!is_success(h.status)) return {};
      std::string type = find_header(h.headers, "content-type").value_or("");
      if (fallback && detail::ascii_lower(type).find("json") != std::string::npos) {
        json_answer = true; // metadata instead of bytes (rule 20)
        return {};
      }
      content_type = type;
      auto length = find_header(h.headers, "content-length");
      std::optional<std::uint64_t> body_length;
      if (length) body_length = std::strtoull(length->c_str(), nullptr, 10);
      if (h.status == 206 && offset > 0) {
        auto range = find_header(h.headers, "content-range").value_or("");
        auto start = range.find(' ') != std::string::npos
                         ? std::strtoull(range.c_str() + range.find(' ') + 1, nullptr, 10)
                         : 0;
        if (start != offset)
          return unexpected(ErrorCode::protocol, "The server resumed at the wrong byte (" + range +
                                                     ", expected " + std::to_string(offset) + ").");
        checked_magic = true; // the start of the file was checked by the run that wrote it
      } else {
        if (offset > 0) log(LogLevel::debug, "  the server ignored Range: starting over");
        offset = 0; // a 200 to a Range request means the whole file again (rule 23)
        resumed_from = 0;
      }
      if (body_length) expected_total = offset + *body_length;
      streaming = true;
      return checked_magic ? sink.begin(offset, false) : Result<void>{};
    };
    // The first bytes are held back until they show the media matches the variant asked for;
    // only then is the sink started (so a JSON answer never truncates an earlier .part).
    std::string pending;
    auto flush_pending = [&]() -> Result<void> {
      checked_magic = true;
      if (!matches_variant(variant, pending)) {
        if (fallback && starts_like_json(pending)) {
          json_answer = true;
          streaming = false;
          other_body = std::move(pending);
          pending.clear();
          return {};
        }
        return unexpected(variant_mismatch(id, variant, pending));
      }
      if (auto ok = sink.begin(0, true); !ok) return ok;
      offset += pending.size();
      auto ok = sink.write(pending);
      pending.clear();
      return ok;
    };
    handler.on_data = [&](std::span<const char> chunk) -> Result<void> {
      if (!streaming) {
        std::size_t cap = json_answer ? k_max_json_answer : 65536;
        if (other_body.size() < cap) other_body.append(chunk.data(), chunk.size());
        return {};
      }
      if (!checked_magic) {
        pending.append(chunk.data(), chunk.size());
        return pending.size() < 16 ? Result<void>{} : flush_pending();
      }
      offset += chunk.size();
      return sink.write(chunk);
    };

    if (!await_throttle()) return unexpected(ErrorCode::interrupted, "Interrupted.");
    auto response = transport->send(request, handler);
    if (response && streaming && !checked_magic) { // a body shorter than the magic window
      if (auto ok = flush_pending(); !ok) return unexpected(ok.error());
    }
    Error error;
    if (!response) {
      error = std::move(response).error();
      if (error.code != ErrorCode::network && error.code != ErrorCode::timeout)
        return unexpected(std::move(error));
    } else if (json_answer && is_success(response->status)) {
      Fetched f;
      f.error.code = ErrorCode::protocol;
      f.error.http_status = response->status;
      f.error.video_id = std::string(id);
      f.error.message = "The server answered " + target + " with JSON instead of the file.";
      f.json = std::move(other_body);
      return f;
    } else if (!is_success(response->status)) {
      HttpResponse full = head;
      full.body = other_body;
      error = detail::error_from_response(full, clock->unix_seconds());
      error.video_id = std::string(id);
      auto location = find_header(head.headers, "location");
      if (response->status >= 300 && response->status < 400 && location && redirects < 5) {
        target = detail::resolve_url(target, *location);
        log(LogLevel::debug, "  redirected to " + target);
        ++redirects;
        --attempt; // following a redirect is not a retry
        continue;
      }
      int s = response->status;
      if (fallback && (s == 404 || s == 405 || s == 501)) {
        Fetched f;
        f.error = std::move(error);
        return f;
      }
      if (fallback && (error.code == ErrorCode::not_found || error.code == ErrorCode::http))
        explain_missing_content(id, error);
      if (response->status == 416 && offset > 0) { // stale .part: start over once
        offset = 0;
        if (auto ok = sink.begin(0, true); !ok) return unexpected(ok.error());
        continue;
      }
    } else if (expected_total && offset != *expected_total) {
      error.code = ErrorCode::network;
      error.message = "The download ended early: " + std::to_string(offset) + " of " +
                      std::to_string(*expected_total) + " bytes.";
      error.hint = "Run the same command again to resume.";
    } else {
      Fetched f;
      f.bytes = offset;
      return f;
    }
    Error final_error = error;
    auto delay = retry_delay(error, nullptr, attempt, true, final_error);
    if (!delay) return unexpected(std::move(final_error));
    log(LogLevel::debug,
        "  " + error.message + " Resuming in " + std::to_string(delay->count()) + " ms");
    if (!clock->sleep_for(*delay)) return unexpected(ErrorCode::interrupted, "Interrupted.");
  }
}

Result<std::uint64_t> Client::Impl::write_base64(std::string_view id, Variant variant,
                                                 std::string_view text, const ContentSink& sink) {
  constexpr std::size_t k_piece = 256 * 1024; // a multiple of 4: pieces decode independently
  detail::Base64Decoder decoder;
  std::string out;
  bool begun = false;
  std::uint64_t total = 0;
  auto emit = [&](bool last) -> Result<void> {
    if (!begun) {
      if (out.size() < 16 && !last) return {};
      if (!matches_variant(variant, out)) return unexpected(variant_mismatch(id, variant, out));
      if (auto ok = sink.begin(0, true); !ok) return ok;
      begun = true;
    }
    total += out.size();
    auto ok = sink.write(out);
    out.clear();
    return ok;
  };
  auto bad = [&] {
    return unexpected(ErrorCode::protocol,
                      "The server sent the file of " + std::string(id) + " as invalid base64.",
                      "Report it to the server's operator.");
  };
  for (std::size_t at = 0; at < text.size(); at += k_piece) {
    if (!decoder.feed(text.substr(at, k_piece), out)) return bad();
    if (auto ok = emit(false); !ok) return unexpected(ok.error());
  }
  if (!decoder.finish(out)) return bad();
  if (auto ok = emit(true); !ok) return unexpected(ok.error());
  log(LogLevel::debug, "  decoded " + std::to_string(total) + " bytes of inline base64");
  return total;
}

// The result-location fallback chain of tolerance rule 20: /content, then URLs in a JSON answer
// from it, then URLs on the job, then inline base64. Credentials go only to the base origin.
Result<std::uint64_t> Client::Impl::fetch_content(std::string_view id, Variant variant,
                                                  std::uint64_t offset, const ContentSink& sink,
                                                  const TransferCallback& on_progress,
                                                  std::uint64_t& resumed_from,
                                                  std::string& content_type) {
  std::string target = url(video_path(id, "/content"));
  if (variant != Variant::video) // the default is not sent: servers that ignore it are common
    target = with_query(target, {{"variant", std::string(to_string(variant))}});
  auto first =
      fetch_url(id, variant, target, offset, sink, on_progress, resumed_from, content_type, true);
  if (!first) return unexpected(std::move(first).error());
  if (first->bytes) return *first->bytes;

  Error error = std::move(first->error);
  auto job = retrieve(id, nullptr);
  if (!job) return unexpected(std::move(error)); // e.g. no such video: what /content said
  if (explain_missing_content(*job, error)) return unexpected(std::move(error));
  if (job->status != VideoStatus::completed) return unexpected(detail::error_from_job(*job));

  auto located = detail::find_result_locations(first->json);
  auto on_job = detail::find_result_locations(job->raw_json);
  located.urls.insert(located.urls.end(), on_job.urls.begin(), on_job.urls.end());
  if (!located.b64_json) located.b64_json = std::move(on_job.b64_json);

  if (located.urls.empty() && !located.b64_json) {
    if (!first->json.empty()) {
      error.hint = "Neither that answer nor the job says where the file is; report it to the "
                   "server's operator.";
      return unexpected(std::move(error));
    }
    // A 404 right after success: some servers move the file into place a moment later (rule 21).
    for (int i = 0; i < k_content_not_ready_retries && error.http_status == 404; ++i) {
      std::chrono::milliseconds delay{1000 << i};
      log(LogLevel::debug,
          "  the file is not there yet; asking again in " + std::to_string(delay.count()) + " ms");
      if (!clock->sleep_for(delay)) return unexpected(ErrorCode::interrupted, "Interrupted.");
      auto again = fetch_url(id, variant, target, offset, sink, on_progress, resumed_from,
                             content_type, true);
      if (!again) return unexpected(std::move(again).error());
      if (again->bytes) return *again->bytes;
      error = std::move(again->error);
      if (!again->json.empty()) break;
    }
    error.message = "Video " + std::string(id) +
                    " is completed but the server has no file for it (" + error.message + ").";
    error.hint = "The server names no result URL either; try again later, or ask its operator.";
    return unexpected(std::move(error));
  }

  Error last = error;
  for (std::size_t i = 0; i < located.urls.size(); ++i) {
    const std::string& location = located.urls[i];
    Result<std::uint64_t> got = unexpected(ErrorCode::internal, "unreachable");
    if (detail::ascii_lower(std::string_view(location).substr(0, 5)) == "data:") {
      auto comma = location.find(',');
      if (comma == std::string::npos ||
          detail::ascii_lower(location.substr(0, comma)).find(";base64") == std::string::npos)
        got = unexpected(ErrorCode::protocol, "The server's data: URL for " + std::string(id) +
                                                  " is not base64-encoded.");
      else
        got = write_base64(id, variant, std::string_view(location).substr(comma + 1), sink);
    } else {
      std::string where = resolve_against_base(location);
      log(LogLevel::debug, "  the file is at " + where +
                               (same_origin(where) ? "" : " (another origin: no credentials)"));
      auto fetched = fetch_url(id, variant, where, offset, sink, on_progress, resumed_from,
                               content_type, false);
      if (fetched && fetched->bytes) return *fetched->bytes;
      got = fetched ? unexpected(std::move(fetched->error)) : unexpected(fetched.error());
    }
    if (got) return got;
    last = got.error();
    bool more = i + 1 < located.urls.size() || located.b64_json;
    bool try_next = last.code == ErrorCode::not_found || last.code == ErrorCode::forbidden ||
                    last.code == ErrorCode::unauthorized || last.code == ErrorCode::http ||
                    last.code == ErrorCode::protocol;
    if (!more || !try_next) return unexpected(std::move(last));
    log(LogLevel::debug, "  " + last.message + " Trying the next location.");
  }
  return write_base64(id, variant, *located.b64_json, sink);
}

Result<DownloadResult> Client::download(std::string_view video_id, const DownloadRequest& request) {
  namespace fs = std::filesystem;
  const fs::path& final_path = request.output;
  fs::path part = final_path;
  part += ".part";
  std::error_code ec;
  if (!request.overwrite && fs::exists(final_path, ec))
    return unexpected(ErrorCode::invalid_argument, final_path.string() + " already exists.",
                      "Choose another path with -o, or pass --force to replace it.");

  std::uint64_t offset = 0;
  if (auto size = fs::file_size(part, ec); !ec) offset = size; // resume an earlier run
  int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("Cannot write", part, errno);
  struct FdGuard {
    int fd;
    ~FdGuard() {
      if (fd >= 0) ::close(fd);
    }
  } guard{fd};

  // Write-behind: every 8 MiB, start writing the previous 8 MiB to disk without waiting, so the
  // fsync before the rename finds little left to do and the download ends as the data arrives.
  constexpr off_t k_flush_every = 8 << 20;
  off_t written_to = 0, flushed_to = 0;
  Impl::ContentSink sink;
  sink.begin = [&](std::uint64_t start, bool restart) -> Result<void> {
    if (restart && ::ftruncate(fd, 0) != 0) return io_error("Cannot truncate", part, errno);
    written_to = flushed_to = static_cast<off_t>(start);
    if (::lseek(fd, static_cast<off_t>(start), SEEK_SET) < 0)
      return io_error("Cannot seek", part, errno);
    return {};
  };
  sink.write = [&](std::span<const char> chunk) -> Result<void> {
    const char* data = chunk.data();
    std::size_t left = chunk.size();
    while (left > 0) {
      ssize_t n = ::write(fd, data, left);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return io_error("Cannot write", part, errno);
      data += n;
      left -= static_cast<std::size_t>(n);
      written_to += n;
    }
    if (written_to - flushed_to >= k_flush_every) {
      ::sync_file_range(fd, flushed_to, written_to - flushed_to, SYNC_FILE_RANGE_WRITE);
      flushed_to = written_to;
    }
    return {};
  };

  DownloadResult result;
  auto bytes = m_impl->fetch_content(video_id, request.variant, offset, sink, request.on_progress,
                                     result.resumed_from, result.content_type);
  if (!bytes) {
    // Keep a .part that holds data for the next run to resume; never leave an empty one.
    if (::lseek(fd, 0, SEEK_END) == 0) ::unlink(part.c_str());
    return unexpected(std::move(bytes).error());
  }
  if (::ftruncate(fd, static_cast<off_t>(*bytes)) != 0)
    return io_error("Cannot truncate", part, errno);
  if (::fsync(fd) != 0) return io_error("Cannot flush", part, errno);
  ::close(guard.fd);
  guard.fd = -1;
  unsigned flags = request.overwrite ? 0 : RENAME_NOREPLACE;
  if (::renameat2(AT_FDCWD, part.c_str(), AT_FDCWD, final_path.c_str(), flags) != 0) {
    if (errno == EEXIST)
      return unexpected(ErrorCode::invalid_argument,
                        final_path.string() + " appeared while downloading; kept the download as " +
                            part.string() + ".",
                        "Move one of them aside, then run the command again (it resumes).");
    return io_error("Cannot rename the download to", final_path, errno);
  }
  result.path = final_path;
  result.bytes = *bytes;
  return result;
}

Result<std::uint64_t>
Client::download_to(std::string_view video_id, Variant variant,
                    const std::function<Result<void>(std::span<const char>)>& sink_fn,
                    const TransferCallback& on_progress) {
  std::uint64_t written = 0;
  Impl::ContentSink sink;
  sink.begin = [&](std::uint64_t start, bool restart) -> Result<void> {
    if (restart && written > 0)
      return unexpected(ErrorCode::network,
                        "The download was interrupted and the server cannot resume it; the "
                        "output is incomplete.",
                        "Download to a file with -o PATH, which can start over.");
    if (start != written) return unexpected(ErrorCode::internal, "Resume offset mismatch.");
    return {};
  };
  sink.write = [&](std::span<const char> chunk) -> Result<void> {
    written += chunk.size();
    return sink_fn(chunk);
  };
  std::uint64_t resumed = 0;
  std::string content_type;
  return m_impl->fetch_content(video_id, variant, 0, sink, on_progress, resumed, content_type);
}

bool is_http_url(std::string_view url) noexcept {
  detail::UrlParts parts;
  return detail::parse_url(url, parts);
}

bool is_plain_http_url(std::string_view url) noexcept {
  detail::UrlParts parts;
  return detail::parse_url(url, parts) && parts.scheme == "http";
}

bool is_loopback_url(std::string_view url) noexcept {
  detail::UrlParts parts;
  return detail::parse_url(url, parts) && detail::is_loopback_host(parts.host);
}

std::string_view version() noexcept {
  return SORA_VERSION;
}

} // namespace sora
