// The one place that masks secrets: request headers formatted for logs, and every answer a server
// sends before the client reads it (the redacting transport).
#pragma once

#include <sora/redact.hpp>
#include <sora/transport.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace sora::detail {

/// True for headers that carry credentials (Authorization, api-key, x-api-key, cookies, …).
bool is_secret_header(std::string_view name);
/// "Name: value" lines; secret values become "[redacted]".
std::string format_headers(const Headers& headers);
/// `text` with every occurrence of `secret` replaced by "[redacted]" (no-op for short secrets).
std::string redact(std::string text, std::string_view secret);

/// Why a request header cannot be sent ("" when it can): an empty name, a name that is not an
/// HTTP token, or a CR, LF or NUL in the value (each would let text start a new header).
std::string header_problem(std::string_view name, std::string_view value);

/// A JSON body with every string (names included) redacted after decoding its escapes, so a
/// secret spelled with `\u0073…` is found too; other text is redacted as it is.
std::string redact_body(const Redactor& redactor, std::string body);

/// Wraps a transport so that nothing a server sends reaches the client with a secret in it:
/// header values, buffered bodies, error answers streamed to a handler (held back and redacted
/// whole), JSON answers, and the transport's own errors. Media bytes stream through untouched.
std::shared_ptr<Transport> redacting_transport(std::shared_ptr<Transport> inner, Redactor redactor);

} // namespace sora::detail
