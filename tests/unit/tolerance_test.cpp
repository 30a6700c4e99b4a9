// The response-side tolerance rules of docs/providers.md ("Tolerance rules"), one or more tests per
// rule number (rules 1-3, 5-10 are the request side: profiles and create encoding).
#include "api/json_codec.hpp"
#include "common/base64.hpp"
#include "hints.hpp"
#include "support/fake_clock.hpp"
#include "support/fake_transport.hpp"
#include "support/temp_dir.hpp"
#include "transport/url.hpp"

#include <sora/client.hpp>

#include <gtest/gtest.h>

using namespace sora;
using namespace sora::test;
using std::chrono::milliseconds;

namespace {

const std::string k_key = "sk-tolerance-key-42";

std::string job(const std::string& id, const std::string& status, const std::string& extra = "") {
  return R"({"id":")" + id + R"(","status":")" + status + R"(")" + extra + "}";
}

std::string mp4(std::size_t size = 64) {
  std::string data = std::string("\0\0\0\x18", 4) + "ftypisom";
  for (std::size_t i = data.size(); i < size; ++i)
    data += static_cast<char>('a' + i % 26);
  return data;
}

std::string base64(const std::string& bytes) {
  static constexpr char k[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], k[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += {k[v >> 18], k[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], '='};
  }
  return out;
}

Scripted media(const std::string& body, const std::string& type = "video/mp4") {
  return reply(200, body,
               {{"Content-Type", type}, {"Content-Length", std::to_string(body.size())}});
}

Scripted json_reply(int status, const std::string& body, Headers extra = {}) {
  extra.push_back({"Content-Type", "application/json"});
  return reply(status, body, std::move(extra));
}

bool has_auth(const Recorded& r) {
  return find_header(r.headers, "authorization").has_value();
}

struct Tolerance : ::testing::Test {
  std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  TempDir dir;

  Client make(std::string base = "https://gw.example/v1", int retries = 3) {
    ClientConfig config;
    config.base_url = std::move(base);
    config.api_key = k_key;
    config.max_retries = retries;
    return Client(config, transport, clock);
  }
  DownloadRequest to(const std::string& name, Variant variant = Variant::video) {
    DownloadRequest r;
    r.output = dir / name;
    r.variant = variant;
    return r;
  }
};

} // namespace

// --- Rule 4: credentials only to the base origin; relative URLs resolve against it ---

