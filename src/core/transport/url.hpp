// Building request URLs from an opaque base prefix, and telling which hosts are local.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sora::detail {

/// Percent-encodes `text` as one path segment (RFC 3986 unreserved characters stay as they are).
std::string encode_segment(std::string_view text);
/// Percent-encodes a query component.
std::string encode_query(std::string_view text);
/// `base` with one trailing '/' removed, then `path` (which starts with '/') appended.
std::string join_url(std::string_view base, std::string_view path);
/// Appends `?k=v&…` (encoded) to `url`; pairs with empty values are skipped.
std::string with_query(std::string url,
                       const std::vector<std::pair<std::string, std::string>>& query);

struct UrlParts {
  std::string scheme; ///< lower case, e.g. "https"
  std::string host;   ///< lower case, brackets removed from IPv6 literals
  int port = 0;       ///< explicit or the scheme's default
};
/// Splits an absolute http(s) URL; false if it is not one.
bool parse_url(std::string_view url, UrlParts& out);
/// True for localhost, 127.0.0.0/8 and ::1.
bool is_loopback_host(std::string_view host);
/// True when both are absolute http(s) URLs with the same scheme, host and port (rule 4).
bool same_origin(std::string_view a, std::string_view b);
/// `ref` made absolute against `from` (RFC 3986 in the cases servers use): absolute URLs stay,
/// `//host/…` takes from's scheme, `/path` takes from's origin, `path` replaces from's last
/// segment (so pass a base URL with a trailing '/' to resolve below it).
std::string resolve_url(std::string_view from, std::string_view ref);

} // namespace sora::detail
