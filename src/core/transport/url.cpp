// URL building for the client: the base URL is an opaque prefix (tolerance rule 1).
#include "transport/url.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sora::detail {
namespace {

bool is_unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string percent_encode(std::string_view text) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (is_unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 0xF];
    }
  }
  return out;
}

} // namespace

std::string encode_segment(std::string_view text) {
  // "." and ".." would be read as path steps (and removed by the HTTP library): encode them.
  if (text == "." || text == "..") return text == "." ? "%2E" : "%2E%2E";
  return percent_encode(text);
}
std::string encode_query(std::string_view text) {
  return percent_encode(text);
}

std::string join_url(std::string_view base, std::string_view path) {
  if (!base.empty() && base.back() == '/') base.remove_suffix(1);
  std::string url(base);
  url += path;
  return url;
}

std::string with_query(std::string url,
                       const std::vector<std::pair<std::string, std::string>>& query) {
  char separator = url.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [key, value] : query) {
    if (value.empty()) continue;
    url += separator;
    url += encode_query(key);
    url += '=';
    url += encode_query(value);
    separator = '&';
  }
  return url;
}

bool parse_url(std::string_view url, UrlParts& out) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return false;
  out.scheme = ascii_lower(url.substr(0, scheme_end));
  if (out.scheme != "http" && out.scheme != "https") return false;
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  std::string_view host = rest;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return false;
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) return false;
  out.host = ascii_lower(host);
  out.port = out.scheme == "https" ? 443 : 80;
  if (!port.empty()) {
    int value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value <= 0 || value > 65535)
      return false;
    out.port = value;
  }
  return true;
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  if (host.substr(0, 4) != "127.") return false;
  // 127.0.0.0/8: four dot-separated numbers, each 0-255.
  int parts = 0;
  std::size_t pos = 0;
  while (pos <= host.size()) {
    auto dot = host.find('.', pos);
    auto piece =
        host.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    int value = -1;
    auto [end, ec] = std::from_chars(piece.data(), piece.data() + piece.size(), value);
    if (piece.empty() || ec != std::errc{} || end != piece.data() + piece.size() || value > 255)
      return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return parts == 4;
}

bool same_origin(std::string_view a, std::string_view b) {
  UrlParts x, y;
  return parse_url(a, x) && parse_url(b, y) && x.scheme == y.scheme && x.host == y.host &&
         x.port == y.port;
}

std::string resolve_url(std::string_view from, std::string_view ref) {
  UrlParts parts;
  if (parse_url(ref, parts)) return std::string(ref);
  auto scheme_end = from.find("://");
  if (scheme_end == std::string_view::npos) return std::string(ref);
  if (ref.starts_with("//")) return std::string(from.substr(0, scheme_end + 1)) + std::string(ref);
  auto path_start = from.find_first_of("/?#", scheme_end + 3);
  std::string origin(from.substr(0, path_start));
  if (ref.starts_with("/")) return origin + std::string(ref);
  std::string path =
      path_start == std::string_view::npos ? "/" : std::string(from.substr(path_start));
  path = path.substr(0, path.find_first_of("?#"));
  if (path.empty() || path.front() != '/') path.insert(0, "/");
  return origin + path.substr(0, path.rfind('/') + 1) + std::string(ref);
}

} // namespace sora::detail
