// Extend and edit: what they send, what they check first, and how a lost answer is reconciled.
#include "support/fake_clock.hpp"
#include "support/fake_transport.hpp"

#include <sora/client.hpp>

#include <gtest/gtest.h>

using namespace sora;
using namespace sora::test;

namespace {

const std::string k_key = "sk-secret-value-456";

struct ContinueFixture : ::testing::Test {
  std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();

  Client make() {
    ClientConfig config;
    config.base_url = "https://api.example.com/v1";
    config.api_key = k_key;
    return Client(config, transport, clock);
  }
};

std::string queued(const std::string& id, const std::string& prompt) {
  return R"({"id":")" + id + R"(","object":"video","status":"queued","prompt":")" + prompt +
         R"(","seconds":"12"})";
}

} // namespace

TEST_F(ContinueFixture, ExtendPostsTheSourceThePromptAndTheSecondsAsJson) {
  transport->push(reply(200, queued("video_ext", "the boat sails on")));
  auto client = make();
  auto v = client.extend(ExtendRequest{"video_src", "the boat sails on", "8"});
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->id, "video_ext");
  ASSERT_EQ(transport->requests.size(), 1u);
  const auto& sent = transport->requests[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "https://api.example.com/v1/videos/extensions");
  EXPECT_EQ(find_header(sent.headers, "content-type"), "application/json");
  EXPECT_EQ(find_header(sent.headers, "authorization"), "Bearer " + k_key);
  EXPECT_TRUE(find_header(sent.headers, "idempotency-key"));
  EXPECT_EQ(sent.body,
            R"({"video":{"id":"video_src"},"prompt":"the boat sails on","seconds":"8"})");
}

TEST_F(ContinueFixture, EditPostsTheSourceAndThePromptAsJson) {
  transport->push(reply(200, queued("video_edit", "make it \\\"night\\\"")));
  auto client = make();
  auto v = client.edit(EditRequest{"video_src", "make it \"night\""});
  ASSERT_TRUE(v) << v.error().message;
  const auto& sent = transport->requests.at(0);
  EXPECT_EQ(sent.url, "https://api.example.com/v1/videos/edits");
  EXPECT_EQ(sent.body, R"({"video":{"id":"video_src"},"prompt":"make it \"night\""})");
}

TEST_F(ContinueFixture, PlansMatchWhatIsSentAndHideTheKey) {
  auto client = make();
  auto extend = client.plan_extend(ExtendRequest{"video_src", "on", "4"});
  ASSERT_TRUE(extend) << extend.error().message;
  EXPECT_EQ(extend->method, "POST");
  EXPECT_EQ(extend->url, "https://api.example.com/v1/videos/extensions");
  EXPECT_EQ(extend->encoding, Encoding::json);
  ASSERT_EQ(extend->fields.size(), 3u);
  EXPECT_EQ(extend->fields[0].name, "video");
  EXPECT_EQ(extend->fields[0].value, R"({"id":"video_src"})");
  EXPECT_EQ(extend->fields[1].value, "\"on\"");
  EXPECT_EQ(extend->fields[2].value, "\"4\"");
  EXPECT_EQ(find_header(extend->headers, "authorization"), "[redacted]");

  auto edit = client.plan_edit(EditRequest{"video_src", "brighter"});
  ASSERT_TRUE(edit);
  EXPECT_EQ(edit->url, "https://api.example.com/v1/videos/edits");
  ASSERT_EQ(edit->fields.size(), 2u);
  EXPECT_EQ(edit->fields[0].value, R"({"id":"video_src"})");
  EXPECT_EQ(find_header(edit->headers, "authorization"), "[redacted]");
  EXPECT_TRUE(transport->requests.empty());
}

TEST_F(ContinueFixture, BadRequestsAreRefusedBeforeSending) {
  auto client = make();
  for (const char* seconds : {"", "5", "24", "eight"}) {
    auto v = client.extend(ExtendRequest{"video_src", "on", seconds});
    ASSERT_FALSE(v) << seconds;
    EXPECT_EQ(v.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(v.error().hint.find("4, 8, 12, 16 or 20"), std::string::npos);
  }
  EXPECT_FALSE(client.extend(ExtendRequest{"video_src", "", "4"}));
  EXPECT_FALSE(client.extend(ExtendRequest{"", "on", "4"}));
  EXPECT_FALSE(client.edit(EditRequest{"video_src", " \n"}));
  EXPECT_FALSE(client.edit(EditRequest{"video_src", std::string(32001, 'a')}));
  EXPECT_FALSE(client.plan_edit(EditRequest{"", "brighter"}));
  EXPECT_TRUE(transport->requests.empty());
}

TEST_F(ContinueFixture, ALostExtendAnswerIsReconciledInsteadOfResent) {
  transport->push(fail_with(ErrorCode::timeout));
  transport->push(reply(200, R"({"object":"list","data":[
    {"id":"video_other","status":"queued","prompt":"something else","created_at":1800000000},
    {"id":"video_src","status":"completed","prompt":"the next bit","created_at":1800000000},
    {"id":"video_ext2","status":"queued","prompt":"the next bit","created_at":1800000000}],
    "has_more":false})"));
  auto client = make();
  auto v = client.extend(ExtendRequest{"video_src", "the next bit", "8"});
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->id, "video_ext2"); // never the source itself
  ASSERT_EQ(transport->requests.size(), 2u);
  EXPECT_EQ(transport->requests[1].method, "GET");
}

TEST_F(ContinueFixture, ALostEditIsResentOnlyWhenNoMatchingJobExists) {
  transport->push(fail_with(ErrorCode::network));
  transport->push(reply(200, R"({"object":"list","data":[],"has_more":false})"));
  transport->push(reply(200, queued("video_edit3", "brighter")));
  auto client = make();
  auto v = client.edit(EditRequest{"video_src", "brighter"});
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->id, "video_edit3");
  ASSERT_EQ(transport->requests.size(), 3u);
  EXPECT_EQ(transport->requests[2].url, "https://api.example.com/v1/videos/edits");
  EXPECT_EQ(find_header(transport->requests[0].headers, "idempotency-key"),
            find_header(transport->requests[2].headers, "idempotency-key"));
}
