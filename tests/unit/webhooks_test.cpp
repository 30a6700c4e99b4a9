// Webhook signatures (Standard Webhooks, OpenRouter), event parsing and the delivery ledger.
#include "support/temp_dir.hpp"

#include <sora/batch.hpp>
#include <sora/profile.hpp>
#include <sora/webhooks.hpp>

#include <gtest/gtest.h>

namespace sora {
namespace {

// OpenAI's published test vector (openai-python tests/lib/test_webhooks.py).
constexpr std::string_view k_secret = "whsec_RdvaYFYUXuIFuEbvZHwMfYFhUf7aMYjYcmM24+Aj40c=";
constexpr std::string_view k_id = "wh_685c059ae39c8190af8c71ed1022a24d";
constexpr std::int64_t k_time = 1750861210;
constexpr std::string_view k_body =
    R"({"id": "evt_685c059ae3a481909bdc86819b066fb6", "object": "event", "created_at": 1750861210, "type": "response.completed", "data": {"id": "resp_123"}})";
constexpr std::string_view k_signature = "v1,gUAg4R2hWouRZqRQG4uJypNS8YK885G838+EHb4nKBY=";

WebhookSecret secret(std::string_view text = k_secret) {
  return WebhookSecret::parse(text).value();
}

WebhookHeaders standard_headers(std::string signature = std::string(k_signature)) {
  WebhookHeaders h;
  h.webhook_id = std::string(k_id);
  h.webhook_timestamp = std::to_string(k_time);
  h.webhook_signature = std::move(signature);
  return h;
}

TEST(WebhookSignatureTest, SignsOpenAIsTestVector) {
  EXPECT_EQ(sign_standard_webhook(secret(), k_id, k_time, k_body), k_signature);
}

TEST(WebhookSignatureTest, AcceptsOpenAIsTestVector) {
  auto v = verify_webhook(standard_headers(), k_body, secret(), k_time);
  EXPECT_TRUE(v.ok()) << describe(v.problem);
  EXPECT_EQ(v.scheme, WebhookScheme::standard);
  EXPECT_EQ(v.delivery_id, k_id);
  EXPECT_EQ(v.timestamp, k_time);
}

TEST(WebhookSignatureTest, AcceptsAnyMatchingEntryOfSeveral) {
  auto h = standard_headers("v2,abc v1,AAAA" + std::string(" ") + std::string(k_signature));
  EXPECT_TRUE(verify_webhook(h, k_body, secret(), k_time).ok());
}

TEST(WebhookSignatureTest, RefusesATamperedBody) {
  std::string body(k_body);
  body[body.size() - 3] = '4';
  EXPECT_EQ(verify_webhook(standard_headers(), body, secret(), k_time).problem,
            WebhookProblem::mismatch);
}

TEST(WebhookSignatureTest, RefusesAWrongSecret) {
  auto other = secret("whsec_" + std::string("c2VjcmV0LXRoYXQtaXMtbm90LWl0"));
  EXPECT_EQ(verify_webhook(standard_headers(), k_body, other, k_time).problem,
            WebhookProblem::mismatch);
}

TEST(WebhookSignatureTest, RefusesAChangedIdOrTimestamp) {
  auto h = standard_headers();
  h.webhook_id += "x";
  EXPECT_EQ(verify_webhook(h, k_body, secret(), k_time).problem, WebhookProblem::mismatch);
  h = standard_headers();
  h.webhook_timestamp = std::to_string(k_time + 1);
  EXPECT_EQ(verify_webhook(h, k_body, secret(), k_time).problem, WebhookProblem::mismatch);
}

TEST(WebhookSignatureTest, ToleratesFiveMinutesEitherWay) {
  EXPECT_TRUE(verify_webhook(standard_headers(), k_body, secret(), k_time + 300).ok());
  EXPECT_TRUE(verify_webhook(standard_headers(), k_body, secret(), k_time - 300).ok());
  EXPECT_EQ(verify_webhook(standard_headers(), k_body, secret(), k_time + 301).problem,
            WebhookProblem::too_old);
  EXPECT_EQ(verify_webhook(standard_headers(), k_body, secret(), k_time - 301).problem,
            WebhookProblem::too_new);
}

TEST(WebhookSignatureTest, RefusesMissingOrMalformedHeaders) {
  EXPECT_EQ(verify_webhook({}, k_body, secret(), k_time).problem, WebhookProblem::no_signature);
  auto h = standard_headers();
  h.webhook_id.clear();
  EXPECT_EQ(verify_webhook(h, k_body, secret(), k_time).problem, WebhookProblem::missing_headers);
  h = standard_headers();
  h.webhook_timestamp = "17508612l0";
  EXPECT_EQ(verify_webhook(h, k_body, secret(), k_time).problem, WebhookProblem::bad_timestamp);
  h.webhook_timestamp = "-5";
  EXPECT_EQ(verify_webhook(h, k_body, secret(), k_time).problem, WebhookProblem::bad_timestamp);
  h = standard_headers("v2" + std::string(k_signature.substr(2)));
  EXPECT_EQ(verify_webhook(h, k_body, secret(), k_time).problem, WebhookProblem::malformed);
  // The bare signature (without "v1,") is not accepted.
  h = standard_headers(std::string(k_signature.substr(3)));
  EXPECT_EQ(verify_webhook(h, k_body, secret(), k_time).problem, WebhookProblem::malformed);
}

TEST(WebhookSecretTest, DecodesWhsecAndTakesOtherTextAsIs) {
  EXPECT_EQ(secret("whsec_aGVsbG8=").standard_key(), "hello");
  EXPECT_EQ(secret("whsec_aGVsbG8=").openrouter_key(), "whsec_aGVsbG8=");
  EXPECT_EQ(secret("plain-text").standard_key(), "plain-text");
  EXPECT_FALSE(WebhookSecret::parse(""));
  EXPECT_FALSE(WebhookSecret::parse("whsec_not*base64"));
  EXPECT_FALSE(WebhookSecret::parse("whsec_"));
}

TEST(OpenRouterSignatureTest, SignsAndVerifiesTimestampCommaBody) {
  auto s = secret("or-secret");
  // HMAC-SHA256("or-secret", "1700000000,{\"a\":1}") in hex, computed independently.
  EXPECT_EQ(sign_openrouter_webhook(s, 1700000000, R"({"a":1})"),
            "t=1700000000,v1=8b79fb921b613fa27df4e8a37a100f19dc56b95fd7007e211becd7647f9d6cfc");
  WebhookHeaders h;
  h.openrouter_signature = sign_openrouter_webhook(s, 1700000000, R"({"a":1})");
  h.openrouter_key = "job1-completed";
  auto v = verify_webhook(h, R"({"a":1})", s, 1700000010);
  EXPECT_TRUE(v.ok()) << describe(v.problem);
  EXPECT_EQ(v.scheme, WebhookScheme::openrouter);
  EXPECT_EQ(v.delivery_id, "openrouter:job1-completed");
  EXPECT_EQ(verify_webhook(h, R"({"a":2})", s, 1700000010).problem, WebhookProblem::mismatch);
  EXPECT_EQ(verify_webhook(h, R"({"a":1})", secret("other"), 1700000010).problem,
            WebhookProblem::mismatch);
  EXPECT_EQ(verify_webhook(h, R"({"a":1})", s, 1700000400).problem, WebhookProblem::too_old);
  h.openrouter_signature = "v1=abc";
  EXPECT_EQ(verify_webhook(h, R"({"a":1})", s, 1700000010).problem, WebhookProblem::malformed);
}

TEST(WebhookEventTest, ReadsOpenAIVideoEvents) {
  auto e = parse_webhook_event(
      R"({"id":"evt_1","object":"event","created_at":1,"type":"video.completed","data":{"id":"video_1"}})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->outcome, WebhookOutcome::completed);
  EXPECT_EQ(e->video_id, "video_1");
  EXPECT_EQ(e->event_id, "evt_1");
  e = parse_webhook_event(R"({"type":"video.failed","data":{"id":"video_2"}})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->outcome, WebhookOutcome::failed);
}

TEST(WebhookEventTest, ReadsOpenRouterCallbacks) {
  auto e = parse_webhook_event(
      R"({"type":"video.generation.failed","created_at":"2026-01-01T00:00:00Z","data":{"id":"j1","status":"failed","error":"no credits"}})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->outcome, WebhookOutcome::failed);
  EXPECT_EQ(e->error_message, "no credits");
  e = parse_webhook_event(R"({"type":"video.generation.expired","data":{"id":"j1"}})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->outcome, WebhookOutcome::expired);
}

TEST(WebhookEventTest, OtherEventsAreNotErrors) {
  auto e = parse_webhook_event(k_body);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->outcome, WebhookOutcome::other);
  EXPECT_TRUE(e->video_id.empty());
}

TEST(WebhookEventTest, RefusesMalformedBodies) {
  for (std::string_view body :
       {"", "[]", "{", R"({"data":{"id":"v"}})", R"({"type":1})", R"({"type":"video.completed"})",
        R"({"type":"video.completed","data":{"id":""}})",
        R"({"type":"video.completed","data":{"id":7}})", R"({"type":"video.failed","data":[]})"})
    EXPECT_FALSE(parse_webhook_event(body)) << body;
}

TEST(DeliveryLedgerTest, RemembersDeliveriesAndJobsAcrossRestarts) {
  test::TempDir dir;
  auto path = dir / "state" / "listen.json";
  {
    DeliveryLedger ledger(path);
    ASSERT_TRUE(ledger.load());
    EXPECT_FALSE(ledger.seen("msg_1"));
    ASSERT_TRUE(ledger.remember("msg_1"));
    ASSERT_TRUE(ledger.set_job("video_1", {"received", "", ""}));
    ASSERT_TRUE(ledger.set_job("video_2", {"failed", "", "boom"}));
  }
  DeliveryLedger again(path);
  ASSERT_TRUE(again.load());
  EXPECT_TRUE(again.seen("msg_1"));
  EXPECT_FALSE(again.seen("msg_2"));
  EXPECT_EQ(again.job("video_2")->error, "boom");
  EXPECT_EQ(again.unfinished_jobs(), std::vector<std::string>{"video_1"});
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
}

TEST(DeliveryLedgerTest, RefusesADamagedFile) {
  test::TempDir dir;
  test::write_file(dir / "listen.json", "{not json");
  DeliveryLedger ledger(dir / "listen.json");
  EXPECT_FALSE(ledger.load());
}

TEST(CallbackTest, OnlyOpenRouterTakesAPerJobCallback) {
  for (const auto& profile : builtin_profiles())
    EXPECT_EQ(profile.callback_field, profile.name == "openrouter" ? "callback_url" : "")
        << profile.name;
}

TEST(CallbackTest, ManifestCallbackUrlIsSentOnlyWhereItCanBe) {
  test::TempDir dir;
  test::write_file(dir / "jobs.jsonl",
                   R"({"prompt":"a","callback_url":"https://hooks.example.com/sora"})"
                   "\n");
  auto jobs = load_manifest(dir / "jobs.jsonl", dir.path(), false);
  ASSERT_TRUE(jobs) << jobs.error().message;
  ASSERT_EQ((*jobs)[0].request.fields.size(), 1u);
  EXPECT_EQ((*jobs)[0].request.fields[0].name, "callback_url");
  EXPECT_EQ((*jobs)[0].request.fields[0].value, "https://hooks.example.com/sora");
  auto openai = load_manifest(dir / "jobs.jsonl", dir.path(), true);
  ASSERT_FALSE(openai);
  EXPECT_NE(openai.error().message.find("the openai profile takes no per-job callback"),
            std::string::npos);
  test::write_file(dir / "plain.jsonl",
                   R"({"prompt":"a","callback_url":"http://hooks.example.com/sora"})"
                   "\n"
                   R"({"prompt":"b","callback_url":"http://127.0.0.1:8787/hook"})"
                   "\n");
  auto plain = load_manifest(dir / "plain.jsonl", dir.path(), false);
  ASSERT_FALSE(plain);
  EXPECT_NE(plain.error().message.find("line 1: callback_url"), std::string::npos);
  EXPECT_EQ(plain.error().message.find("line 2"), std::string::npos);
}

} // namespace
} // namespace sora
