// Signed webhook deliveries: checking a delivery's signature (Standard Webhooks, as OpenAI signs
// its events, and OpenRouter's callback signature), reading the video event it carries, and the
// ledger of deliveries already handled. Pure functions, except the ledger's state file.
#pragma once

#include <sora/result.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sora {

/// How a delivery is signed.
enum class WebhookScheme {
  standard,   ///< Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature (OpenAI)
  openrouter, ///< X-OpenRouter-Signature: t=TIMESTAMP,v1=HEX (HMAC over "TIMESTAMP,BODY")
};
/// "standard", "openrouter".
std::string_view to_string(WebhookScheme scheme) noexcept;

/// The headers of a delivery that take part in its signature (empty: absent). The caller looks
/// them up case-insensitively.
struct WebhookHeaders {
  std::string webhook_id;           ///< `webhook-id`
  std::string webhook_timestamp;    ///< `webhook-timestamp` (unix seconds)
  std::string webhook_signature;    ///< `webhook-signature`: space-separated `v1,BASE64` entries
  std::string openrouter_signature; ///< `X-OpenRouter-Signature`
  std::string openrouter_key;       ///< `X-OpenRouter-Idempotency-Key` (`JOBID-STATUS`)
};

/// Why a delivery was refused; `none` when it checked.
enum class WebhookProblem {
  none,
  no_signature,    ///< neither scheme's signature header is present
  missing_headers, ///< webhook-signature without webhook-id or webhook-timestamp
  bad_timestamp,   ///< the timestamp is not a whole number of seconds
  too_old,         ///< the timestamp is older than the tolerance (a replay, or a slow clock)
  too_new,         ///< the timestamp is further in the future than the tolerance
  malformed,       ///< the signature header has no entry of a known version
  mismatch,        ///< no signature matches the body with this secret
};
/// A sentence for logs, e.g. "the signature does not match (wrong secret, or a changed body)".
std::string_view describe(WebhookProblem problem) noexcept;

/// The outcome of checking a delivery.
struct WebhookVerdict {
  WebhookProblem problem = WebhookProblem::none;
  WebhookScheme scheme = WebhookScheme::standard;
  /// What identifies the delivery for deduplication: `webhook-id`, or OpenRouter's idempotency
  /// key (else its signature header). Empty unless the delivery checked.
  std::string delivery_id;
  std::int64_t timestamp = 0;
  bool ok() const { return problem == WebhookProblem::none; }
};

/// The signing secret as given: `whsec_BASE64` is decoded to its bytes for Standard Webhooks,
/// any other text is used as its bytes (OpenRouter always uses the text itself).
class WebhookSecret {
public:
  /// Fails (invalid_argument) when the secret is empty, or `whsec_` is not followed by base64.
  static Result<WebhookSecret> parse(std::string_view secret);
  /// The HMAC key for Standard Webhooks.
  const std::string& standard_key() const { return m_standard_key; }
  /// The HMAC key for OpenRouter's scheme.
  const std::string& openrouter_key() const { return m_text; }

private:
  std::string m_text;
  std::string m_standard_key;
};

inline constexpr std::chrono::seconds k_webhook_tolerance{300};

/// Checks a delivery's signature over its exact body bytes, before anything reads the body.
/// Standard Webhooks when `webhook-signature` is present, else OpenRouter's header. Timestamps
/// more than `tolerance` away from `now_unix`, in either direction, are refused. Signatures are
/// compared in constant time.
WebhookVerdict verify_webhook(const WebhookHeaders& headers, std::string_view body,
                              const WebhookSecret& secret, std::int64_t now_unix,
                              std::chrono::seconds tolerance = k_webhook_tolerance);

/// `v1,BASE64`: the Standard Webhooks signature of `body` (HMAC-SHA256 over `ID.TIMESTAMP.BODY`).
std::string sign_standard_webhook(const WebhookSecret& secret, std::string_view id,
                                  std::int64_t timestamp, std::string_view body);
/// `t=TIMESTAMP,v1=HEX`: OpenRouter's signature (HMAC-SHA256 over `TIMESTAMP,BODY`).
std::string sign_openrouter_webhook(const WebhookSecret& secret, std::int64_t timestamp,
                                    std::string_view body);

/// What a video event says happened to a job.
enum class WebhookOutcome {
  completed, ///< video.completed / video.generation.completed
  failed,    ///< video.failed / video.generation.failed
  cancelled, ///< video.generation.cancelled
  expired,   ///< video.generation.expired
  other,     ///< a well-formed event of another type (not about a video): nothing to do
};
/// "completed", "failed", "cancelled", "expired", "other".
std::string_view to_string(WebhookOutcome outcome) noexcept;

/// A video event: OpenAI's `{"id":"evt_…","type":"video.completed","created_at":…,"data":{"id":
/// "video_…"}}` or OpenRouter's `{"type":"video.generation.completed","data":{"id":…,"status":…}}`.
struct WebhookEvent {
  std::string event_id; ///< `id` (OpenAI's evt_…); may be empty
  std::string type;
  WebhookOutcome outcome = WebhookOutcome::other;
  std::string video_id;      ///< `data.id`; set for every outcome but `other`
  std::string error_message; ///< `data.error` (text or `.message`), when the event carries one
};

/// Reads a delivery's body (only after verify_webhook accepted it). Fails with protocol when the
/// body is not a JSON object with a string `type`, or a video event has no `data.id` string.
Result<WebhookEvent> parse_webhook_event(std::string_view body);

/// What became of a job that deliveries told about.
struct WebhookJobRecord {
  std::string status; ///< "received" (acted on not yet finished), "downloaded", "failed", …
  std::string file;   ///< the downloaded file, when there is one
  std::string error;  ///< why it failed, when it did
};

/// The deliveries already handled and the jobs they were about, kept in a JSON state file
/// rewritten atomically (temporary file, fsync, rename) after every change, so a delivery retried
/// after a restart is recognised. Not thread-safe: one owner.
class DeliveryLedger {
public:
  /// At most this many delivery ids are kept (the oldest are forgotten first).
  static constexpr std::size_t k_max_deliveries = 10000;

  explicit DeliveryLedger(std::filesystem::path path) : m_path(std::move(path)) {}
  const std::filesystem::path& path() const { return m_path; }

  /// Reads the state file; a missing file is an empty ledger. Fails (io) on a damaged file.
  Result<void> load();
  /// True when the delivery was seen before.
  bool seen(std::string_view delivery_id) const;
  /// Records the delivery and saves the file (creating its folder).
  Result<void> remember(std::string_view delivery_id);
  /// The record of a job, if any.
  std::optional<WebhookJobRecord> job(std::string_view video_id) const;
  /// Sets a job's record and saves the file.
  Result<void> set_job(const std::string& video_id, WebhookJobRecord record);
  /// Jobs still "received": acted on when a previous run stopped before finishing them.
  std::vector<std::string> unfinished_jobs() const;

private:
  Result<void> save() const;

  std::filesystem::path m_path;
  std::vector<std::string> m_deliveries; ///< oldest first
  std::map<std::string, WebhookJobRecord, std::less<>> m_jobs;
};

} // namespace sora
