// The one place that formats request headers for logs, with every credential masked.
#pragma once

#include <sora/transport.hpp>

#include <string>
#include <string_view>

namespace sora::detail {

/// True for headers that carry credentials (Authorization, api-key, x-api-key, cookies, …).
bool is_secret_header(std::string_view name);
/// "Name: value" lines; secret values become "[redacted]".
std::string format_headers(const Headers& headers);
/// `text` with every occurrence of `secret` replaced by "[redacted]" (no-op for short secrets).
std::string redact(std::string text, std::string_view secret);

} // namespace sora::detail
