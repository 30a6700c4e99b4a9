// Sending: one request with the retry policy, the shared throttle, credentials kept on the API's
// origin, and redacted diagnostics. Every other part of the client sends through one Sender.
#pragma once

#include "transport/retry.hpp"

#include <sora/client.hpp>
#include <sora/redact.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace sora::detail {

class Sender {
public:
  Sender(const ClientConfig& config, Transport& transport, Clock& clock)
      : m_config(config), m_transport(transport), m_clock(clock), m_policy(config.max_retries),
        m_redactor(Redactor::for_config(config)) {}

  const ClientConfig& config() const { return m_config; }
  Transport& transport() { return m_transport; }
  Clock& clock() { return m_clock; }
  RetryPolicy& policy() { return m_policy; }

  /// A diagnostic line with every credential masked.
  void log(LogLevel level, const std::string& line) const;
  /// A request with the base headers; credentials only when `url` is on the API's origin
  /// (tolerance rule 4).
  HttpRequest make_request(std::string method, std::string url,
                           std::string_view accept = "application/json") const;
  /// Sends with retries; a non-2xx answer becomes an Error. `accept_job_body` keeps a non-2xx
  /// answer that carries a job (tolerance rule 16) as a success.
  Result<HttpResponse> execute(HttpRequest request, bool idempotent, bool accept_job_body = false);
  /// Waits while a shared throttle holds requests back; counts the request. False if cancelled.
  bool await_throttle();
  /// Sleeps before a retry; a rate limit holds every client sharing the throttle. False if
  /// cancelled.
  bool pause_before_retry(const Error& error, std::chrono::milliseconds delay);
  bool cancelled() const { return m_config.cancel && m_config.cancel->load(); }

  bool same_origin(std::string_view target) const;
  /// A URL a server gave (a result or polling URL), made absolute: relative ones are resolved
  /// below the base URL, so `/x` lands on the base origin (tolerance rule 4).
  std::string resolve_against_base(std::string_view ref) const;
  /// One line about OpenAI's shutdown on an answer that says the API or the model is gone, on
  /// OpenAI's own base URL or for a sora-2 model anywhere (tolerance rule 30).
  void add_shutdown_hint(Error& e, std::string_view model) const;

private:
  bool is_extra_header(std::string_view name) const;
  // What one attempt gave: the answer to return, a failure to return as is, or a failure the
  // retry policy judges (with the answer's headers when there was an answer).
  struct Attempt {
    std::optional<HttpResponse> response;
    bool final_answer = false;
    Error error;
    std::optional<Headers> headers;
  };
  Attempt judge(Result<HttpResponse> response, std::chrono::milliseconds took,
                bool accept_job_body);

  const ClientConfig& m_config;
  Transport& m_transport;
  Clock& m_clock;
  RetryPolicy m_policy;
  Redactor m_redactor; // the key and credential-like headers, masked in every log line
};

} // namespace sora::detail