TEST_F(Tolerance, Rule4_ResultUrlOnAnotherOriginGetsNoCredentials) {
  transport->push(json_reply(404, R"({"error":{"message":"no route"}})"));
  transport->push(json_reply(
      200, job("v1", "completed",
               R"(,"outputs":{"video_url":"https://storage.example/v1.mp4","cost":0.25})")));
  transport->push(media(mp4()));
  auto client = make();
  auto got = client.download("v1", to("a.mp4"));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->reported_cost, 0.25); // the job read to find the file says what it cost
  ASSERT_EQ(transport->requests.size(), 3u);
  EXPECT_EQ(transport->requests[2].url, "https://storage.example/v1.mp4");
  EXPECT_FALSE(has_auth(transport->requests[2]));
  EXPECT_TRUE(has_auth(transport->requests[0]));
  EXPECT_EQ(read_file(dir / "a.mp4"), mp4());
}

TEST_F(Tolerance, Rule4_RelativeResultUrlResolvesAgainstTheBaseOriginWithCredentials) {
  transport->push(json_reply(404, R"({"error":{"message":"no route"}})"));
  transport->push(
      json_reply(200, job("gen-1", "completed",
                          R"(,"unsigned_urls":["/api/v1/videos/gen-1/content?index=0"])")));
  transport->push(media(mp4()));
  auto client = make("https://router.example/api/v1");
  auto got = client.download("gen-1", to("a.mp4"));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_FALSE(got->reported_cost); // a job that says nothing of its cost
  EXPECT_EQ(transport->requests[2].url,
            "https://router.example/api/v1/videos/gen-1/content?index=0");
  EXPECT_TRUE(has_auth(transport->requests[2]));
}

TEST(ToleranceUrl, Rule4_SameOriginComparesSchemeHostAndPort) {
  EXPECT_TRUE(detail::same_origin("http://127.0.0.1:80/v1", "http://127.0.0.1/x"));
  EXPECT_FALSE(detail::same_origin("http://127.0.0.1:8000/v1", "http://127.0.0.1:8001/v1"));
  EXPECT_FALSE(detail::same_origin("https://h/v1", "http://h/v1"));
  EXPECT_FALSE(detail::same_origin("https://h/v1", "/relative"));
  EXPECT_EQ(detail::resolve_url("https://h:8/api/v1/", "/x/y?z=1"), "https://h:8/x/y?z=1");
  EXPECT_EQ(detail::resolve_url("https://h/api/v1/", "videos/a"), "https://h/api/v1/videos/a");
  EXPECT_EQ(detail::resolve_url("https://h/api/v1/", "//cdn.example/f"), "https://cdn.example/f");
  EXPECT_EQ(detail::resolve_url("https://h/api/v1/", "http://o/f"), "http://o/f");
}

// --- Rule 11: create may answer 200, 201 or 202, already pending or running ---

TEST_F(Tolerance, Rule11_CreateAnswering202WithPendingAndARelativePollingUrl) {
  transport->push(
      json_reply(202, R"({"id":"gen-9","polling_url":"/api/v1/videos/gen-9","status":"pending"})"));
  auto client = make("https://router.example/api/v1");
  CreateRequest r;
  r.prompt = "a fox";
  auto v = client.create(r);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->id, "gen-9");
  EXPECT_EQ(v->status, VideoStatus::queued);
  EXPECT_EQ(v->status_raw, "pending");
}

TEST_F(Tolerance, Rule11_CreateAnswering201AlreadyInProgressOrProcessing) {
  transport->push(json_reply(201, job("a", "in_progress")));
  transport->push(json_reply(200, job("b", "processing")));
  auto client = make();
  CreateRequest r;
  r.prompt = "x";
  auto a = client.create(r);
  auto b = client.create(r);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->status, VideoStatus::in_progress);
  EXPECT_EQ(b->status, VideoStatus::in_progress);
  EXPECT_EQ(transport->requests.size(), 2u); // never resent
}

// --- Rule 12: opaque ids ---

TEST_F(Tolerance, Rule12_IdElseTaskIdElseRequestId) {
  EXPECT_EQ(detail::parse_video(R"({"task_id":"task_1","status":"queued"})")->id, "task_1");
  EXPECT_EQ(detail::parse_video(R"({"request_id":"r-1","status":"processing"})")->id, "r-1");
  EXPECT_EQ(detail::parse_video(R"({"id":"task_x","task_id":"task_x","status":"queued"})")->id,
            "task_x");
  EXPECT_EQ(detail::parse_video(R"({"id":"","task_id":"t2","status":"queued"})")->id, "t2");
}

TEST_F(Tolerance, Rule12_Base64IdsArePercentEncodedAsOnePathSegment) {
  std::string id = "video_bGl0ZWxsbTpvcGVuYWk/K3Y=+a";
  transport->push(json_reply(200, job(id, "queued")));
  auto client = make();
  auto v = client.retrieve(id);
  ASSERT_TRUE(v);
  EXPECT_EQ(transport->requests[0].url,
            "https://gw.example/v1/videos/video_bGl0ZWxsbTpvcGVuYWk%2FK3Y%3D%2Ba");
}

// --- Rule 13: status normalisation ---

TEST(ToleranceStatus, Rule13_EveryVocabularyMapsToOneSet) {
  for (auto w :
       {"queued", "PENDING", "submitted", "NOT_START", "notstarted", "created", "starting",
        "preparing", "preprocessing", "IN_QUEUE", "wait", "waiting", "queueing", "unknown"})
    EXPECT_EQ(parse_status(w), VideoStatus::queued) << w;
  for (auto w : {"in_progress", "IN_PROGRESS", "processing", "running", "generating"})
    EXPECT_EQ(parse_status(w), VideoStatus::in_progress) << w;
  for (auto w : {"completed", "complete", "SUCCEEDED", "success", "SUCCESS", "done", "finished"})
    EXPECT_EQ(parse_status(w), VideoStatus::completed) << w;
  for (auto w : {"failed", "FAILURE", "fail", "error"})
    EXPECT_EQ(parse_status(w), VideoStatus::failed) << w;
  EXPECT_EQ(parse_status("canceled"), VideoStatus::cancelled);
  EXPECT_EQ(parse_status("expired"), VideoStatus::expired);
  EXPECT_EQ(parse_status("deleted"), VideoStatus::deleted);
}

