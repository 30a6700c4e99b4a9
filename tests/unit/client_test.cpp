#include "support/fake_clock.hpp"
#include "support/fake_transport.hpp"

#include <sora/client.hpp>

#include <gtest/gtest.h>

using namespace sora;
using namespace sora::test;
using std::chrono::milliseconds;

namespace {

const std::string k_key = "sk-secret-value-123";

std::string video_json(const std::string& id, const std::string& status, int progress = 0,
                       const std::string& extra = "") {
  return R"({"id":")" + id + R"(","object":"video","model":"sora-2","status":")" + status +
         R"(","progress":)" + std::to_string(progress) + extra + "}";
}

struct ClientFixture : ::testing::Test {
  std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  std::vector<std::string> log_lines;

  Client make(std::string base = "https://api.example.com/v1", int retries = 3) {
    ClientConfig config;
    config.base_url = std::move(base);
    config.api_key = k_key;
    config.max_retries = retries;
    config.log = [this](LogLevel, std::string_view line) { log_lines.emplace_back(line); };
    return Client(config, transport, clock);
  }
};

} // namespace

TEST_F(ClientFixture, CreateWithoutImageSendsJsonWithBearerAuth) {
  transport->push(reply(200, video_json("video_1", "queued")));
  auto client = make();
  CreateRequest r;
  r.prompt = "a lake";
  r.model = "sora-2";
  r.seconds = "8";
  auto v = client.create(r);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->id, "video_1");
  ASSERT_EQ(transport->requests.size(), 1u);
  const auto& sent = transport->requests[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "https://api.example.com/v1/videos");
  EXPECT_EQ(find_header(sent.headers, "authorization"), "Bearer " + k_key);
  EXPECT_EQ(find_header(sent.headers, "content-type"), "application/json");
  EXPECT_EQ(sent.body, R"({"prompt":"a lake","model":"sora-2","seconds":"8"})");
}

TEST_F(ClientFixture, CreateWithImageSendsMultipartWithTheDetectedType) {
  transport->push(reply(200, video_json("video_2", "queued")));
  auto client = make();
  CreateRequest r;
  r.prompt = "dolly in";
  r.size = "1280x720";
  r.image = std::string(SORA_TEST_DATA) + "/photo-1280x720.webp";
  ASSERT_TRUE(client.create(r));
  const auto& sent = transport->requests.at(0);
  EXPECT_EQ(find_header(sent.headers, "content-type")
                .value_or("")
                .rfind("multipart/form-data; boundary=", 0),
            0u);
  EXPECT_NE(sent.body.find("name=\"prompt\"\r\n\r\ndolly in\r\n"), std::string::npos);
  EXPECT_NE(sent.body.find("name=\"size\"\r\n\r\n1280x720\r\n"), std::string::npos);
  EXPECT_NE(sent.body.find("name=\"input_reference\"; filename=\"photo-1280x720.webp\"\r\n"
                           "Content-Type: image/webp"),
            std::string::npos);
  EXPECT_EQ(sent.body.find("name=\"model\""), std::string::npos); // unset fields are not sent
}

TEST_F(ClientFixture, PlansShowWhatWouldBeSentWithoutSendingOrShowingTheKey) {
  auto client = make();
  CreateRequest r;
  r.prompt = "dolly in";
  r.seconds = "8";
  r.image = std::string(SORA_TEST_DATA) + "/photo-1280x720.webp";
  auto plan = client.plan_create(r);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_TRUE(transport->requests.empty());
  EXPECT_EQ(plan->method, "POST");
  EXPECT_EQ(plan->url, "https://api.example.com/v1/videos");
  EXPECT_EQ(plan->encoding, Encoding::multipart);
  EXPECT_EQ(find_header(plan->headers, "authorization"), "[redacted]");
  ASSERT_EQ(plan->fields.size(), 3u);
  EXPECT_EQ(plan->fields[0].name, "prompt");
  EXPECT_EQ(plan->fields[1].value, "8");
  EXPECT_EQ(plan->fields[2].name, "input_reference");
  ASSERT_TRUE(plan->fields[2].file);
  EXPECT_EQ(plan->fields[2].content_type, "image/webp");
  EXPECT_EQ(plan->fields[2].file_size,
            std::filesystem::file_size(std::string(SORA_TEST_DATA) + "/photo-1280x720.webp"));

  auto remix = client.plan_remix("video/1", "make it night");
  ASSERT_TRUE(remix);
  EXPECT_EQ(remix->url, "https://api.example.com/v1/videos/video%2F1/remix");
  EXPECT_EQ(remix->encoding, Encoding::json);
  ASSERT_EQ(remix->fields.size(), 1u);
  EXPECT_EQ(remix->fields[0].value, "\"make it night\"");
  EXPECT_TRUE(transport->requests.empty());

  r.image = std::string(SORA_TEST_DATA) + "/missing.png";
  EXPECT_FALSE(client.plan_create(r)); // fails as create would, before sending
}

