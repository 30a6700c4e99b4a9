// Routing and handlers of sora-mock. Every API route is served under /v1 and at the root.
// Past 500 lines: one handler per route of the API, each short, plus the hooks every feature of
// the mock needs on them (dialects, faults, hostile mode, rendering, webhooks, streamed uploads);
// the features themselves live in their own files. Splitting the routes by resource is next.
#include "server.hpp"

#include "assets.hpp"
#include "hostile.hpp"
#include "params.hpp"
#include "upload.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

namespace sora_mock {
namespace {

// A connection holds a thread for as long as it stays open (while --latency-ms sleeps too), so
// this is the number of clients served at once; more wait for a free thread.
constexpr std::size_t k_worker_threads = 128;
// Requests one connection may carry: httplib's own 5 made a client reconnect after every fifth
// request, a connect and an accept per job of a batch. Not unbounded, so a client with more
// connections than there are threads still gets its turn when one of them closes.
constexpr std::size_t k_requests_per_connection = 100;
// httplib compresses every JSON answer a client accepts compressed, brotli at its highest quality
// when `br` is accepted: most of the mock's CPU went there, for answers of a few hundred bytes.
// Smaller answers than this go out as they are (nginx's gzip_min_length does the same); larger
// ones (lists) are still compressed, so clients' decoding stays exercised.
constexpr std::size_t k_compress_from = 1024;

// Called after a handler, before httplib picks the encoding from the request's Accept-Encoding.
void plain_when_small(const httplib::Request& req, const httplib::Response& res) {
  if (res.body.size() < k_compress_from)
    const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding"); // httplib's own object
}

constexpr std::string_view k_missing_key_message =
    "You didn't provide an API key. You need to provide your API key in an Authorization header "
    "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with "
    "blank username) if you're accessing the API from your browser and are prompted for a "
    "username and password. You can obtain an API key from "
    "https://platform.openai.com/account/api-keys.";
constexpr std::string_view k_bad_key_message =
    "Incorrect API key provided. You can find your API key at "
    "https://platform.openai.com/account/api-keys.";
constexpr std::string_view k_html_502 = "<html>\r\n"
                                        "<head><title>502 Bad Gateway</title></head>\r\n"
                                        "<body>\r\n"
                                        "<center><h1>502 Bad Gateway</h1></center>\r\n"
                                        "<hr><center>nginx</center>\r\n"
                                        "</body>\r\n"
                                        "</html>\r\n";

/// The routes below /videos; `id` is the already percent-decoded path segment.
struct Route {
  enum class Kind { collection, video, content, remix, extensions, edits } kind;
  std::string id;
  std::vector<std::string> methods;
};

std::optional<Route> match_route(const std::string& route) {
  std::vector<std::string> segments;
  if (route.empty() || route.front() != '/') return std::nullopt;
  std::size_t start = 1;
  while (true) {
    const auto slash = route.find('/', start);
    segments.push_back(route.substr(start, slash - start));
    if (segments.back().empty()) return std::nullopt;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (segments[0] != "videos") return std::nullopt;
  for (auto& segment : segments)
    segment = httplib::detail::decode_url(segment, false);
  switch (segments.size()) {
  case 1:
    return Route{Route::Kind::collection, "", {"GET", "POST"}};
  case 2:
    if (segments[1] == "extensions") return Route{Route::Kind::extensions, "", {"POST"}};
    if (segments[1] == "edits") return Route{Route::Kind::edits, "", {"POST"}};
    return Route{Route::Kind::video, segments[1], {"GET", "DELETE"}};
  case 3:
    if (segments[2] == "content") return Route{Route::Kind::content, segments[1], {"GET"}};
    if (segments[2] == "remix") return Route{Route::Kind::remix, segments[1], {"POST"}};
    return std::nullopt;
  default:
    return std::nullopt;
  }
}

/// The path below the dialect's prefix (or /v1, or none): `/videos/…` or `/_mock/…`.
std::string strip_prefix(const std::string& path, std::string_view prefix) {
  for (const std::string_view p : {prefix, std::string_view("/v1")}) {
    if (path == p) return "/";
    if (path.size() > p.size() && path.compare(0, p.size(), p) == 0 && path[p.size()] == '/')
      return path.substr(p.size());
  }
  return path;
}

/// The request's path as sent (still percent-encoded), so an id holding an encoded '/' stays
/// one segment; match_route decodes each segment.
std::string raw_path(const httplib::Request& req) {
  const auto& target = req.target.empty() ? req.path : req.target;
  return target.substr(0, target.find_first_of("?#"));
}

std::string join(const std::vector<std::string>& values, std::string_view separator) {
  std::string out;
  for (const auto& value : values) {
    if (!out.empty()) out += separator;
    out += value;
  }
  return out;
}

void send_json(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void send_error(httplib::Response& res, const ApiError& error) {
  if (error.raw) {
    res.status = error.status;
    res.set_content(*error.raw, error.raw_type);
    return;
  }
  send_json(res, error.status, error_body(error));
}

ApiError not_found_video(const std::string& id) {
  ApiError error = invalid_request("No video found with id '" + id + "'.");
  error.status = 404;
  return error;
}

ApiError unauthorized(std::string_view message, std::optional<std::string> code) {
  ApiError error = invalid_request(std::string(message), std::nullopt, std::move(code));
  error.status = 401;
  return error;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

/// A status code's reason phrase for errors httplib raises before routing.
std::string default_message(int status) {
  switch (status) {
  case 400:
    return "Bad request: the HTTP request could not be parsed.";
  case 413:
    return "Request body too large.";
  case 414:
    return "Request URI too long.";
  case 416:
    return "Requested range not satisfiable.";
  default:
    return "HTTP error " + std::to_string(status) + ".";
  }
}

// OpenRouter's per-job callback_url (JSON bodies only), empty when absent.
std::string callback_url(const std::string& body) {
  const Json json = Json::parse(body, nullptr, false);
  if (!json.is_object()) return {};
  const auto it = json.find("callback_url");
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

MediaSource make_source(std::string content_type, std::string extension,
                        std::span<const unsigned char> embedded, const std::string& path) {
  return MediaSource{std::move(content_type), std::move(extension), embedded, path};
}

} // namespace

MockServer::MockServer(Options options)
    : m_options(std::move(options)),
      m_store(m_options.polls, [d = m_options.dialect] { return new_job_id(d); }),
      m_faults(m_options.faults),
      m_media{
          make_source("video/mp4", "mp4", assets::sample_clip(), m_options.video),
          make_source("image/webp", "webp", assets::sample_thumbnail(), m_options.thumbnail),
          make_source("image/jpeg", "jpg", assets::sample_spritesheet(), m_options.spritesheet)} {
  m_options.webhooks.dialect = m_options.dialect;
  m_options.webhooks.quiet = m_options.quiet;
  m_options.webhooks.duplicate_all = m_faults.enabled(Fault::webhook_duplicate);
  m_webhooks = std::make_unique<WebhookSender>(m_options.webhooks, m_store);
  if (m_webhooks->active()) {
    m_store.on_created([this](const Job& job) { m_webhooks->created(job); });
    m_store.on_finished([this](const Job& job) { m_webhooks->finished(job); });
  }
  m_http.new_task_queue = [] { return new httplib::ThreadPool(k_worker_threads); };
  m_http.set_keep_alive_max_count(k_requests_per_connection);
  // Uploads stream to disk (upload.hpp), which enforces the in-memory limits itself.
  m_http.set_payload_max_length(k_upload_max);
  // Responses go out as two writes (headers, body); with Nagle the body would wait for the
  // client's delayed ACK (40 ms on Linux). Accepted sockets inherit this from the listener.
  m_http.set_tcp_nodelay(true);
  // httplib's default also sets SO_REUSEPORT, which would let a second mock silently share
  // (and load-balance) a busy port instead of failing to bind.
  m_http.set_socket_options([this](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    m_listen_socket = sock; // the last one tried is the one bound
  });

  const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    handle(req, res);
    plain_when_small(req, res);
  };
  m_http.Get(".*", handler);
  // POST bodies (create, remix, extend, edit) are read here rather than by httplib, which would
  // hold a whole multipart upload in memory.
  m_http.Post(".*", [this](const httplib::Request& req, httplib::Response& res,
                           const httplib::ContentReader& reader) {
    auto& request = const_cast<httplib::Request&>(req); // httplib's own object, not const
    const ReceivedBody body = receive_body(request, reader);
    if (body.status != 0) {
      res.set_header("x-request-id", new_request_id());
      ApiError error = invalid_request(body.problem);
      error.status = body.status;
      reply_error(res, error);
      return;
    }
    handle(req, res, &body.sizes);
    plain_when_small(req, res);
  });
  m_http.Put(".*", handler);
  m_http.Patch(".*", handler);
  m_http.Delete(".*", handler);
  m_http.Options(".*", handler);

  // Errors httplib raises itself (unparsable request, bad Range syntax, body too large) get
  // the same envelope and request id as ours. Our own responses already carry an id.
  m_http.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (res.has_header("x-request-id")) return httplib::Server::HandlerResponse::Unhandled;
        const_cast<httplib::Request&>(req).ranges.clear();
        if (res.status == 416) {
          // httplib answers 416 before routing to any Range it cannot parse (`bytes=5-2`,
          // `items=0-1`); RFC 9110 says to ignore such a header, so route the request anyway.
          handle(req, res);
          return httplib::Server::HandlerResponse::Handled;
        }
        res.set_header("x-request-id", new_request_id());
        ApiError error = invalid_request(default_message(res.status));
        error.status = res.status;
        send_error(res, error);
        return httplib::Server::HandlerResponse::Handled;
      }));
  m_http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown error";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        ApiError error;
        error.status = 500;
        error.type = "server_error";
        error.message = "sora-mock internal error: " + what;
        res.set_header("x-request-id", new_request_id());
        send_error(res, error);
      });
  if (!m_options.quiet) {
    m_http.set_logger(
        [this](const httplib::Request& req, const httplib::Response& res) { log_line(req, res); });
  }
}

