// The Redactor, the redacting transport under the Client, terminal escaping and header checks
// (issue: trust nothing that crosses the wire).
#include "support/fake_clock.hpp"
#include "support/fake_transport.hpp"
#include "transport/redact.hpp"
#include "transport/retry.hpp"

#include <sora/client.hpp>
#include <sora/redact.hpp>
#include <sora/terminal_text.hpp>

#include <gtest/gtest.h>

using namespace sora;
using namespace sora::test;

namespace {

const std::string k_key = "sk-echoed-secret-42";

Client make_client(std::shared_ptr<FakeTransport> transport, std::vector<std::string>& log) {
  ClientConfig config;
  config.base_url = "https://api.example.com/v1";
  config.api_key = k_key;
  config.max_retries = 0;
  config.style.headers.push_back({"X-Acme-Token", "tok-team-blue"});
  config.log = [&log](LogLevel, std::string_view line) { log.emplace_back(line); };
  return Client(config, std::move(transport), std::make_shared<FakeClock>());
}

} // namespace

TEST(RedactorTest, MasksEverySecretAndIgnoresShortOnes) {
  Redactor r({"abc", "sk-long-secret", "sk-long"});
  EXPECT_EQ(r.apply("key sk-long-secret and sk-long, abc"), "key [redacted] and [redacted], abc");
  // A secret inside the mask itself does not loop forever (found by the wire fuzz target's
  // design review: "acted" is in "[redacted]").
  EXPECT_EQ(Redactor({"acted"}).apply("acted acted"), "[redacted] [redacted]");
  Error e;
  e.message = "Incorrect API key provided: sk-long-secret";
  e.api_code = "sk-long";
  e.video_id = "video_sk-long-secret";
  e = r.apply(e);
  EXPECT_EQ(e.message, "Incorrect API key provided: [redacted]");
  EXPECT_EQ(e.api_code, "[redacted]");
  EXPECT_EQ(e.video_id, "video_[redacted]");
}

TEST(RedactorTest, ForConfigTakesTheKeyAndCredentialLikeHeadersAndQuery) {
  ClientConfig config;
  config.api_key = "sk-the-key";
  config.style.headers = {{"X-Acme-Token", "tok-1234"}, {"X-Team", "blue-team"}};
  config.style.query = {{"api_key", "q-secret-1"}, {"region", "europe"}};
  Redactor r = Redactor::for_config(config);
  EXPECT_EQ(r.apply("sk-the-key tok-1234 blue-team q-secret-1 europe"),
            "[redacted] [redacted] blue-team [redacted] europe");
}

TEST(RedactorTest, JsonBodiesAreRedactedAfterTheirEscapesAreDecoded) {
  Redactor r({"sk-abc-123"});
  // The key spelled with \u escapes is still the key once decoded.
  std::string body = R"({"error":{"message":"key \u0073k-abc-123 is wrong"},"sk-abc-123":1})";
  std::string clean = detail::redact_body(r, body);
  EXPECT_EQ(clean.find("abc-123"), std::string::npos) << clean;
  EXPECT_NE(clean.find("[redacted]"), std::string::npos);
  EXPECT_EQ(detail::redact_body(r, "<html>sk-abc-123</html>"), "<html>[redacted]</html>");
  EXPECT_EQ(detail::redact_body(r, R"({"a":"\u0041"})"), R"({"a":"\u0041"})"); // untouched
}

TEST(RedactingClientTest, AnEchoedKeyNeverReachesAnErrorAVideoOrTheLog) {
  auto transport = std::make_shared<FakeTransport>();
  std::vector<std::string> log;
  Client client = make_client(transport, log);
  transport->push(reply(401,
                        R"j({"error":{"message":"Incorrect API key provided: sk-echoed-secret-42 )j"
                        R"j((tok-team-blue)","code":"sk-echoed-secret-42"}})j",
                        {{"x-request-id", "req_sk-echoed-secret-42"}}));
  auto failed = client.retrieve("video_1");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "Incorrect API key provided: [redacted] ([redacted])");
  EXPECT_EQ(failed.error().api_code, "[redacted]");
  EXPECT_EQ(failed.error().request_id, "req_[redacted]");

  transport->push(
      reply(200, R"({"id":"video_\u0073k-echoed-secret-42","object":"video","status":"queued"})"));
  auto video = client.retrieve("video_1");
  ASSERT_TRUE(video);
  EXPECT_EQ(video->id, "video_[redacted]");
  EXPECT_EQ(video->raw_json.find(k_key), std::string::npos);
  for (const auto& line : log) {
    EXPECT_EQ(line.find(k_key), std::string::npos) << line;
    EXPECT_EQ(line.find("tok-team-blue"), std::string::npos) << line;
  }
}