TEST_F(ClientFixture, AServerErrorOnCreateIsReconciledBeforeAnyResend) {
  transport->push(reply(500, R"({"error":{"message":"boom","type":"server_error"}})"));
  transport->push(reply(200, R"({"data":[{"id":"video_made","status":"queued","prompt":"a lake",
    "created_at":1800000000}],"has_more":false})"));
  auto client = make();
  auto v = client.create(CreateRequest{"a lake", {}, {}, {}, {}, Encoding::automatic, {}, {}});
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->id, "video_made");
  int posts = 0;
  for (const auto& r : transport->requests)
    posts += r.method == "POST";
  EXPECT_EQ(posts, 1);
}

TEST_F(ClientFixture, CreateIsRetriedAfterARateLimitHonouringRetryAfter) {
  transport->push(reply(429, R"({"error":{"message":"Rate limit reached","type":"requests"}})",
                        {{"Retry-After", "2"}}));
  transport->push(reply(200, video_json("video_3", "queued")));
  auto client = make();
  auto v = client.create(CreateRequest{"a lake", {}, {}, {}, {}, Encoding::automatic, {}, {}});
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(transport->requests.size(), 2u);
  EXPECT_EQ(transport->requests[0].body, transport->requests[1].body);
  ASSERT_EQ(clock->sleeps.size(), 1u);
  EXPECT_EQ(clock->sleeps[0], milliseconds(2000));
}

TEST_F(ClientFixture, CreateIsRetriedWhenTheConnectionWasRefused) {
  transport->push(fail_with(ErrorCode::network, /*request_sent=*/false));
  transport->push(reply(200, video_json("video_4", "queued")));
  auto client = make();
  EXPECT_TRUE(client.create(CreateRequest{"a lake", {}, {}, {}, {}, Encoding::automatic, {}, {}}));
  EXPECT_EQ(transport->requests.size(), 2u);
}

TEST_F(ClientFixture, QuotaErrorsAreNotRetried) {
  transport->push(reply(429, R"({"error":{"message":"You exceeded your current quota","type":
    "insufficient_quota","code":"insufficient_quota"}})"));
  auto client = make();
  auto v = client.retrieve("video_1");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::quota);
  EXPECT_EQ(transport->requests.size(), 1u);
}

TEST_F(ClientFixture, GetsAreRetriedWithBackoffUpToTheLimit) {
  for (int i = 0; i < 3; ++i)
    transport->push(reply(503, "<html><title>503</title></html>"));
  auto client = make("https://api.example.com/v1", 2);
  auto v = client.retrieve("video_1");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::server);
  EXPECT_EQ(v.error().http_status, 503);
  EXPECT_NE(v.error().message.find("HTML"), std::string::npos);
  EXPECT_EQ(transport->requests.size(), 3u);
  ASSERT_EQ(clock->sleeps.size(), 2u);
  EXPECT_GE(clock->sleeps[0], milliseconds(375));
  EXPECT_LE(clock->sleeps[0], milliseconds(500));
  EXPECT_GE(clock->sleeps[1], milliseconds(750));
  EXPECT_LE(clock->sleeps[1], milliseconds(1000));
}