void MockServer::reply_error(httplib::Response& res, const ApiError& error) const {
  send_error(res, in_dialect(m_options.dialect, error));
}

std::string MockServer::origin(int port) const {
  const auto& host = m_options.host;
  return "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
         std::to_string(port);
}

Json MockServer::job_json(const Job& job) const {
  return dialect_video_json(
      m_options.dialect, job,
      Origins{origin(m_port), m_storage_port > 0 ? origin(m_storage_port) : std::string()},
      m_faults.enabled(Fault::shape_mismatch));
}

void MockServer::setup_storage() {
  // Together's result URLs point at signed storage on another origin, which (like S3 with a
  // signed URL) refuses a request that also carries an Authorization header (tolerance rule 4).
  m_storage.Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
    const_cast<httplib::Request&>(req).ranges.clear();
    const auto entry = m_log.begin(req);
    const bool credentials = req.has_header("Authorization") || req.has_header("api-key");
    const std::string prefix = "/storage/";
    const std::string name = req.path.rfind(prefix, 0) == 0 ? req.path.substr(prefix.size()) : "";
    const auto dot = name.rfind(".mp4");
    const auto job = dot == std::string::npos ? std::nullopt : m_store.find(name.substr(0, dot));
    if (credentials) {
      res.status = 400;
      res.set_content("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InvalidArgument"
                      "</Code><Message>Only one auth mechanism allowed; only the X-Amz-Algorithm "
                      "query parameter, Signature query string parameter or the Authorization "
                      "header should be specified</Message></Error>",
                      "application/xml");
    } else if (!job || job->status != VideoStatus::completed) {
      res.status = 404;
      res.set_content("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
                      "<Message>The specified key does not exist.</Message></Error>",
                      "application/xml");
    } else if (auto error = serve_media(req, res, m_media[0], name, req.get_header_value("Range"),
                                        m_faults, m_shutdown)) {
      send_error(res, *error);
    }
    m_log.finish(entry, credentials, res.status);
  });
}

