// libcurl behind the Transport seam. One easy handle is reused so the connection stays alive.
// No exception crosses a libcurl callback: callbacks record a failure and return the abort value.
#include "transport/curl/curl_transport.hpp"

#include "transport/redact.hpp"

#include <curl/curl.h>

#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>

namespace sora::detail {
namespace {

constexpr std::size_t k_max_buffered_body = 16 * 1024 * 1024;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string trim(std::string_view text) {
  auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  auto end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

// State shared with the C callbacks of one transfer.
struct Transfer {
  CURL* curl = nullptr;
  const HttpRequest* request = nullptr;
  const StreamHandler* handler = nullptr; // null: buffer the body
  const std::atomic<bool>* cancel = nullptr;
  HttpResponse response;
  bool head_delivered = false;
  std::optional<Error> failure; // set by a callback that aborted the transfer
  // Stall detection: libcurl's low-speed check averages over several seconds, so a 2 s stall
  // limit took ~7 s to fire; bytes are watched here instead (the callback runs about every
  // second, more often while data moves).
  std::chrono::milliseconds stall_timeout{0};
  std::chrono::steady_clock::time_point last_move = std::chrono::steady_clock::now();
  curl_off_t last_bytes = 0;
  bool stalled = false;

  bool check_stall(curl_off_t bytes_moved) {
    auto now = std::chrono::steady_clock::now();
    if (bytes_moved != last_bytes) {
      last_bytes = bytes_moved;
      last_move = now;
    } else if (stall_timeout.count() > 0 && now - last_move >= stall_timeout) {
      stalled = true;
    }
    return stalled;
  }

  Result<void> deliver_head() {
    if (head_delivered) return {};
    head_delivered = true;
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    if (handler && handler->on_head) return handler->on_head(response);
    return {};
  }
};

Error internal_failure() {
  Error e;
  e.code = ErrorCode::internal;
  e.message = "An unexpected exception during a transfer (out of memory?).";
  return e;
}

size_t on_header_impl(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    t->response.headers.clear(); // a new response (after 100-continue or a redirect)
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    t->response.headers.push_back({trim(line.substr(0, colon)), trim(line.substr(colon + 1))});
  }
  return size * count;
}

// libcurl calls this from C: nothing may throw through it.
size_t on_header(char* data, size_t size, size_t count, void* user) noexcept {
  try {
    return on_header_impl(data, size, count, user);
  } catch (...) {
    static_cast<Transfer*>(user)->failure = internal_failure();
    return 0;
  }
}

size_t on_write_impl(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t n = size * count;
  if (auto ok = t->deliver_head(); !ok) {
    t->failure = ok.error();
    return 0;
  }
  if (!t->handler) {
    if (t->response.body.size() + n > k_max_buffered_body) {
      Error e;
      e.code = ErrorCode::protocol;
      e.message = "The server's answer is larger than 16 MiB, which no API answer should be.";
      t->failure = e;
      return 0;
    }
    t->response.body.append(data, n);
    return n;
  }
  if (t->handler->on_data) {
    if (auto ok = t->handler->on_data(std::span<const char>(data, n)); !ok) {
      t->failure = ok.error();
      return 0;
    }
  }
  return n;
}

// libcurl calls this from C: nothing may throw through it.
size_t on_write(char* data, size_t size, size_t count, void* user) noexcept {
  try {
    return on_write_impl(data, size, count, user);
  } catch (...) {
    static_cast<Transfer*>(user)->failure = internal_failure();
    return 0;
  }
}

size_t on_read_impl(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  auto n = t->request->body->read(std::span<char>(buffer, size * count));
  if (!n) {
    t->failure = n.error();
    return CURL_READFUNC_ABORT;
  }
  return *n;
}

// libcurl calls this from C: nothing may throw through it.
size_t on_read(char* buffer, size_t size, size_t count, void* user) noexcept {
  try {
    return on_read_impl(buffer, size, count, user);
  } catch (...) {
    static_cast<Transfer*>(user)->failure = internal_failure();
    return CURL_READFUNC_ABORT;
  }
}

int on_progress_impl(void* user, curl_off_t dl_total, curl_off_t dl_now, curl_off_t ul_total,
                     curl_off_t ul_now) {
  auto* t = static_cast<Transfer*>(user);
  if (t->cancel && t->cancel->load()) return 1;
  if (t->check_stall(dl_now + ul_now)) return 1;
  if (t->request->on_progress)
    t->request->on_progress(
        TransferProgress{static_cast<std::uint64_t>(ul_now), static_cast<std::uint64_t>(ul_total),
                         static_cast<std::uint64_t>(dl_now), static_cast<std::uint64_t>(dl_total)});
  return 0;
}

int on_progress(void* user, curl_off_t dl_total, curl_off_t dl_now, curl_off_t ul_total,
                curl_off_t ul_now) noexcept {
  try {
    return on_progress_impl(user, dl_total, dl_now, ul_total, ul_now);
  } catch (...) {
    static_cast<Transfer*>(user)->failure = internal_failure();
    return 1;
  }
}

Error transport_error(CURLcode code, const char* detail, const CurlOptions& options, bool streaming,
                      bool stalled) {
  Error e;
  std::string what = detail[0] ? detail : curl_easy_strerror(code);
  switch (code) {
  case CURLE_ABORTED_BY_CALLBACK:
    e.code = ErrorCode::interrupted;
    e.message = "Interrupted.";
    break;
  case CURLE_OPERATION_TIMEDOUT:
    e.code = ErrorCode::timeout;
    if (streaming || stalled || what.find("slower than") != std::string::npos) {
      e.message = "The transfer stalled: no data for " +
                  std::to_string(options.stall_timeout.count() / 1000) + " s (" + what + ").";
      e.hint = "Run the same command again to resume; check the network.";
    } else {
      e.message = "The request timed out (" + what + ").";
      e.hint = "Raise the request timeout, or try again later.";
      e.hint_kind = HintKind::raise_timeout;
    }
    break;
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_COULDNT_CONNECT:
    e.code = ErrorCode::network;
    e.request_sent = false;
    e.message = "Cannot connect to the server: " + what + ".";
    e.hint = "Check the base URL and your network; is the server running?";
    e.hint_kind = HintKind::check_server_reachable;
    break;
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CACERT_BADFILE:
    e.code = ErrorCode::network;
    e.request_sent = false;
    e.message = "TLS failed: " + what + ".";
    e.hint = "Check the server's certificate and the system's CA store.";
    break;
  default:
    e.code = ErrorCode::network;
    e.message = "The connection failed: " + what + ".";
    e.hint = "Check the network and try again.";
    break;
  }
  return e;
}

class CurlTransport final : public Transport {
public:
  explicit CurlTransport(CurlOptions options) : m_options(options) {
    global_init();
    m_curl = curl_easy_init();
  }
  ~CurlTransport() override {
    if (m_curl) curl_easy_cleanup(m_curl);
  }
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Result<HttpResponse> send(const HttpRequest& request) override {
    return perform(request, nullptr);
  }
  Result<HttpResponse> send(const HttpRequest& request, const StreamHandler& handler) override {
    return perform(request, &handler);
  }

private:
  Result<HttpResponse> perform(const HttpRequest& request, const StreamHandler* handler) {
    if (!m_curl) return unexpected(ErrorCode::internal, "libcurl could not be initialised.");
    CURL* c = m_curl;
    curl_easy_reset(c);
    Transfer t;
    t.curl = c;
    t.request = &request;
    t.handler = handler;
    t.cancel = m_options.cancel;
    t.stall_timeout = m_options.stall_timeout;
    for (const auto& header : request.headers) // the last guard against header injection
      if (auto problem = header_problem(header.name, header.value); !problem.empty())
        return unexpected(ErrorCode::invalid_argument, problem,
                          "Headers are one line: check the key and the configured headers.");
    char error_buffer[CURL_ERROR_SIZE] = {0};

    curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(m_options.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(
        c, CURLOPT_LOW_SPEED_TIME,
        static_cast<long>(std::max<std::int64_t>(1, m_options.stall_timeout.count() / 1000)));
    if (!handler) // a download of any size may take long; only API calls get a total limit
      curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(m_options.request_timeout.count()));
    else
      curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 512L * 1024L);
    // Redirects are followed by the client, which decides where credentials may go.
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    if (m_options.insecure) {
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); // whatever libcurl decodes; media is sent raw
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);