TEST_F(ClientFixture, ServerCanForbidARetry) {
  transport->push(reply(503, "{}", {{"x-should-retry", "false"}}));
  auto client = make();
  EXPECT_FALSE(client.retrieve("video_1"));
  EXPECT_EQ(transport->requests.size(), 1u);
}

TEST_F(ClientFixture, ATooLongRetryAfterIsNotWaitedFor) {
  transport->push(reply(429, R"({"error":{"message":"slow down"}})", {{"Retry-After", "600"}}));
  auto client = make();
  auto v = client.retrieve("video_1");
  ASSERT_FALSE(v);
  EXPECT_TRUE(clock->sleeps.empty());
  EXPECT_NE(v.error().hint.find("600 s"), std::string::npos);
}

TEST_F(ClientFixture, ApiErrorsCarryTheirFieldsAndRequestId) {
  transport->push(reply(400, R"({"error":{"message":"Invalid value: '10'.","type":
    "invalid_request_error","param":"seconds","code":null}})",
                        {{"x-request-id", "req_abc"}}));
  auto client = make();
  auto v = client.remix("video_1", "again");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::http);
  EXPECT_EQ(v.error().http_status, 400);
  EXPECT_EQ(v.error().message, "Invalid value: '10'.");
  EXPECT_EQ(v.error().api_param, "seconds");
  EXPECT_EQ(v.error().request_id, "req_abc");
}

TEST_F(ClientFixture, StatusCodesMapToErrorCodes) {
  struct Case {
    int status;
    ErrorCode code;
  } cases[] = {{401, ErrorCode::unauthorized},
               {403, ErrorCode::forbidden},
               {404, ErrorCode::not_found},
               {422, ErrorCode::http}};
  for (const auto& c : cases) {
    transport->push(reply(c.status, R"({"error":{"message":"x"}})"));
    auto client = make();
    auto v = client.retrieve("v");
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code, c.code) << c.status;
  }
}

TEST_F(ClientFixture, Rule16AFailedJobWithAnErrorStatusIsStillAJob) {
  transport->push(reply(500, video_json("video_9", "failed", 40,
                                        R"(,"error":{"code":"oom","message":"out of memory"})")));
  auto client = make();
  auto v = client.wait("video_9");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::job_failed);
  EXPECT_NE(v.error().message.find("out of memory"), std::string::npos);
  EXPECT_EQ(transport->requests.size(), 1u); // terminal: no retry, no more polls
}

TEST_F(ClientFixture, IdsArePercentEncodedAndTheBaseIsAPrefix) {
  transport->push(reply(200, video_json("video_a/b+c=", "queued")));
  auto client = make("https://openrouter.ai/api/v1/");
  ASSERT_TRUE(client.retrieve("video_a/b+c="));
  EXPECT_EQ(transport->requests[0].url, "https://openrouter.ai/api/v1/videos/video_a%2Fb%2Bc%3D");
}

TEST_F(ClientFixture, WaitHonoursPollAfterHeaderAndReportsEachPoll) {
  transport->push(reply(200, video_json("v", "queued"), {{"openai-poll-after-ms", "250"}}));
  transport->push(
      reply(200, video_json("v", "in_progress", 50), {{"openai-poll-after-ms", "250"}}));
  transport->push(reply(200, video_json("v", "completed", 100)));
  auto client = make();
  std::vector<int> progress;
  WaitOptions options;
  options.on_poll = [&](const JobProgress& p) { progress.push_back(p.video.progress); };
  auto v = client.wait("v", options);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->status, VideoStatus::completed);
  EXPECT_EQ(progress, (std::vector<int>{0, 50, 100}));
  EXPECT_EQ(clock->sleeps, (std::vector<milliseconds>{milliseconds(250), milliseconds(250)}));
}

TEST_F(ClientFixture, WaitBacksOffWithoutAHint) {
  for (int i = 0; i < 4; ++i)
    transport->push(reply(200, video_json("v", "pending")));
  transport->push(reply(200, video_json("v", "succeeded", 100)));
  auto client = make();
  ASSERT_TRUE(client.wait("v"));
  EXPECT_EQ(clock->sleeps, (std::vector<milliseconds>{milliseconds(1000), milliseconds(1500),
                                                      milliseconds(2250), milliseconds(3375)}));
}