int MockServer::bind() {
  int port = -1;
  if (m_options.port == 0) {
    port = m_http.bind_to_any_port(m_options.host);
  } else if (m_http.bind_to_port(m_options.host, m_options.port)) {
    port = m_options.port;
  }
  // libcpp-httplib 0.11 listens with a backlog of 5, compiled into the library: 16 clients
  // connecting at once overflow it and the dropped SYNs are retried only after 1 s. Calling
  // listen again on the bound socket raises the backlog (Linux allows it).
  if (port >= 0 && m_listen_socket >= 0) ::listen(m_listen_socket, SOMAXCONN);
  m_port = port;
  if (port >= 0 && m_options.dialect == Dialect::together) {
    setup_storage();
    m_storage_port = m_storage.bind_to_any_port(m_options.host);
    if (m_storage_port < 0) return -1;
  }
  return port;
}

bool MockServer::listen() {
  std::thread storage;
  if (m_storage_port > 0) storage = std::thread([this] { m_storage.listen_after_bind(); });
  const bool ok = m_http.listen_after_bind();
  if (storage.joinable()) {
    m_storage.stop();
    storage.join();
  }
  return ok;
}

void MockServer::stop() {
  m_shutdown.request();
  m_http.stop();
  m_storage.stop();
}

void MockServer::log_line(const httplib::Request& req, const httplib::Response& res) {
  const auto line = req.method + " " + req.path + " -> " + std::to_string(res.status) + "\n";
  std::lock_guard lock(m_stderr_mutex);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

void MockServer::handle(const httplib::Request& req, httplib::Response& res,
                        const UploadSizes* upload_sizes) {
  // httplib would cut every response body to the parsed Range; byte ranges of downloads are
  // computed in media.cpp from the raw header instead. The Request object itself is not const.
  const auto range_header = req.get_header_value("Range");
  const_cast<httplib::Request&>(req).ranges.clear();
  res.set_header("x-request-id", new_request_id());

  const auto prefix = base_prefix(m_options.dialect);
  if (const auto mock_route = strip_prefix(req.path, prefix); mock_route.rfind("/_mock/", 0) == 0) {
    handle_mock(req, res, mock_route);
    return;
  }
  auto route = strip_prefix(raw_path(req), prefix);
  if (hostile(m_faults)) route = undecorate_route(route);
  // --latency-ms: every API answer waits as if the server were far away (cut short on stop).
  if (m_options.latency_ms > 0)
    m_shutdown.wait_for(std::chrono::milliseconds(m_options.latency_ms));
  const auto entry = m_log.begin(req, upload_sizes);
  const bool authorized = handle_api(req, res, route, range_header);
  if (hostile(m_faults)) make_hostile(req, res, m_faults);
  m_log.finish(entry, authorized, res.status);
}

void MockServer::handle_mock(const httplib::Request& req, httplib::Response& res,
                             const std::string& route) {
  const bool get = req.method == "GET" || req.method == "HEAD";
  if (route == "/_mock/health" && get) return send_json(res, 200, Json{{"ok", true}});
  if (route == "/_mock/requests" && get) return send_json(res, 200, m_log.snapshot());
  if (route == "/_mock/requests" && req.method == "DELETE") {
    m_log.clear();
    return send_json(res, 200, Json{{"ok", true}});
  }
  if (route.rfind("/_mock/redirected/", 0) == 0 && get) {
    // The target of content-redirect: logged like an API request, with `authorized` telling
    // whether credentials were sent (they must not be: it is another origin).
    const auto entry = m_log.begin(req);
    const std::string id = route.substr(std::strlen("/_mock/redirected/"));
    std::size_t index = 0;
    const auto variant = req.get_param_value("variant");
    std::from_chars(variant.data(), variant.data() + variant.size(), index);
    index %= m_media.size();
    const auto job = m_store.find(id);
    if (!job) {
      reply_error(res, not_found_video(id));
    } else if (auto error =
                   serve_media(req, res, m_media[index], id + "." + m_media[index].extension,
                               req.get_header_value("Range"), m_faults, m_shutdown)) {
      reply_error(res, *error);
    }
    m_log.finish(entry, req.has_header("Authorization") || req.has_header("api-key"), res.status);
    return;
  }
  const bool known = route == "/_mock/health" || route == "/_mock/requests";
  ApiError error = invalid_request((known ? "Invalid method for URL (" : "Invalid URL (") +
                                   req.method + " " + req.path + ")");
  error.status = known ? 405 : 404;
  reply_error(res, error);
}

bool MockServer::handle_api(const httplib::Request& req, httplib::Response& res,
                            const std::string& route, const std::string& range_header) {
  const auto matched = match_route(route);
  if (!matched) {
    ApiError error = invalid_request("Invalid URL (" + req.method + " " + req.path + ")");
    error.status = 404;
    reply_error(res, error);
    return false;
  }
  const auto method = req.method == "HEAD" ? std::string("GET") : req.method;
  if (std::find(matched->methods.begin(), matched->methods.end(), method) ==
      matched->methods.end()) {
    ApiError error = invalid_request("Invalid method for URL (" + req.method + " " + req.path +
                                     "). Allowed methods: " + join(matched->methods, ", ") + ".");
    error.status = 405;
    res.set_header("Allow", join(matched->methods, ", "));
    reply_error(res, error);
    return false;
  }
  if (auto error = check_auth(req)) {
    reply_error(res, *error);
    return false;
  }
  const auto dialect = m_options.dialect;
  const bool missing =
      (matched->kind == Route::Kind::remix && !supports(dialect, Operation::remix)) ||
      ((matched->kind == Route::Kind::extensions || matched->kind == Route::Kind::edits) &&
       !supports(dialect, Operation::extend_or_edit)) ||
      (matched->kind == Route::Kind::collection && method == "GET" &&
       !supports(dialect, Operation::list)) ||
      (matched->kind == Route::Kind::video && method == "DELETE" &&
       !supports(dialect, Operation::remove)) ||
      (matched->kind == Route::Kind::content && dialect == Dialect::together);
  if (missing) { // this server has no such route (tolerance rule 25)
    send_error(res, route_not_found(dialect, req.method, req.path));
    return true;
  }

  // OpenRouter's model list sits where a video id would (`GET /videos/models`).
  if (matched->kind == Route::Kind::video && matched->id == "models" && method == "GET") {
    if (auto models = video_models_json(dialect, m_faults.enabled(Fault::shape_mismatch))) {
      send_json(res, 200, *models);
      return true;
    }
  }
  switch (matched->kind) {
  case Route::Kind::collection:
    if (method == "POST") {
      create(req, res);
    } else {
      list(req, res);
    }
    break;
  case Route::Kind::video:
    if (method == "DELETE") {
      remove(res, matched->id);
    } else {
      retrieve(res, matched->id);
    }
    break;
  case Route::Kind::content:
    content(req, res, matched->id, range_header);
    break;
  case Route::Kind::remix:
    remix(req, res, matched->id);
    break;
  case Route::Kind::extensions:
    extend(req, res);
    break;
  case Route::Kind::edits:
    edit(req, res);
    break;
  }
  return true;
}

std::optional<ApiError> MockServer::check_auth(const httplib::Request& req) const {
  if (m_faults.enabled(Fault::unauthorized))
    return unauthorized(k_bad_key_message, "invalid_api_key");
  if (m_options.api_key.empty()) return std::nullopt;

  std::string bearer;
  const auto authorization = req.get_header_value("Authorization");
  if (starts_with_ci(authorization, "Bearer ")) {
    bearer = authorization.substr(7);
    const auto first = bearer.find_first_not_of(' ');
    bearer = first == std::string::npos ? "" : bearer.substr(first);
    while (!bearer.empty() && bearer.back() == ' ')
      bearer.pop_back();
  }
  const auto api_key = req.get_header_value("api-key");
  if (bearer.empty() && api_key.empty()) return unauthorized(k_missing_key_message, std::nullopt);
  if (bearer == m_options.api_key || api_key == m_options.api_key) return std::nullopt;
  return unauthorized(k_bad_key_message, "invalid_api_key");
}

Outcome MockServer::outcome_for(const std::string& prompt) const {
  // A trigger in the prompt wins over a fault that applies to every job.
  if (prompt.find("mock:never") != std::string::npos) return Outcome::never;
  if (prompt.find("mock:moderation") != std::string::npos) return Outcome::moderation;
  if (prompt.find("mock:fail") != std::string::npos) return Outcome::fail;
  if (prompt.find("mock:cancel") != std::string::npos) return Outcome::cancel;
  if (m_faults.enabled(Fault::never_complete)) return Outcome::never;
  if (m_faults.enabled(Fault::moderation)) return Outcome::moderation;
  if (m_faults.enabled(Fault::job_failed)) return Outcome::fail;
  return Outcome::complete;
}

void MockServer::create(const httplib::Request& req, httplib::Response& res) {
  if (m_faults.take_once(Fault::create_429)) {
    ApiError error;
    error.status = 429;
    error.type = "requests";
    error.code = "rate_limit_exceeded";
    error.message = "Rate limit reached for requests";
    res.set_header("Retry-After", "1");
    res.set_header("retry-after-ms", "1000");
    return reply_error(res, error);
  }
  if (m_faults.enabled(Fault::quota)) {
    ApiError error;
    error.status = 429;
    error.type = "insufficient_quota";
    error.code = "insufficient_quota";
    error.message = "You exceeded your current quota, please check your plan and billing details.";
    return reply_error(res, error);
  }

  auto parsed = m_options.dialect == Dialect::openai
                    ? parse_create(req)
                    : parse_create_with(req, create_rules(m_options.dialect));
  if (const auto* error = std::get_if<ApiError>(&parsed)) return reply_error(res, *error);
  auto& params = std::get<CreateParams>(parsed);
  JobSpec spec;
  spec.outcome = outcome_for(params.prompt);
  spec.prompt = std::move(params.prompt);
  spec.model = std::move(params.model);
  spec.size = std::move(params.size);
  spec.seconds = std::move(params.seconds);
  // Only a rendered video starts from the image: without --render, keeping its bytes (up to
  // a MiB each) with every job would grow the mock by a MiB per upload.
  if (m_options.render) spec.reference_image = std::move(params.reference_image);
  if (m_options.dialect == Dialect::openrouter) spec.callback_url = callback_url(req.body);
  const auto job = m_store.create(std::move(spec));
  if (m_faults.enabled(Fault::create_delay)) {
    m_shutdown.wait_for(std::chrono::milliseconds(m_options.delay_ms));
  }
  // OpenRouter accepts with 202 and a relative polling_url (tolerance rules 11 and 19).
  send_json(res, m_options.dialect == Dialect::openrouter ? 202 : 200, job_json(job));
}

void MockServer::list(const httplib::Request& req, httplib::Response& res) {
  std::size_t limit = 20;
  if (req.has_param("limit")) {
    const auto text = req.get_param_value("limit");
    long long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      return reply_error(res, invalid_request("Invalid 'limit': expected an integer, but got '" +
                                                  text + "' instead.",
                                              "limit", "invalid_type"));
    }
    if (value < 1) {
      return reply_error(res, invalid_request("Invalid 'limit': integer below minimum value. "
                                              "Expected a value >= 1, but got " +
                                                  text + " instead.",
                                              "limit", "integer_below_min_value"));
    }
    if (value > 100) {
      return reply_error(res, invalid_request("Invalid 'limit': integer above maximum value. "
                                              "Expected a value <= 100, but got " +
                                                  text + " instead.",
                                              "limit", "integer_above_max_value"));
    }
    limit = static_cast<std::size_t>(value);
  }
  auto order = Order::desc;
  if (req.has_param("order")) {
    const auto text = req.get_param_value("order");
    if (text == "asc") {
      order = Order::asc;
    } else if (text != "desc") {
      return reply_error(res, invalid_request("Invalid value: '" + text +
                                                  "'. Supported values are: 'asc' and 'desc'.",
                                              "order", "invalid_value"));
    }
  }
  if (m_options.dialect ==
      Dialect::sglang) { // {data, object} only, no cursors, `after` ignored (rule 26)
    Json all = Json::array();
    const auto everything = m_store.list(1'000'000, "", order);
    for (const auto& job : everything->jobs)
      all.push_back(job_json(job));
    return send_json(res, 200, Json{{"data", all}, {"object", "list"}});
  }
  const auto after = req.get_param_value("after");
  const auto page = m_store.list(limit, after, order);
  if (!page) {
    return reply_error(res,
                       invalid_request("Invalid 'after': no video found with id '" + after + "'.",
                                       "after", "invalid_value"));
  }
  Json data = Json::array();
  for (const auto& job : page->jobs)
    data.push_back(job_json(job));
  send_json(res, 200,
            Json{{"object", "list"},
                 {"data", data},
                 {"first_id", page->jobs.empty() ? Json() : Json(page->jobs.front().id)},
                 {"last_id", page->jobs.empty() ? Json() : Json(page->jobs.back().id)},
                 {"has_more", page->has_more}});
}