TEST_F(Tolerance, Rule13_AnUnknownStatusIsPendingAndKeepsTheServersWord) {
  transport->push(json_reply(200, job("v", "warming_up")));
  transport->push(json_reply(200, job("v", "done")));
  auto client = make();
  std::vector<std::string> seen;
  WaitOptions o;
  o.on_poll = [&](const JobProgress& p) { seen.push_back(p.video.status_raw); };
  auto v = client.wait("v", o);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(seen, (std::vector<std::string>{"warming_up", "done"}));
}

// --- Rule 14: progress is best effort ---

TEST_F(Tolerance, Rule14_ProgressIsReadLenientlyAndNeverEndsAWait) {
  EXPECT_EQ(detail::parse_video(R"({"id":"a","status":"queued","progress":"45%"})")->progress, 45);
  EXPECT_EQ(detail::parse_video(R"({"id":"a","status":"queued"})")->progress, 0);
  EXPECT_EQ(detail::parse_video(R"({"id":"a","status":"completed"})")->progress, 100);
  EXPECT_EQ(detail::parse_video(R"({"id":"a","status":"completed","progress":0})")->progress, 0);
  EXPECT_EQ(detail::parse_video(R"({"id":"a","status":"queued","progress":250})")->progress, 100);
  transport->push(json_reply(200, job("v", "in_progress", R"(,"progress":100)")));
  transport->push(json_reply(200, job("v", "in_progress", R"(,"progress":0)")));
  transport->push(json_reply(200, job("v", "completed", R"(,"progress":0)")));
  auto client = make();
  auto v = client.wait("v");
  ASSERT_TRUE(v);
  EXPECT_EQ(transport->requests.size(), 3u);
}

// --- Rule 15: lenient types ---

TEST(ToleranceJson, Rule15_LenientTypes) {
  EXPECT_EQ(detail::parse_video(R"({"id":"a","status":"queued","seconds":4})")->seconds, "4");
  EXPECT_EQ(detail::parse_video(R"({"id":"a","status":"queued","seconds":"4"})")->seconds, "4");
  EXPECT_EQ(detail::parse_video(R"({"id":"a","status":"queued","seconds":""})")->seconds, "");
  EXPECT_EQ(detail::parse_video(R"({"id":"a","status":"queued","size":"16x9"})")->size, "16x9");
  auto s = detail::parse_video(R"({"id":"a","status":"failed","error":"it broke"})");
  EXPECT_EQ(s->error->message, "it broke");
  auto c = detail::parse_video(R"({"id":"a","status":"failed","error":{"code":500}})");
  EXPECT_EQ(c->error->code, "500");
  auto ms = detail::parse_video(R"({"id":"a","status":"queued","created_at":1764000000123})");
  EXPECT_EQ(ms->created_at, 1764000000);
  auto sec = detail::parse_video(R"({"id":"a","status":"queued","created_at":1764000000})");
  EXPECT_EQ(sec->created_at, 1764000000);
  auto bare = detail::parse_video(R"({"id":"a","status":"queued","whatever":[1,2]})");
  EXPECT_EQ(bare->object, "video");
  EXPECT_EQ(bare->extra.at("whatever"), "[1,2]");
}

// --- Rule 16: a non-2xx answer that carries a job is a job ---

TEST_F(Tolerance, Rule16_AFailedJobAnsweredWith500IsAJobFailureWithoutRetries) {
  transport->push(json_reply(
      500, job("video_gen_1", "failed", R"(,"error":{"code":"gen_error","message":"OOM"})")));
  auto client = make();
  auto v = client.wait("video_gen_1");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::job_failed);
  EXPECT_NE(v.error().message.find("OOM"), std::string::npos);
  EXPECT_EQ(transport->requests.size(), 1u);
}

// --- Rule 17: error dialects ---