TEST_F(ClientFixture, WaitReportsModerationSeparately) {
  transport->push(
      reply(200, video_json("v", "failed", 10,
                            R"(,"error":{"code":"moderation_blocked","message":"no"})")));
  auto client = make();
  auto v = client.wait("v");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::moderation);
  EXPECT_EQ(v.error().video_id, "v");
}

TEST_F(ClientFixture, ExpiredAndCancelledJobsAreTerminal) {
  transport->push(reply(200, video_json("v", "expired")));
  auto client = make();
  auto v = client.wait("v");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::job_failed);
  EXPECT_NE(v.error().message.find("expired"), std::string::npos);
}

TEST_F(ClientFixture, Rule13_ACancelledJobIsTerminalWithItsOwnCode) {
  transport->push(reply(200, video_json("v", "queued")));
  transport->push(reply(200, video_json("v", "canceled")));
  auto client = make();
  auto v = client.wait("v");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::cancelled);
  EXPECT_NE(v.error().message.find("canceled"), std::string::npos);
  EXPECT_EQ(transport->requests.size(), 2u);
}

TEST_F(ClientFixture, WaitGivesUpAtTheDeadlineWithoutCancellingTheJob) {
  for (int i = 0; i < 100; ++i)
    transport->push(
        reply(200, video_json("v", "in_progress", 5), {{"openai-poll-after-ms", "1000"}}));
  auto client = make();
  WaitOptions options;
  options.timeout = milliseconds(3500);
  auto v = client.wait("v", options);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::wait_timeout);
  EXPECT_EQ(v.error().video_id, "v");
  for (const auto& r : transport->requests)
    EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(transport->requests.size(), 4u);
}

TEST_F(ClientFixture, WaitStopsWhenCancelled) {
  transport->push(reply(200, video_json("v", "queued"), {{"openai-poll-after-ms", "100"}}));
  clock->cancel_after = 0;
  auto client = make();
  auto v = client.wait("v");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::interrupted);
}

TEST_F(ClientFixture, ListAllFollowsCursorsAndStopsOnARepeatedPage) {
  transport->push(
      reply(200, R"({"data":[{"id":"a","status":"completed"}],"last_id":"a","has_more":true})"));
  transport->push(
      reply(200, R"({"data":[{"id":"b","status":"completed"}],"last_id":"b","has_more":true})"));
  transport->push(
      reply(200, R"({"data":[{"id":"b","status":"completed"}],"last_id":"b","has_more":true})"));
  auto client = make();
  ListQuery q;
  q.limit = 1;
  auto all = client.list_all(q);
  ASSERT_TRUE(all);
  EXPECT_EQ(transport->requests.size(), 3u);
  EXPECT_EQ(transport->requests[0].url, "https://api.example.com/v1/videos?limit=1");
  EXPECT_EQ(transport->requests[1].url, "https://api.example.com/v1/videos?limit=1&after=a");
  EXPECT_EQ(transport->requests[2].url, "https://api.example.com/v1/videos?limit=1&after=b");
}

TEST_F(ClientFixture, DeleteUsesTheDeleteMethod) {
  transport->push(reply(200, R"({"id":"v","object":"video.deleted","deleted":true})"));
  auto client = make();
  auto d = client.remove("v");
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->deleted);
  EXPECT_EQ(transport->requests[0].method, "DELETE");
}

TEST_F(ClientFixture, TheKeyNeverAppearsInLogs) {
  transport->push(
      reply(401, R"({"error":{"message":"Incorrect API key provided: )" + k_key + R"("}})"));
  auto client = make();
  auto v = client.retrieve("v");
  ASSERT_FALSE(v);
  ASSERT_FALSE(log_lines.empty());
  bool saw_headers = false;
  for (const auto& line : log_lines) {
    EXPECT_EQ(line.find(k_key), std::string::npos) << line;
    if (line.find("Authorization: [redacted]") != std::string::npos) saw_headers = true;
  }
  EXPECT_TRUE(saw_headers);
}