void MockServer::retrieve(httplib::Response& res, const std::string& id) {
  if (m_faults.take_once(Fault::status_500)) {
    ApiError error;
    error.status = 500;
    error.type = "server_error";
    error.message = "The server had an error while processing your request. Sorry about that!";
    return reply_error(res, error);
  }
  if (m_faults.take_once(Fault::status_html_502)) {
    res.status = 502;
    res.set_content(std::string(k_html_502), "text/html");
    return;
  }
  const auto job = m_store.poll(id);
  if (!job) return reply_error(res, not_found_video(id));
  const auto dialect = m_options.dialect;
  if ((job->status == VideoStatus::queued || job->status == VideoStatus::in_progress) &&
      (dialect == Dialect::openai || dialect == Dialect::litellm)) {
    res.set_header("openai-poll-after-ms", std::to_string(m_options.poll_after_ms));
  }
  if (dialect == Dialect::vllm_omni && job->status == VideoStatus::failed) {
    return send_json(res, 500, job_json(*job)); // the job, with an error status (rule 16)
  }
  if (m_faults.enabled(Fault::expired) && job->status == VideoStatus::completed) {
    auto expired = *job; // finished long enough ago that its files are gone
    expired.expires_at = expired.completed_at.value_or(0) - 1;
    return send_json(res, 200, job_json(expired));
  }
  send_json(res, 200, job_json(*job));
}

