// Credential masking: for diagnostics, and for everything a server says (issue: a server that
// echoes the key back must not get it printed, logged or stored).
#include "transport/redact.hpp"

#include "common/text.hpp"

#include <sora/client.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace sora {

bool is_credential_name(std::string_view name) noexcept {
  std::string lower = detail::ascii_lower(name);
  if (detail::is_secret_header(lower)) return true;
  for (std::string_view word : {"key", "token", "secret", "auth", "password", "cookie"})
    if (lower.find(word) != std::string::npos) return true;
  return false;
}

Redactor::Redactor(std::vector<std::string> secrets) {
  for (const auto& secret : secrets)
    add(secret);
}

Redactor Redactor::for_config(const ClientConfig& config) {
  Redactor r;
  r.add(config.api_key);
  for (const auto& header : config.style.headers)
    if (is_credential_name(header.name)) r.add(header.value);
  for (const auto& [name, value] : config.style.query)
    if (is_credential_name(name)) r.add(value);
  return r;
}

void Redactor::add(std::string_view secret) {
  if (secret.size() < 4) return;
  if (std::find(m_secrets.begin(), m_secrets.end(), secret) != m_secrets.end()) return;
  m_secrets.emplace_back(secret);
  std::stable_sort(m_secrets.begin(), m_secrets.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

bool Redactor::finds_secret(std::string_view text) const {
  return std::any_of(m_secrets.begin(), m_secrets.end(), [&](const std::string& secret) {
    return text.find(secret) != std::string_view::npos;
  });
}

std::string Redactor::apply(std::string text) const {
  for (const auto& secret : m_secrets)
    text = detail::redact(std::move(text), secret);
  return text;
}

Error Redactor::apply(Error error) const {
  if (m_secrets.empty()) return error;
  for (std::string* field : {&error.message, &error.hint, &error.api_type, &error.api_code,
                             &error.api_param, &error.request_id, &error.video_id})
    *field = apply(std::move(*field));
  return error;
}

namespace detail {

bool is_secret_header(std::string_view name) {
  static constexpr std::array<std::string_view, 8> k_secret{
      "authorization",     "proxy-authorization", "api-key", "x-api-key",
      "x-litellm-api-key", "x-goog-api-key",      "cookie",  "set-cookie"};
  std::string lower = ascii_lower(name);
  return std::find(k_secret.begin(), k_secret.end(), lower) != k_secret.end();
}

std::string format_headers(const Headers& headers) {
  std::string out;
  for (const auto& header : headers) {
    out += "  ";
    out += header.name;
    out += ": ";
    out += is_secret_header(header.name) ? std::string(k_redacted) : header.value;
    out += '\n';
  }
  if (!out.empty()) out.pop_back();
  return out;
}

std::string redact(std::string text, std::string_view secret) {
  if (secret.size() < 4) return text;
  // Searching on after the mask: a secret inside "[redacted]" (say "acted") must not loop.
  for (auto at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + k_redacted.size()))
    text.replace(at, secret.size(), k_redacted);
  return text;
}

std::string header_problem(std::string_view name, std::string_view value) {
  auto token = [](unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  };
  if (name.empty()) return "A request header has no name.";
  if (!std::all_of(name.begin(), name.end(), [&](char c) { return token(c); }))
    return "The request header name '" + std::string(name.substr(0, 60)) +
           "' holds characters a header name cannot (spaces, colons, line breaks).";
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
    return "The value of request header " + std::string(name) +
           " holds a line break (CR or LF) or a NUL byte.";
  return {};
}

namespace {

// Redacts every string in a JSON document; true when anything changed.
bool redact_json(const Redactor& redactor, nlohmann::json& value) {
  bool changed = false;
  if (value.is_string()) {
    auto& text = value.get_ref<std::string&>();
    if (redactor.finds_secret(text)) {
      text = redactor.apply(std::move(text));
      changed = true;
    }
  } else if (value.is_array()) {
    for (auto& item : value)
      changed = redact_json(redactor, item) || changed;
  } else if (value.is_object()) {
    nlohmann::json copy = nlohmann::json::object();
    for (auto& [name, item] : value.items()) {
      changed = redact_json(redactor, item) || changed;
      std::string clean = redactor.apply(name);
      changed = changed || clean != name;
      copy[clean] = std::move(item);
    }
    if (changed) value = std::move(copy);
  }
  return changed;
}

} // namespace

std::string redact_body(const Redactor& redactor, std::string body) {
  if (redactor.empty()) return body;
  // Escapes could spell a secret without its bytes appearing: decode JSON first.
  if (body.find('\\') != std::string::npos) {
    auto first = body.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && (body[first] == '{' || body[first] == '[')) {
      auto json = nlohmann::json::parse(body, nullptr, false);
      if (!json.is_discarded() && redact_json(redactor, json))
        body = json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  return redactor.finds_secret(body) ? redactor.apply(std::move(body)) : body;
}

namespace {

void redact_headers(const Redactor& redactor, Headers& headers) {
  for (auto& header : headers)
    header.value = redactor.apply(std::move(header.value));
}

bool is_json_type(const Headers& headers) {
  auto type = find_header(headers, "content-type");
  return type && ascii_lower(*type).find("json") != std::string::npos;
}

// What is held back of a streamed answer (the client reads no more of either).
constexpr std::size_t k_max_error_body = 1u << 20;
constexpr std::size_t k_max_json_body = 257u << 20;

class RedactingTransport final : public Transport {
public:
  RedactingTransport(std::shared_ptr<Transport> inner, Redactor redactor)
      : m_inner(std::move(inner)), m_redactor(std::move(redactor)) {}

  Result<HttpResponse> send(const HttpRequest& request) override {
    return clean(m_inner->send(request));
  }

  // Media streams through as it comes; an error answer or a JSON one is held back and handed on
  // whole once redacted (it is text the client reads, and never large but for base64 media).
  Result<HttpResponse> send(const HttpRequest& request, const StreamHandler& handler) override {
    bool hold = false;
    std::string held;
    StreamHandler wrapped;
    bool error_answer = false;
    wrapped.on_head = [&](const HttpResponse& head) -> Result<void> {
      HttpResponse copy = head;
      redact_headers(m_redactor, copy.headers);
      error_answer = head.status < 200 || head.status >= 300;
      hold = error_answer || is_json_type(head.headers);
      return handler.on_head ? handler.on_head(copy) : Result<void>{};
    };
    wrapped.on_data = [&](std::span<const char> chunk) -> Result<void> {
      if (!hold) return handler.on_data(chunk);
      if (held.size() < (error_answer ? k_max_error_body : k_max_json_body))
        held.append(chunk.data(), chunk.size());
      // A 2xx labelled JSON that does not start like JSON is media after all: let it stream.
      auto first = held.find_first_not_of(" \t\r\n");
      if (!error_answer && first != std::string::npos && held[first] != '{' && held[first] != '[') {
        hold = false;
        return handler.on_data(std::span<const char>(std::exchange(held, {})));
      }
      return {};
    };
    auto response = m_inner->send(request, wrapped);
    if (response && hold && !held.empty()) {
      std::string body = redact_body(m_redactor, std::move(held));
      if (auto ok = handler.on_data(std::span<const char>(body.data(), body.size())); !ok)
        return unexpected(m_redactor.apply(std::move(ok).error()));
    }
    return clean(std::move(response));
  }

private:
  Result<HttpResponse> clean(Result<HttpResponse> response) const {
    if (!response) return unexpected(m_redactor.apply(std::move(response).error()));
    redact_headers(m_redactor, response->headers);
    response->body = redact_body(m_redactor, std::move(response->body));
    return response;
  }

  std::shared_ptr<Transport> m_inner;
  Redactor m_redactor;
};

} // namespace

std::shared_ptr<Transport> redacting_transport(std::shared_ptr<Transport> inner,
                                               Redactor redactor) {
  if (redactor.empty()) return inner;
  return std::make_shared<RedactingTransport>(std::move(inner), std::move(redactor));
}

} // namespace detail
} // namespace sora