TEST(RedactingClientTest, AStreamedErrorAnswerIsRedactedToo) {
  auto transport = std::make_shared<FakeTransport>();
  std::vector<std::string> log;
  Client client = make_client(transport, log);
  Scripted s = reply(404, "", {{"content-type", "application/json"}});
  s.chunks = {R"({"error":{"message":"no video for sk-echo)", R"(ed-secret-42"}})"};
  transport->push(s);
  transport->push(reply(404, R"({"error":{"message":"gone"}})"));
  DownloadRequest request;
  request.output = std::filesystem::temp_directory_path() / "sora-redact-test.mp4";
  auto result = client.download("video_1", request);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message.find(k_key), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find("[redacted]"), std::string::npos) << result.error().message;
}

TEST(HeaderCheckTest, LineBreaksAndNulAreRefusedInNamesAndValues) {
  EXPECT_EQ(detail::header_problem("Authorization", "Bearer sk-1"), "");
  EXPECT_NE(detail::header_problem("Authorization", "Bearer sk-1\r\nlogin: a@b"), "");
  EXPECT_NE(detail::header_problem("X-A", std::string("a\0b", 3)), "");
  EXPECT_NE(detail::header_problem("X-A", "a\nb"), "");
  EXPECT_NE(detail::header_problem("X A", "v"), "");
  EXPECT_NE(detail::header_problem("X-A:", "v"), "");
  EXPECT_NE(detail::header_problem("", "v"), "");
  // The problem never repeats the value (it may be the key).
  EXPECT_EQ(detail::header_problem("Authorization", "sk-2\n").find("sk-2"), std::string::npos);
}

TEST(TerminalTextTest, ControlsAndInvalidUtf8BecomeVisible) {
  EXPECT_EQ(terminal_safe("video_123 é ✓"), "video_123 é ✓");
  EXPECT_EQ(terminal_safe("\x1b]0;pwned\x07"), "\\e]0;pwned\\a");
  EXPECT_EQ(terminal_safe("\x1b[2J\r\n\t\x7f"), "\\e[2J\\r\\n\\t\\x7f");
  EXPECT_EQ(terminal_safe("\xc2\x9b"
                          "31m"),
            "\\u009b31m"); // CSI as one code point
  EXPECT_EQ(terminal_safe("a\xe2\x80\xae"
                          "b"),
            "a\\u202eb"); // bidi override
  EXPECT_EQ(terminal_safe("\xff\xc0\xaf\xed\xa0\x80"), "\\xff\\xc0\\xaf\\xed\\xa0\\x80");
  EXPECT_EQ(terminal_safe("\xe2\x82"), "\\xe2\\x82"); // cut short
  EXPECT_EQ(terminal_safe_lines("one\ntwo\x1b"), "one\ntwo\\e");
  EXPECT_TRUE(is_terminal_safe("plain text"));
  EXPECT_FALSE(is_terminal_safe("a\x1b"));
  EXPECT_FALSE(is_terminal_safe("\xff"));
}

TEST(TerminalTextTest, ValidJsonStaysValidJsonWithTheSameMeaning) {
  // C1 and bidi characters become \uXXXX: the same JSON string.
  EXPECT_EQ(terminal_safe(R"({"id":"a)"
                          "\xc2\x9b"
                          R"("})"),
            R"({"id":"a\u009b"})");
}

TEST(RetryAfterTest, AFarDateIsReportedAsItsDateNotADay) {
  using std::chrono::milliseconds;
  auto delay =
      detail::server_retry_delay({{"Retry-After", "Thu, 01 Jan 2099 00:00:00 GMT"}}, 1'800'000'000);
  ASSERT_TRUE(delay);
  EXPECT_GT(*delay, milliseconds(86'400'000LL * 365 * 40));
  EXPECT_EQ(detail::describe_server_wait(*delay, 1'800'000'000),
            "until 2099-01-01T00:00:00Z (72 years from now)");
  EXPECT_EQ(detail::describe_server_wait(milliseconds(30'000), 0), "30 s");
}

TEST(WrongPrefixTest, A404OnABaseUrlWithoutVersionSuggestsV1) {
  auto transport = std::make_shared<FakeTransport>();
  ClientConfig config;
  config.base_url = "https://gateway.example.com";
  config.max_retries = 0;
  Client client(config, transport, std::make_shared<FakeClock>());
  transport->push(reply(404, "<html><body><h1>404 Not Found</h1></body></html>",
                        {{"content-type", "text/html"}}));
  auto list = client.list({});
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().code, ErrorCode::not_found); // not "does not support list"
  EXPECT_EQ(list.error().suggested_base_url, "https://gateway.example.com/v1");
  EXPECT_NE(list.error().message.find("version prefix"), std::string::npos);

  transport->push(reply(404, R"({"detail":"Not Found"})", {{"content-type", "application/json"}}));
  auto status = client.retrieve("video_1");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().suggested_base_url, "https://gateway.example.com/v1");

  // With a versioned base URL, a 404 is about the video.
  config.base_url = "https://gateway.example.com/v1";
  Client versioned(config, transport, std::make_shared<FakeClock>());
  transport->push(reply(404, R"({"error":{"message":"No video found with id 'video_1'."}})"));
  auto missing = versioned.retrieve("video_1");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().suggested_base_url, "");
}