void MockServer::remove(httplib::Response& res, const std::string& id) {
  const auto job = m_store.find(id);
  if (!job) return reply_error(res, not_found_video(id));
  const bool running =
      job->status == VideoStatus::queued || job->status == VideoStatus::in_progress;
  if (m_options.dialect == Dialect::vllm_omni && running) {
    // Deleting a running job cancels it; while that is under way the server answers 409.
    std::lock_guard lock(m_cancel_mutex);
    if (m_cancelling.insert(id).second) {
      ApiError busy = invalid_request("Cancellation in progress");
      busy.status = 409;
      return reply_error(res, busy);
    }
  }
  m_store.remove(id);
  if (m_options.dialect == Dialect::sglang) { // the video object, status "deleted" (rule 27)
    Json gone = job_json(*job);
    gone["status"] = "deleted";
    return send_json(res, 200, gone);
  }
  send_json(res, 200, Json{{"id", id}, {"object", "video.deleted"}, {"deleted", true}});
}

void MockServer::content(const httplib::Request& req, httplib::Response& res, const std::string& id,
                         const std::string& range_header) {
  const auto dialect = m_options.dialect;
  std::size_t index = 0;
  const bool ignores_variant = dialect == Dialect::litellm || dialect == Dialect::vllm_omni ||
                               dialect == Dialect::sglang || dialect == Dialect::new_api ||
                               dialect == Dialect::openrouter;
  if (dialect == Dialect::openrouter && !req.has_param("index")) {
    // sora-mock's OpenRouter serves files only at the job's unsigned_urls (…/content?index=0).
    ApiError error = invalid_request("Missing required query parameter 'index'.");
    error.status = 404;
    return reply_error(res, error);
  }
  if (req.has_param("variant") && !ignores_variant) {
    const auto variant = req.get_param_value("variant");
    const std::vector<std::string> variants = {"video", "thumbnail", "spritesheet"};
    const auto it = std::find(variants.begin(), variants.end(), variant);
    if (it == variants.end()) {
      return send_error(
          res, invalid_request("Invalid value: '" + variant +
                                   "'. Supported values are: " + quoted_list(variants) + ".",
                               "variant", "invalid_value"));
    }
    index = static_cast<std::size_t>(it - variants.begin());
  }
  const auto job = m_store.find(id);
  if (!job) return reply_error(res, not_found_video(id));
  if (job->status != VideoStatus::completed) {
    ApiError error = invalid_request(
        "Video is not ready yet (status: " + std::string(status_name(job->status)) + ").");
    if (dialect == Dialect::vllm_omni || dialect == Dialect::sglang) { // rule 21
      error.message = "Generation is still in-progress";
      error.status =
          job->status == VideoStatus::failed && dialect == Dialect::vllm_omni ? 422 : 404;
      if (error.status == 422) error.message = "Video generation failed";
    } else if (dialect == Dialect::new_api) {
      error.code = "task_not_completed";
      error.message = "task is not completed yet";
    }
    return reply_error(res, error);
  }
  if (m_faults.enabled(Fault::expired)) {
    ApiError gone = invalid_request("The files of video " + id + " have expired.");
    gone.status = 410;
    return reply_error(res, gone);
  }
  if (m_faults.enabled(Fault::content_redirect) && req.path.rfind("/_mock/", 0) != 0) {
    // Another origin for the same server: credentials must not follow the redirect.
    res.status = 302;
    res.set_header("Location", "http://localhost:" + std::to_string(m_port) + "/_mock/redirected/" +
                                   id + "?variant=" + std::to_string(index));
    return;
  }
  auto source = m_media[index];
  if (m_options.render && index == 0 && m_options.video.empty()) {
    const auto size = parse_render_size(job->spec.size);
    RenderSpec spec;
    spec.width = size ? size->first : 0;
    spec.height = size ? size->second : 0;
    spec.seconds = std::atoi(job->spec.seconds.c_str());
    spec.prompt = job->spec.prompt;
    spec.reference = job->spec.reference_image;
    auto rendered = m_renders.video(id, spec);
    if (const auto* message = std::get_if<std::string>(&rendered)) {
      ApiError error;
      error.status = 500;
      error.type = "server_error";
      error.message = "sora-mock could not render video " + id + ": " + *message;
      return reply_error(res, error);
    }
    source.path = std::get<std::filesystem::path>(rendered).string();
  }
  // LiteLLM's route answers with the whole file in one response: no Range (rule 23).
  const bool no_range = dialect == Dialect::litellm;
  if (auto error = serve_media(req, res, source, id + "." + source.extension,
                               no_range ? std::string() : range_header, m_faults, m_shutdown)) {
    reply_error(res, *error);
  }
  if (no_range) res.headers.erase("Accept-Ranges");
}

void MockServer::remix(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  auto prompt = parse_remix(req);
  if (const auto* error = std::get_if<ApiError>(&prompt)) return reply_error(res, *error);
  const auto source = m_store.find(id);
  if (!source) return reply_error(res, not_found_video(id));
  if (source->status != VideoStatus::completed) {
    return reply_error(res, invalid_request("Video " + id +
                                            " is not completed yet; only completed videos can be "
                                            "remixed."));
  }
  JobSpec spec = source->spec;
  spec.prompt = std::move(std::get<std::string>(prompt));
  spec.remixed_from = id;
  spec.outcome = outcome_for(spec.prompt);
  send_json(res, 200, job_json(m_store.create(std::move(spec))));
}

} // namespace sora_mock
