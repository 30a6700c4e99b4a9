// Hostile answers: what a careless or malicious server might send back.
#include "hostile.hpp"

#include "wire.hpp"

#include <cctype>

namespace sora_mock {
namespace {

// Raw bytes cannot go through the JSON library (it refuses invalid UTF-8): this marker is
// replaced by them after the body is written.
constexpr std::string_view k_bad_utf8_marker = "@@bad-utf8@@";
constexpr std::string_view k_bad_utf8 = "\xff\xfe\xc0\xaf\xed\xa0\x80";

// ESC ] 0 ; title BEL (retitles), ESC [ 2 J (clears), CSI as U+009B, a bidi override, CR.
constexpr std::string_view k_escapes = "\x1b]0;pwned\x07\x1b[2J\x1b[31m\xc2\x9b"
                                       "1m\xe2\x80\xae\r";

// The key the request carried, in any of the usual headers.
std::string request_key(const httplib::Request& req) {
  auto authorization = req.get_header_value("Authorization");
  for (std::string_view scheme : {"Bearer ", "Key "})
    if (authorization.rfind(scheme, 0) == 0) return authorization.substr(scheme.size());
  if (!authorization.empty()) return authorization;
  for (const char* name : {"api-key", "x-api-key"})
    if (req.has_header(name)) return req.get_header_value(name);
  return {};
}

struct Payload {
  std::string text;   // appended to messages and models
  std::string prefix; // put before ids
  std::string suffix; // put after ids
};

Payload payload(const httplib::Request& req, const Faults& faults) {
  Payload p;
  if (faults.enabled(Fault::hostile_echo_key)) {
    auto key = request_key(req);
    if (!key.empty()) {
      p.text += " Incorrect API key provided: " + key + ".";
      p.suffix += "-" + key;
    }
  }
  if (faults.enabled(Fault::hostile_escapes)) {
    p.text += std::string(k_escapes) + "\r";
    p.suffix += std::string(k_escapes); // no CR: the HTTP library routes no path holding one
  }
  if (faults.enabled(Fault::hostile_ids)) {
    p.text += " ../../etc/passwd";
    p.prefix += "../";
    p.suffix += "/../..";
  }
  if (faults.enabled(Fault::hostile_long)) {
    p.text += " " + std::string(200'000, 'L');
    p.suffix += "-" + std::string(1'000, 'L');
  }
  if (faults.enabled(Fault::hostile_utf8)) {
    p.text += std::string(k_bad_utf8_marker);
    p.suffix += std::string(k_bad_utf8_marker);
  }
  return p;
}

bool is_real_id(const std::string& text) {
  return text.rfind("video_", 0) == 0 && text.size() == 38;
}

void rewrite(Json& value, const Payload& p) {
  if (value.is_array()) {
    for (auto& item : value)
      rewrite(item, p);
    return;
  }
  if (!value.is_object()) return;
  for (auto& [name, item] : value.items()) {
    if (item.is_string()) {
      auto text = item.get<std::string>();
      if ((name == "id" || name == "remixed_from_video_id" || name == "first_id" ||
           name == "last_id") &&
          is_real_id(text))
        item = p.prefix + text + p.suffix;
      else if (name == "message" || name == "model" || name == "status_url")
        item = text + p.text;
    } else {
      rewrite(item, p);
    }
  }
}

// A header value without the line breaks HTTP cannot carry (and without the bytes of invalid
// UTF-8: the marker stays as text).
std::string header_safe(std::string text) {
  std::erase_if(text, [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
  return text.substr(0, 4000);
}

std::string percent_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(text[i + 1]) &&
        std::isxdigit(text[i + 2])) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The first "video_" followed by 32 lower-case hex digits in `text` (an id the mock made), or "".
std::string find_video_id(const std::string& text) {
  constexpr std::string_view k_prefix = "video_";
  for (auto at = text.find(k_prefix); at != std::string::npos; at = text.find(k_prefix, at + 1)) {
    std::size_t start = at + k_prefix.size(), n = 0;
    while (n < 32 && start + n < text.size() &&
           std::isxdigit(static_cast<unsigned char>(text[start + n])) &&
           !std::isupper(static_cast<unsigned char>(text[start + n])))
      ++n;
    if (n == 32) return text.substr(at, k_prefix.size() + 32);
  }
  return {};
}

} // namespace

bool hostile(const Faults& faults) {
  return faults.enabled(Fault::hostile_echo_key) || faults.enabled(Fault::hostile_escapes) ||
         faults.enabled(Fault::hostile_ids) || faults.enabled(Fault::hostile_long) ||
         faults.enabled(Fault::hostile_utf8);
}

std::string undecorate_route(const std::string& route) {
  static const std::string k_videos = "/videos/";
  if (route.rfind(k_videos, 0) != 0) return route;
  std::string rest = route.substr(k_videos.size());
  std::string suffix;
  for (const char* s : {"/content", "/remix"}) {
    std::string tail = s;
    if (rest.size() > tail.size() &&
        rest.compare(rest.size() - tail.size(), tail.size(), tail) == 0) {
      suffix = tail;
      rest.resize(rest.size() - tail.size());
    }
  }
  std::string decoded = percent_decode(rest);
  auto id = find_video_id(decoded);
  if (id.empty()) return route;
  return k_videos + id + suffix;
}

void make_hostile(const httplib::Request& req, httplib::Response& res, const Faults& faults) {
  Payload p = payload(req, faults);
  res.set_header("x-request-id", header_safe("req_hostile" + p.text));
  res.set_header("x-hostile-note", header_safe(p.text));
  auto type = res.get_header_value("Content-Type");
  if (type.find("json") == std::string::npos || res.body.empty()) return;
  auto json = Json::parse(res.body, nullptr, false);
  if (json.is_discarded()) return;
  rewrite(json, p);
  std::string body = json.dump();
  for (auto at = body.find(k_bad_utf8_marker); at != std::string::npos;
       at = body.find(k_bad_utf8_marker, at))
    body.replace(at, k_bad_utf8_marker.size(), k_bad_utf8);
  res.set_content(body, type);
}

} // namespace sora_mock
