// Webhook signatures: Standard Webhooks (OpenAI) and OpenRouter's callback signature, HMAC-SHA256
// with OpenSSL's libcrypto, compared in constant time.
#include "common/base64.hpp"

#include <sora/webhooks.hpp>

#include <charconv>
#include <cstdlib>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <optional>
#include <vector>

namespace sora {
namespace {

constexpr std::string_view k_secret_prefix = "whsec_";

std::string hmac_sha256(std::string_view key, std::string_view a, std::string_view b = {},
                        std::string_view c = {}) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // One buffer keeps this to the one-shot HMAC(), which OpenSSL 3 does not deprecate.
  std::string message;
  message.reserve(a.size() + b.size() + c.size());
  message.append(a).append(b).append(c);
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string hex(std::string_view bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes.size());
  for (unsigned char c : bytes) {
    out += k_digits[c >> 4];
    out += k_digits[c & 0xF];
  }
  return out;
}

bool same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::int64_t> parse_seconds(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

WebhookProblem check_time(std::int64_t timestamp, std::int64_t now, std::chrono::seconds window) {
  if (now - timestamp > window.count()) return WebhookProblem::too_old;
  if (timestamp - now > window.count()) return WebhookProblem::too_new;
  return WebhookProblem::none;
}

// Standard Webhooks: any `v1,SIG` entry of the space-separated list may match.
WebhookVerdict verify_standard(const WebhookHeaders& h, std::string_view body,
                               const WebhookSecret& secret, std::int64_t now,
                               std::chrono::seconds window) {
  WebhookVerdict v;
  v.scheme = WebhookScheme::standard;
  if (h.webhook_id.empty() || h.webhook_timestamp.empty()) {
    v.problem = WebhookProblem::missing_headers;
    return v;
  }
  auto timestamp = parse_seconds(h.webhook_timestamp);
  if (!timestamp) {
    v.problem = WebhookProblem::bad_timestamp;
    return v;
  }
  if (v.problem = check_time(*timestamp, now, window); !v.ok()) return v;
  std::string expected = base64(
      hmac_sha256(secret.standard_key(), h.webhook_id + "." + h.webhook_timestamp + ".", body));
  bool any_v1 = false, match = false;
  std::string_view rest = h.webhook_signature;
  while (!rest.empty()) {
    auto space = rest.find(' ');
    std::string_view entry = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    if (!entry.starts_with("v1,")) continue;
    any_v1 = true;
    match = same(entry.substr(3), expected) || match; // no early exit: every entry is compared
  }
  if (!match) {
    v.problem = any_v1 ? WebhookProblem::mismatch : WebhookProblem::malformed;
    return v;
  }
  v.delivery_id = h.webhook_id;
  v.timestamp = *timestamp;
  return v;
}

// OpenRouter: `t=TIMESTAMP,v1=HEX` (the parts in any order; several v1 parts may be given).
WebhookVerdict verify_openrouter(const WebhookHeaders& h, std::string_view body,
                                 const WebhookSecret& secret, std::int64_t now,
                                 std::chrono::seconds window) {
  WebhookVerdict v;
  v.scheme = WebhookScheme::openrouter;
  std::string_view t;
  std::vector<std::string_view> signatures;
  std::string_view rest = h.openrouter_signature;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view part = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!part.empty() && part.front() == ' ')
      part.remove_prefix(1);
    if (part.starts_with("t="))
      t = part.substr(2);
    else if (part.starts_with("v1="))
      signatures.push_back(part.substr(3));
  }
  if (t.empty() || signatures.empty()) {
    v.problem = WebhookProblem::malformed;
    return v;
  }
  auto timestamp = parse_seconds(t);
  if (!timestamp) {
    v.problem = WebhookProblem::bad_timestamp;
    return v;
  }
  if (v.problem = check_time(*timestamp, now, window); !v.ok()) return v;
  std::string expected = hex(hmac_sha256(secret.openrouter_key(), t, ",", body));
  bool match = false;
  for (auto signature : signatures) {
    std::string lower(signature);
    for (char& c : lower)
      if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    match = same(lower, expected) || match;
  }
  if (!match) {
    v.problem = WebhookProblem::mismatch;
    return v;
  }
  v.delivery_id = h.openrouter_key.empty() ? "openrouter:" + h.openrouter_signature
                                           : "openrouter:" + h.openrouter_key;
  v.timestamp = *timestamp;
  return v;
}

} // namespace

std::string_view to_string(WebhookScheme scheme) noexcept {
  return scheme == WebhookScheme::standard ? "standard" : "openrouter";
}

std::string_view describe(WebhookProblem problem) noexcept {
  switch (problem) {
  case WebhookProblem::none:
    return "the signature checks";
  case WebhookProblem::no_signature:
    return "the delivery is not signed (no webhook-signature or X-OpenRouter-Signature header)";
  case WebhookProblem::missing_headers:
    return "webhook-id or webhook-timestamp is missing";
  case WebhookProblem::bad_timestamp:
    return "the signature timestamp is not a number of seconds";
  case WebhookProblem::too_old:
    return "the signature timestamp is too old (a replay, or this machine's clock is wrong)";
  case WebhookProblem::too_new:
    return "the signature timestamp is in the future (this machine's clock is wrong?)";
  case WebhookProblem::malformed:
    return "the signature header has no v1 signature";
  case WebhookProblem::mismatch:
    return "the signature does not match (wrong secret, or a changed body)";
  }
  return "unknown problem";
}

Result<WebhookSecret> WebhookSecret::parse(std::string_view text) {
  if (text.empty())
    return unexpected(ErrorCode::invalid_argument, "The webhook signing secret is empty.");
  WebhookSecret secret;
  secret.m_text = std::string(text);
  if (text.starts_with(k_secret_prefix)) {
    detail::Base64Decoder decoder;
    std::string key;
    if (!decoder.feed(text.substr(k_secret_prefix.size()), key) || !decoder.finish(key) ||
        key.empty())
      return unexpected(ErrorCode::invalid_argument,
                        "The webhook signing secret starts with whsec_ but is not base64 after it.",
                        "Copy the whole secret as the provider shows it.");
    secret.m_standard_key = std::move(key);
  } else {
    secret.m_standard_key = secret.m_text;
  }
  return secret;
}

WebhookVerdict verify_webhook(const WebhookHeaders& headers, std::string_view body,
                              const WebhookSecret& secret, std::int64_t now_unix,
                              std::chrono::seconds tolerance) {
  if (!headers.webhook_signature.empty())
    return verify_standard(headers, body, secret, now_unix, tolerance);
  if (!headers.openrouter_signature.empty())
    return verify_openrouter(headers, body, secret, now_unix, tolerance);
  WebhookVerdict v;
  v.problem = WebhookProblem::no_signature;
  return v;
}

std::string sign_standard_webhook(const WebhookSecret& secret, std::string_view id,
                                  std::int64_t timestamp, std::string_view body) {
  std::string prefix = std::string(id) + "." + std::to_string(timestamp) + ".";
  return "v1," + base64(hmac_sha256(secret.standard_key(), prefix, body));
}

std::string sign_openrouter_webhook(const WebhookSecret& secret, std::int64_t timestamp,
                                    std::string_view body) {
  std::string t = std::to_string(timestamp);
  return "t=" + t + ",v1=" + hex(hmac_sha256(secret.openrouter_key(), t, ",", body));
}

} // namespace sora