    if (request.method == "GET") {
      curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else if (request.method == "POST") {
      curl_easy_setopt(c, CURLOPT_POST, 1L);
    } else {
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (request.body) {
      if (auto ok = request.body->rewind(); !ok) return unexpected(ok.error());
      if (request.method != "POST") curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt(c, CURLOPT_READDATA, &t);
      auto size = static_cast<curl_off_t>(request.body->size());
      if (size > 1024 * 1024) // big uploads (images) move in 1 MiB reads instead of 64 KiB
        curl_easy_setopt(c, CURLOPT_UPLOAD_BUFFERSIZE, 1024L * 1024L);
      curl_easy_setopt(
          c, request.method == "POST" ? CURLOPT_POSTFIELDSIZE_LARGE : CURLOPT_INFILESIZE_LARGE,
          size);
    } else if (request.method == "POST") {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
    }

    curl_slist* headers = nullptr;
    for (const auto& header : request.headers)
      headers = curl_slist_append(headers, (header.name + ": " + header.value).c_str());
    headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);

    CURLcode code = curl_easy_perform(c);
    curl_slist_free_all(headers);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);

    if (t.failure) return unexpected(std::move(*t.failure));
    if (t.stalled) code = CURLE_OPERATION_TIMEDOUT;
    if (code != CURLE_OK) {
      Error e = transport_error(code, t.stalled ? "no data moved" : error_buffer, m_options,
                                handler != nullptr, t.stalled);
      if (e.code == ErrorCode::interrupted && !(m_options.cancel && m_options.cancel->load()))
        e.code = ErrorCode::internal;
      return unexpected(std::move(e));
    }
    if (auto ok = t.deliver_head(); !ok) return unexpected(ok.error()); // bodiless answers
    return std::move(t.response);
  }

  CurlOptions m_options;
  CURL* m_curl = nullptr;
};

} // namespace

std::shared_ptr<Transport> make_curl_transport(const CurlOptions& options) {
  return std::make_shared<CurlTransport>(options);
}

} // namespace sora::detail