TEST_F(ClientFixture, OtherAuthSchemes) {
  struct Case {
    AuthScheme scheme;
    const char* header;
    std::string value;
  } cases[] = {{AuthScheme::raw, "Authorization", k_key},
               {AuthScheme::key, "Authorization", "Key " + k_key},
               {AuthScheme::header, "api-key", k_key}};
  for (const auto& c : cases) {
    transport->requests.clear();
    transport->push(reply(200, video_json("v", "queued")));
    ClientConfig config;
    config.api_key = k_key;
    config.auth = c.scheme;
    config.auth_header = "api-key";
    Client client(config, transport, clock);
    ASSERT_TRUE(client.retrieve("v"));
    EXPECT_EQ(find_header(transport->requests[0].headers, c.header), c.value);
  }
  transport->requests.clear();
  transport->push(reply(200, video_json("v", "queued")));
  ClientConfig none;
  none.api_key = k_key;
  none.auth = AuthScheme::none;
  Client client(none, transport, clock);
  ASSERT_TRUE(client.retrieve("v"));
  EXPECT_FALSE(find_header(transport->requests[0].headers, "authorization").has_value());
}

TEST_F(ClientFixture, CreatesCarryOneIdempotencyKeyAcrossRetries) {
  transport->push(
      reply(429, R"({"error":{"message":"Rate limit reached"}})", {{"retry-after-ms", "5"}}));
  transport->push(reply(200, video_json("v", "queued")));
  auto client = make();
  ASSERT_TRUE(client.create(CreateRequest{"a lake", {}, {}, {}, {}, Encoding::automatic, {}, {}}));
  auto first = find_header(transport->requests[0].headers, "idempotency-key");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->rfind("sora-", 0), 0u);
  EXPECT_EQ(find_header(transport->requests[1].headers, "idempotency-key"), first);
}

TEST_F(ClientFixture, ALostCreateAnswerIsReconciledInsteadOfResent) {
  transport->push(fail_with(ErrorCode::timeout)); // the server got it, the answer never came
  transport->push(reply(200, R"({"object":"list","data":[
    {"id":"video_other","status":"queued","prompt":"another","created_at":1800000000},
    {"id":"video_mine","status":"queued","prompt":"a lake","model":"sora-2","created_at":1800000000}],
    "has_more":false})"));
  auto client = make();
  CreateRequest r{"a lake", std::string("sora-2"), {}, {}, {}, Encoding::automatic, {}, {}};
  auto v = client.create(r);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->id, "video_mine");
  ASSERT_EQ(transport->requests.size(), 2u);
  EXPECT_EQ(transport->requests[1].method, "GET");
  EXPECT_EQ(transport->requests[1].url, "https://api.example.com/v1/videos?limit=20&order=desc");
}

TEST_F(ClientFixture, ALostCreateIsResentOnlyWhenNoMatchingJobExists) {
  transport->push(fail_with(ErrorCode::network));
  transport->push(reply(200, R"({"object":"list","data":[
    {"id":"old","status":"completed","prompt":"a lake","created_at":1700000000}],"has_more":false})"));
  transport->push(reply(200, video_json("video_new", "queued")));
  auto client = make();
  auto v = client.create(CreateRequest{"a lake", {}, {}, {}, {}, Encoding::automatic, {}, {}});
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->id, "video_new"); // the old job with the same prompt predates this create
  ASSERT_EQ(transport->requests.size(), 3u);
  EXPECT_EQ(transport->requests[2].method, "POST");
}

TEST_F(ClientFixture, ALostCreateIsNotResentWhenTheServerCannotTell) {
  transport->push(fail_with(ErrorCode::timeout));
  transport->push(reply(404, R"({"error":{"message":"no list here"}})"));
  auto client = make();
  auto v = client.create(CreateRequest{"a lake", {}, {}, {}, {}, Encoding::automatic, {}, {}});
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::timeout);
  // The server has no list: the hint must not send the user to one (issue #13).
  EXPECT_EQ(v.error().hint.find("list"), std::string::npos) << v.error().hint;
  EXPECT_NE(v.error().hint.find("may have been created"), std::string::npos) << v.error().hint;
  EXPECT_EQ(transport->requests.size(), 2u);
}
