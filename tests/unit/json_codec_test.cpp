#include "api/json_codec.hpp"

#include <gtest/gtest.h>

using namespace sora;
using namespace sora::detail;

TEST(JsonCodecTest, ParsesEveryFieldOfTheVideoObject) {
  auto v = parse_video(R"({"id":"video_123","object":"video","model":"sora-2","status":"completed",
    "progress":100,"created_at":1712697600,"completed_at":1712697700,"expires_at":1712701200,
    "prompt":"a lake","size":"1280x720","seconds":"8","quality":"standard",
    "remixed_from_video_id":"video_000","error":null})");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->id, "video_123");
  EXPECT_EQ(v->status, VideoStatus::completed);
  EXPECT_EQ(v->progress, 100);
  EXPECT_EQ(v->created_at, 1712697600);
  EXPECT_EQ(v->completed_at, 1712697700);
  EXPECT_EQ(v->expires_at, 1712701200);
  EXPECT_EQ(v->prompt, "a lake");
  EXPECT_EQ(v->size, "1280x720");
  EXPECT_EQ(v->seconds, "8");
  EXPECT_EQ(v->quality, "standard");
  EXPECT_EQ(v->remixed_from_video_id, "video_000");
  EXPECT_FALSE(v->error.has_value());
  EXPECT_TRUE(v->extra.empty());
}

TEST(JsonCodecTest, KeepsUnknownFieldsAndTheOriginalOrder) {
  auto v = parse_video(R"({"status":"queued","id":"video_1","cost":{"usd":0.4},"zeta":1})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->extra.at("cost"), R"({"usd":0.4})");
  EXPECT_EQ(v->extra.at("zeta"), "1");
  EXPECT_EQ(v->raw_json, R"({"status":"queued","id":"video_1","cost":{"usd":0.4},"zeta":1})");
}

TEST(JsonCodecTest, Rules12To15AreLenient) {
  auto v = parse_video(R"({"task_id":"task_9","status":"SUCCESS","progress":"45%",
    "seconds":8,"created_at":1712697600123,"error":"boom"})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->id, "task_9");
  EXPECT_EQ(v->status, VideoStatus::completed);
  EXPECT_EQ(v->status_raw, "SUCCESS");
  EXPECT_EQ(v->progress, 45);
  EXPECT_EQ(v->seconds, "8");
  EXPECT_EQ(v->created_at, 1712697600); // milliseconds read as seconds
  ASSERT_TRUE(v->error);
  EXPECT_EQ(v->error->message, "boom");
}

TEST(JsonCodecTest, FailedJobErrorIsRead) {
  auto v = parse_video(R"({"id":"v","status":"failed","error":{"code":"moderation_blocked",
    "message":"blocked"}})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->error->code, "moderation_blocked");
  EXPECT_EQ(v->error->message, "blocked");
}

TEST(JsonCodecTest, NonObjectsAndMissingIdsAreProtocolErrors) {
  for (const char* text : {"", "[]", "<html>", "{\"status\":\"queued\"}", "{\"id\":"}) {
    auto v = parse_video(text);
    ASSERT_FALSE(v) << text;
    EXPECT_EQ(v.error().code, ErrorCode::protocol);
  }
}

TEST(JsonCodecTest, ParsesListEnvelopeWithAndWithoutCursorFields) {
  auto list = parse_video_list(R"({"object":"list","data":[{"id":"a","status":"queued"},
    {"id":"b","status":"completed"}],"first_id":"a","last_id":"b","has_more":true})");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->data.size(), 2u);
  EXPECT_EQ(list->last_id, "b");
  EXPECT_TRUE(list->has_more);
  auto sglang = parse_video_list(R"({"object":"list","data":[]})"); // rule 26
  ASSERT_TRUE(sglang);
  EXPECT_FALSE(sglang->has_more);
  EXPECT_FALSE(parse_video_list(R"({"object":"list"})"));
}

TEST(JsonCodecTest, ParsesBothDeleteShapes) { // rule 27
  auto openai = parse_deleted(R"({"id":"v1","object":"video.deleted","deleted":true})");
  ASSERT_TRUE(openai);
  EXPECT_TRUE(openai->deleted);
  auto sglang = parse_deleted(R"({"id":"v2","object":"video","status":"deleted"})");
  ASSERT_TRUE(sglang);
  EXPECT_EQ(sglang->id, "v2");
  EXPECT_TRUE(sglang->deleted);
}

TEST(JsonCodecTest, Rule17ReadsEveryErrorDialect) {
  auto openai = parse_error_body(R"({"error":{"message":"Invalid value: '10'.","type":
    "invalid_request_error","param":"seconds","code":null}})",
                                 "application/json");
  EXPECT_EQ(openai.message, "Invalid value: '10'.");
  EXPECT_EQ(openai.type, "invalid_request_error");
  EXPECT_EQ(openai.param, "seconds");
  EXPECT_EQ(openai.code, "");
  EXPECT_EQ(parse_error_body(R"({"detail":"Generation is still in-progress"})", "").message,
            "Generation is still in-progress");
  EXPECT_EQ(parse_error_body(R"({"detail":[{"loc":["body"],"msg":"field required"}]})", "").message,
            "field required");
  auto newapi =
      parse_error_body(R"({"code":"task_not_exist","message":"task not exist","data":null})", "");
  EXPECT_EQ(newapi.message, "task not exist");
  EXPECT_EQ(newapi.code, "task_not_exist");
  auto html =
      parse_error_body("<html><head><title>502 Bad Gateway</title></head></html>", "text/html");
  EXPECT_TRUE(html.is_html);
  EXPECT_EQ(html.message, "502 Bad Gateway");
  EXPECT_EQ(parse_error_body("plain words", "text/plain").message, "plain words");
}

TEST(JsonCodecTest, EncodesPlannedFieldsInOrderWithTheirJsonTypes) {
  auto field = [](std::string name, std::string value) {
    PlannedField f;
    f.name = std::move(name);
    f.value = std::move(value);
    return f;
  };
  std::vector<PlannedField> fields{field("prompt", json_quote("a \"quoted\" lake")),
                                   field("seconds", json_quote("8")), field("duration", "8"),
                                   field("extra", R"({"seed":1})")};
  EXPECT_EQ(encode_fields_json(fields),
            R"({"prompt":"a \"quoted\" lake","seconds":"8","duration":8,"extra":{"seed":1}})");
  EXPECT_TRUE(is_json_value("[1,2]"));
  EXPECT_FALSE(is_json_value("{seed:1}"));
}

TEST(JsonCodecTest, HugeNumbersDoNotOverflow) { // found by tests/fuzz
  auto v = parse_video(R"({"id":"v","status":"queued","progress":1e300,"created_at":1e300,
    "seconds":1e20})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->progress, 0);
  EXPECT_EQ(v->created_at, 0);
  EXPECT_FALSE(v->seconds.empty());
  EXPECT_TRUE(parse_video(R"({"id":1e300,"status":"queued"})"));
}
