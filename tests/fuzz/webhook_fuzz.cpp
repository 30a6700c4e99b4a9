// Fuzzes webhook deliveries: the signature headers (verify_webhook, both schemes) and the payload
// parser (parse_webhook_event). Input: lines webhook-id, webhook-timestamp, webhook-signature,
// X-OpenRouter-Signature, then the body (the rest, newlines included).
#include "fuzz_check.hpp"

#include <sora/webhooks.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

std::string_view next_line(std::string_view& rest) {
  auto newline = rest.find('\n');
  std::string_view line = rest.substr(0, newline);
  rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  return line;
}

constexpr std::int64_t k_now = 1750861210;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  sora::WebhookHeaders headers;
  headers.webhook_id = std::string(next_line(rest));
  headers.webhook_timestamp = std::string(next_line(rest));
  headers.webhook_signature = std::string(next_line(rest));
  headers.openrouter_signature = std::string(next_line(rest));
  std::string_view body = rest;
  static const auto secret =
      sora::WebhookSecret::parse("whsec_RdvaYFYUXuIFuEbvZHwMfYFhUf7aMYjYcmM24+Aj40c=").value();
  fuzz_no_throw("webhooks", [&] {
    auto verdict = sora::verify_webhook(headers, body, secret, k_now);
    if (verdict.ok()) {
      FUZZ_CHECK(!verdict.delivery_id.empty());
      FUZZ_CHECK(verdict.timestamp >= k_now - 300 && verdict.timestamp <= k_now + 300);
    } else {
      FUZZ_CHECK(!sora::describe(verdict.problem).empty());
    }
    // What we sign, we accept; one changed byte of the body, we refuse.
    std::string signature = sora::sign_standard_webhook(secret, headers.webhook_id, k_now, body);
    sora::WebhookHeaders ours{headers.webhook_id, std::to_string(k_now), signature, "", ""};
    auto own = sora::verify_webhook(ours, body, secret, k_now);
    FUZZ_CHECK(headers.webhook_id.empty() ? !own.ok() : own.ok());
    if (!headers.webhook_id.empty()) {
      std::string changed(body);
      changed += 'x';
      FUZZ_CHECK(sora::verify_webhook(ours, changed, secret, k_now).problem ==
                 sora::WebhookProblem::mismatch);
    }
    sora::WebhookHeaders routed;
    routed.openrouter_signature = sora::sign_openrouter_webhook(secret, k_now, body);
    FUZZ_CHECK(sora::verify_webhook(routed, body, secret, k_now).ok());

    auto event = sora::parse_webhook_event(body);
    if (event) {
      FUZZ_CHECK(!event->type.empty() || event->outcome == sora::WebhookOutcome::other);
      if (event->outcome != sora::WebhookOutcome::other) FUZZ_CHECK(!event->video_id.empty());
    } else {
      FUZZ_CHECK(!event.error().message.empty());
    }
  });
  return 0;
}