TEST_F(Tolerance, Rule17_EveryErrorDialectGivesAMessage) {
  transport->push(json_reply(400, R"({"error":{"message":"openai says","type":"t","code":"c"}})"));
  transport->push(json_reply(422, R"({"detail":"fastapi says"})"));
  transport->push(json_reply(422, R"({"detail":[{"loc":["body"],"msg":"field required"}]})"));
  transport->push(
      json_reply(400, R"({"code":"task_not_exist","message":"new-api says","data":null})"));
  transport->push(reply(400, "<html><head><title>400 Bad Request</title></head></html>",
                        {{"Content-Type", "text/html"}}));
  auto client = make("https://gw.example/v1", 0);
  std::vector<std::string> messages;
  for (int i = 0; i < 5; ++i)
    messages.push_back(client.retrieve("v").error().message);
  EXPECT_EQ(messages[0], "openai says");
  EXPECT_EQ(messages[1], "fastapi says");
  EXPECT_EQ(messages[2], "field required");
  EXPECT_EQ(messages[3], "new-api says");
  EXPECT_NE(messages[4].find("400 Bad Request"), std::string::npos);
  EXPECT_NE(messages[4].find("HTML"), std::string::npos);
}

// --- Rule 18: polling hints, default total wait ---

TEST_F(Tolerance, Rule18_RetryAfterOnAPollIsHonouredAndTheDefaultWaitIsHalfAnHour) {
  EXPECT_GE(WaitOptions{}.timeout, std::chrono::minutes(30));
  transport->push(json_reply(200, job("v", "queued"), {{"Retry-After", "20"}}));
  transport->push(json_reply(200, job("v", "queued"), {{"openai-poll-after-ms", "2500"}}));
  transport->push(json_reply(200, job("v", "queued")));
  transport->push(json_reply(200, job("v", "completed")));
  auto client = make();
  ASSERT_TRUE(client.wait("v"));
  ASSERT_EQ(clock->sleeps.size(), 3u);
  EXPECT_EQ(clock->sleeps[0], milliseconds(20'000));
  EXPECT_EQ(clock->sleeps[1], milliseconds(2'500));
  EXPECT_EQ(clock->sleeps[2], milliseconds(1'000)); // own backoff starts at 1 s
}

// --- Rule 19: polling URLs ---

TEST_F(Tolerance, Rule19_ASameOriginPollingUrlIsUsedForPolling) {
  transport->push(json_reply(
      202, R"({"id":"gen-3","polling_url":"/api/v1/jobs/gen-3/poll","status":"pending"})"));
  transport->push(json_reply(200, job("gen-3", "in_progress")));
  transport->push(json_reply(200, job("gen-3", "completed")));
  auto client = make("https://router.example/api/v1");
  CreateRequest r;
  r.prompt = "x";
  ASSERT_TRUE(client.create(r));
  ASSERT_TRUE(client.wait("gen-3"));
  EXPECT_EQ(transport->requests[1].url, "https://router.example/api/v1/jobs/gen-3/poll");
  EXPECT_EQ(transport->requests[2].url, "https://router.example/api/v1/jobs/gen-3/poll");
  EXPECT_TRUE(has_auth(transport->requests[1]));
}

TEST_F(Tolerance, Rule19_APollingUrlOnAnotherOriginIsIgnored) {
  transport->push(json_reply(
      200, job("q-1", "in_progress", R"(,"status_url":"https://queue.other.example/q-1/status")")));
  transport->push(json_reply(200, job("q-1", "completed")));
  auto client = make();
  ASSERT_TRUE(client.wait("q-1"));
  EXPECT_EQ(transport->requests[1].url, "https://gw.example/v1/videos/q-1");
}

// --- Rule 20: the result-location fallback chain ---

TEST_F(Tolerance, Rule20_ContentIsAskedFirstWithoutAVariantUnlessOneWasAsked) {
  transport->push(media(mp4()));
  auto client = make();
  ASSERT_TRUE(client.download("v", to("a.mp4")));
  EXPECT_EQ(transport->requests[0].url, "https://gw.example/v1/videos/v/content");
  EXPECT_EQ(find_header(transport->requests[0].headers, "accept"), "application/binary");
}

TEST_F(Tolerance, Rule20_FallsBackToJobUrlFieldsInTheRulesOrder) {
  transport->push(json_reply(405, R"({"detail":"Method Not Allowed"})"));
  transport->push(json_reply(
      200,
      job("v", "completed",
          R"(,"urls":["https://s.example/urls0"],"video":{"url":"https://s.example/video"},)"
          R"("metadata":{"url":"https://s.example/metadata"},"result_url":"https://s.example/result")")));
  transport->push(media(mp4()));
  auto client = make();
  ASSERT_TRUE(client.download("v", to("a.mp4")));
  EXPECT_EQ(transport->requests[2].url, "https://s.example/result");

  auto order = detail::find_result_locations(
      R"({"video":{"url":"11"},"data":[{"url":"10"}],"unsigned_urls":["9"],"urls":["8"],)"
      R"("content":{"video_url":"7"},"outputs":{"video_url":"6"},"metadata":{"url":"5"},)"
      R"("result_url":"4","output_url":"3","url":"2","video_url":"1"})");
  EXPECT_EQ(order.urls,
            (std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"}));
}

TEST_F(Tolerance, Rule20_ContentAnsweringJsonInsteadOfBytesIsReadForUrls) {
  transport->push(json_reply(200, R"({"url":"https://cdn.example/file.mp4","expires":1})"));
  transport->push(json_reply(200, job("v", "completed")));
  transport->push(media(mp4()));
  auto client = make();
  auto got = client.download("v", to("a.mp4"));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(transport->requests[2].url, "https://cdn.example/file.mp4");
  EXPECT_FALSE(has_auth(transport->requests[2]));
}

TEST_F(Tolerance, Rule20_ABodyStartingWithABraceIsJsonWhateverTheContentType) {
  transport->push(
      media(R"(  {"data":[{"url":"https://cdn.example/x"}]})", "application/octet-stream"));
  transport->push(json_reply(200, job("v", "completed")));
  transport->push(media(mp4()));
  auto client = make();
  auto got = client.download("v", to("a.mp4"));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(transport->requests[2].url, "https://cdn.example/x");
}

TEST_F(Tolerance, Rule20_DataUrlsAndB64JsonAreDecodedLocally) {
  std::string clip = mp4(1000);
  transport->push(json_reply(404, R"({"detail":"Not Found"})"));
  transport->push(
      json_reply(200, job("v", "completed",
                          R"(,"video_url":"data:video/mp4;base64,)" + base64(clip) + R"(")")));
  transport->push(json_reply(404, R"({"detail":"Not Found"})"));
  transport->push(json_reply(
      200, job("w", "completed", R"(,"data":[{"b64_json":")" + base64(clip + "x") + R"("}])")));
  auto client = make();
  auto a = client.download("v", to("a.mp4"));
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(read_file(dir / "a.mp4"), clip);
  std::string streamed;
  auto b = client.download_to("w", Variant::video, [&](std::span<const char> chunk) {
    streamed.append(chunk.data(), chunk.size());
    return Result<void>{};
  });
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(streamed, clip + "x");
}

TEST_F(Tolerance, Rule20_TheNextLocationIsTriedWhenOneIsRefused) {
  transport->push(json_reply(404, R"({"detail":"Not Found"})"));
  transport->push(json_reply(
      200,
      job("v", "completed",
          R"(,"urls":["https://signed.example/expired"],"unsigned_urls":["/api/v1/videos/v/content?index=0"])")));
  transport->push(reply(403, "<Error>AccessDenied</Error>", {{"Content-Type", "application/xml"}}));
  transport->push(media(mp4()));
  auto client = make("https://router.example/api/v1");
  auto got = client.download("v", to("a.mp4"));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(transport->requests[3].url, "https://router.example/api/v1/videos/v/content?index=0");
}

TEST_F(Tolerance, Rule20_JsonWithoutAnyLocationIsAClearProtocolError) {
  transport->push(json_reply(200, R"({"status":"ok"})"));
  transport->push(json_reply(200, job("v", "completed")));
  auto client = make();
  auto got = client.download("v", to("a.mp4"));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::protocol);
  EXPECT_FALSE(std::filesystem::exists(dir / "a.mp4.part"));
}

TEST(ToleranceBase64, Rule20_DecodesInAnyPieces) {
  std::string clip = mp4(301);
  std::string text = base64(clip);
  for (std::size_t piece : {1u, 3u, 4u, 7u, 1000u}) {
    detail::Base64Decoder d;
    std::string out;
    for (std::size_t at = 0; at < text.size(); at += piece)
      ASSERT_TRUE(d.feed(std::string_view(text).substr(at, piece), out));
    ASSERT_TRUE(d.finish(out));
    EXPECT_EQ(out, clip) << piece;
  }
  detail::Base64Decoder bad;
  std::string out;
  EXPECT_FALSE(bad.feed("ab*c", out));
}

// --- Rule 21: "not ready" looks like "missing" ---

TEST_F(Tolerance, Rule21_Content404RightAfterSuccessIsAskedAgainWithBackoff) {
  transport->push(json_reply(404, R"({"detail":"Generation is still in-progress"})"));
  transport->push(json_reply(200, job("v", "completed")));
  transport->push(json_reply(404, R"({"detail":"Generation is still in-progress"})"));
  transport->push(media(mp4()));
  auto client = make();
  auto got = client.download("v", to("a.mp4"));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(clock->sleeps, (std::vector<milliseconds>{milliseconds(1000), milliseconds(2000)}));
}

TEST_F(Tolerance, Rule21_ContentBeforeCompletionSaysTheJobIsNotFinished) {
  transport->push(json_reply(
      400, R"({"code":"task_not_finished","message":"task is not finished","data":null})"));
  transport->push(json_reply(200, job("task_1", "in_progress", R"(,"progress":40)")));
  auto client = make();
  auto got = client.download("task_1", to("a.mp4"));
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("not finished yet"), std::string::npos);
  EXPECT_NE(cli::hint_for(got.error()).find("sora wait"), std::string::npos);
}

// --- Rule 22: variant honesty ---

TEST_F(Tolerance, Rule22_AnMp4SentForAThumbnailIsRefusedAndNothingIsWritten) {
  transport->push(media(mp4(), "image/webp"));
  auto client = make();
  auto got = client.download("v", to("thumb.webp", Variant::thumbnail));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::protocol);
  EXPECT_NE(got.error().message.find("MP4"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "thumb.webp"));
  EXPECT_FALSE(std::filesystem::exists(dir / "thumb.webp.part"));
  EXPECT_EQ(transport->requests[0].url, "https://gw.example/v1/videos/v/content?variant=thumbnail");
}

// --- Rule 23: resume without Range support ---

TEST_F(Tolerance, Rule23_A200ToARangeRequestStartsTheFileOver) {
  std::string clip = mp4(5000);
  write_file(dir / "a.mp4.part", clip.substr(0, 1000) + "garbage");
  transport->push(media(clip)); // 200, whole file: the server has no Range support (LiteLLM)
  auto client = make();
  auto got = client.download("v", to("a.mp4"));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->resumed_from, 0u);
  EXPECT_EQ(read_file(dir / "a.mp4"), clip);
  EXPECT_EQ(find_header(transport->requests[0].headers, "range"), "bytes=1007-");
}

// --- Rule 25: optional operations ---

TEST_F(Tolerance, Rule25_RemixWithoutARouteIsUnsupportedNamingTheOperationAndServer) {
  transport->push(json_reply(404, R"({"detail":"Not Found"})"));
  transport->push(json_reply(200, job("video_gen_1", "completed")));
  auto client = make("http://127.0.0.1:8091/v1");
  auto v = client.remix("video_gen_1", "more snow");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::unsupported);
  EXPECT_NE(v.error().message.find("remix"), std::string::npos);
  EXPECT_NE(v.error().message.find("http://127.0.0.1:8091/v1"), std::string::npos);
  EXPECT_NE(v.error().message.find("does not support"), std::string::npos);
}

TEST_F(Tolerance, Rule25_RemixOfAVideoThatDoesNotExistIsStillNotFound) {
  transport->push(json_reply(404, R"({"error":{"message":"No video found"}})"));
  transport->push(json_reply(404, R"({"error":{"message":"No video found"}})"));
  auto client = make();
  auto v = client.remix("video_nope", "x");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::not_found);
}

TEST_F(Tolerance, Rule25_ListAndDeleteAnswering405Or501AreUnsupported) {
  transport->push(json_reply(405, R"({"detail":"Method Not Allowed"})"));
  transport->push(json_reply(501, R"({"code":"not_implemented","message":"no","data":null})"));
  auto client = make();
  auto l = client.list();
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error().code, ErrorCode::unsupported);
  EXPECT_NE(l.error().message.find("list"), std::string::npos);
  auto d = client.remove("task_1");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, ErrorCode::unsupported);
  EXPECT_NE(d.error().message.find("delete"), std::string::npos);
}

// --- Rule 26: list shapes and paging ---

TEST_F(Tolerance, Rule26_ASGLangListWithoutHasMoreIsOnePage) {
  transport->push(json_reply(200, R"({"data":[)" + job("a", "completed") + "," +
                                      job("b", "queued") + R"(],"object":"list"})"));
  auto client = make();
  auto all = client.list_all();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2u);
  EXPECT_EQ(transport->requests.size(), 1u);
}

TEST_F(Tolerance, Rule26_PagingFollowsAfterWhileHasMoreAndStopsOnARepeatedPage) {
  std::string page = R"({"data":[)" + job("a", "completed") + "," + job("b", "completed") +
                     R"(],"has_more":true,"last_id":"b"})";
  transport->push(json_reply(200, page));
  transport->push(json_reply(200, page)); // a server that ignores `after`
  auto client = make();
  auto all = client.list_all();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2u);
  ASSERT_EQ(transport->requests.size(), 2u);
  EXPECT_NE(transport->requests[1].url.find("after=b"), std::string::npos);
}

// --- Rule 27: delete replies ---

TEST_F(Tolerance, Rule27_EveryDeleteReplyShapeIsADeletion) {
  transport->push(json_reply(200, R"({"id":"a","object":"video.deleted","deleted":true})"));
  transport->push(json_reply(200, job("b", "deleted", R"(,"object":"video")")));
  transport->push(json_reply(409, R"({"detail":"Cancellation in progress"})"));
  transport->push(json_reply(200, R"({"id":"c","deleted":true})"));
  auto client = make();
  auto a = client.remove("a");
  auto b = client.remove("b");
  auto c = client.remove("c"); // 409 while cancelling: retried
  ASSERT_TRUE(a && b && c);
  EXPECT_TRUE(a->deleted);
  EXPECT_TRUE(b->deleted);
  EXPECT_TRUE(c->deleted);
  EXPECT_EQ(transport->requests.size(), 4u);
  EXPECT_EQ(clock->sleeps.size(), 1u);
}

// --- Rule 30: the shutdown hint ---

TEST_F(Tolerance, Rule30_A404OnOpenAIsBaseUrlPointsAtProfiles) {
  transport->push(json_reply(404, R"({"error":{"message":"Not found"}})"));
  auto client = make("https://api.openai.com/v1");
  auto v = client.retrieve("video_1");
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().hint.find("2026-09-24"), std::string::npos);
  EXPECT_NE(cli::hint_for(v.error()).find("sora profiles"), std::string::npos);
  EXPECT_EQ(v.error().hint.find('\n'), std::string::npos);
}

TEST_F(Tolerance, Rule30_ModelNotFoundForASora2ModelAnywhereGetsTheHint) {
  transport->push(json_reply(
      400, R"({"error":{"message":"model sora-2 not available","code":"model_not_found"}})"));
  transport->push(json_reply(400, R"({"error":{"message":"bad size","code":"invalid_value"}})"));
  transport->push(json_reply(404, R"({"detail":"Not Found"})"));
  auto client = make("https://reseller.example/v1");
  CreateRequest r;
  r.prompt = "x";
  r.model = "sora-2-pro";
  auto a = client.create(r);
  ASSERT_FALSE(a);
  EXPECT_NE(cli::hint_for(a.error()).find("sora profiles"), std::string::npos);
  auto b = client.create(r); // another rejection: no hint
  ASSERT_FALSE(b);
  EXPECT_EQ(cli::hint_for(b.error()).find("sora profiles"), std::string::npos);
  auto c = client.retrieve("v"); // a 404 elsewhere, no sora-2 model: no hint
  ASSERT_FALSE(c);
  EXPECT_EQ(cli::hint_for(c.error()).find("sora profiles"), std::string::npos);
}
