// Sending one request: the retry loop, the throttle, origins and redacted logging.
#include "api/sender.hpp"

#include "api/http_error.hpp"
#include "api/json_codec.hpp"
#include "api/request_plan.hpp"
#include "common/text.hpp"
#include "transport/redact.hpp"
#include "transport/url.hpp"

#include <algorithm>

namespace sora::detail {

namespace {

constexpr std::string_view k_shutdown_hint =
    "OpenAI shut down its Videos API (Sora 2) on 2026-09-24; to use another server that speaks "
    "the same API, choose that server's provider profile.";

bool is_success(int status) {
  return status >= 200 && status < 300;
}

bool mentions_missing_model(const Error& e) {
  std::string text = ascii_lower(e.api_code + " " + e.message);
  return text.find("model_not_found") != std::string::npos ||
         text.find("model not found") != std::string::npos;
}

} // namespace

void Sender::log(LogLevel level, const std::string& line) const {
  if (m_config.log) m_config.log(level, m_redactor.apply(line)); // key, credential-like headers
}

bool Sender::is_extra_header(std::string_view name) const {
  const auto& extra = m_config.style.headers;
  return std::any_of(extra.begin(), extra.end(),
                     [&](const Header& h) { return ascii_lower(h.name) == ascii_lower(name); });
}

HttpRequest Sender::make_request(std::string method, std::string url,
                                 std::string_view accept) const {
  HttpRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.headers = base_headers(m_config, accept);
  if (!same_origin(r.url)) // credentials never leave the API's origin (tolerance rule 4)
    std::erase_if(r.headers, [&](const Header& h) {
      return is_secret_header(h.name) || is_extra_header(h.name) ||
             (!m_config.auth_header.empty() &&
              ascii_lower(h.name) == ascii_lower(m_config.auth_header));
    });
  return r;
}

Sender::Attempt Sender::judge(Result<HttpResponse> response, std::chrono::milliseconds took,
                              bool accept_job_body) {
  Attempt attempt;
  if (!response) {
    attempt.error = response.error();
    log(LogLevel::debug,
        "  failed after " + std::to_string(took.count()) + " ms: " + attempt.error.message);
    const auto code = attempt.error.code;
    attempt.final_answer = code == ErrorCode::interrupted || code == ErrorCode::internal ||
                           code == ErrorCode::io || code == ErrorCode::invalid_argument;
    return attempt;
  }
  log(LogLevel::debug,
      "  HTTP " + std::to_string(response->status) + " in " + std::to_string(took.count()) + " ms");
  log(LogLevel::trace, "response headers:\n" + format_headers(response->headers));
  if (is_success(response->status) || (accept_job_body && looks_like_video(response->body))) {
    attempt.response = std::move(*response);
    attempt.final_answer = true;
    return attempt;
  }
  attempt.error = error_from_response(*response, m_clock.unix_seconds());
  explain_wrong_prefix(attempt.error, m_config.base_url);
  add_shutdown_hint(attempt.error, "");
  attempt.headers = response->headers;
  log(LogLevel::trace, "response body: " + response->body.substr(0, 2000));
  return attempt;
}

Result<HttpResponse> Sender::execute(HttpRequest request, bool idempotent, bool accept_job_body) {
  for (int n = 0;; ++n) {
    if (cancelled()) return unexpected(ErrorCode::interrupted, "Interrupted.");
    log(LogLevel::debug,
        request.method + " " + request.url + (n ? " (retry " + std::to_string(n) + ")" : ""));
    log(LogLevel::trace, "request headers:\n" + format_headers(request.headers));
    auto started = m_clock.now();
    if (!await_throttle()) return unexpected(ErrorCode::interrupted, "Interrupted.");
    auto response = m_transport.send(request);
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.now() - started);
    Attempt attempt = judge(std::move(response), took, accept_job_body);
    if (attempt.response) return std::move(*attempt.response);
    if (attempt.final_answer) return unexpected(std::move(attempt.error));
    const Headers* headers = attempt.headers ? &*attempt.headers : nullptr;
    auto decision =
        m_policy.after_failure(attempt.error, headers, n, idempotent, m_clock.unix_seconds());
    if (!decision.delay) {
      if (!decision.hint.empty()) attempt.error.hint = decision.hint;
      return unexpected(std::move(attempt.error));
    }
    log(LogLevel::debug, "  retrying in " + std::to_string(decision.delay->count()) + " ms");
    if (!pause_before_retry(attempt.error, *decision.delay))
      return unexpected(ErrorCode::interrupted, "Interrupted.");
  }
}

bool Sender::pause_before_retry(const Error& error, std::chrono::milliseconds delay) {
  if (m_config.throttle && error.code == ErrorCode::rate_limited)
    m_config.throttle->hold_until(m_clock.now() + delay); // one rate limit slows every client
  return m_clock.sleep_for(delay);
}

bool Sender::await_throttle() {
  if (!m_config.throttle) return true;
  auto ready = m_config.throttle->ready_at();
  auto now = m_clock.now();
  if (ready > now &&
      !m_clock.sleep_for(std::chrono::duration_cast<std::chrono::milliseconds>(ready - now)))
    return false;
  m_config.throttle->requests++;
  return true;
}

bool Sender::same_origin(std::string_view target) const {
  return detail::same_origin(m_config.base_url, target);
}

std::string Sender::resolve_against_base(std::string_view ref) const {
  std::string base = m_config.base_url;
  if (base.empty() || base.back() != '/') base += '/';
  return resolve_url(base, ref);
}

void Sender::add_shutdown_hint(Error& e, std::string_view model) const {
  bool gone = e.http_status == 404 || e.http_status == 410 || mentions_missing_model(e);
  if (!gone || e.http_status == 0) return;
  UrlParts base;
  bool openai = parse_url(m_config.base_url, base) && base.host == "api.openai.com";
  if (openai || ascii_lower(model).starts_with("sora-2")) {
    e.hint = k_shutdown_hint;
    e.hint_kind = HintKind::choose_profile;
    e.setting.clear();
    e.hint_values.clear();
  }
}

} // namespace sora::detail
