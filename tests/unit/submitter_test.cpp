// Submission and reconciliation (api/submitter.cpp): the jobs a batch has created are claimed in
// state its clients share (their Throttle), not in a process-global set.
#include "support/fake_clock.hpp"
#include "support/fake_transport.hpp"

#include <sora/client.hpp>

#include <gtest/gtest.h>

using namespace sora;
using namespace sora::test;

namespace {

const std::string k_list_with_mine = R"({"object":"list","data":[
  {"id":"video_1","status":"queued","prompt":"a lake","created_at":1800000000}],"has_more":false})";

struct Submitter : ::testing::Test {
  std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();

  Client make(std::shared_ptr<Throttle> throttle) {
    ClientConfig config;
    config.base_url = "https://api.example.com/v1";
    config.throttle = std::move(throttle);
    return Client(config, transport, clock);
  }
  static CreateRequest lake() { return {"a lake", {}, {}, {}, {}, Encoding::automatic, {}, {}}; }
};

} // namespace

TEST_F(Submitter, AJobCreatedByOneClientOfABatchIsNeverTakenForAnothersLostCreate) {
  auto throttle = std::make_shared<Throttle>();
  auto first = make(throttle);
  auto second = make(throttle);
  transport->push(reply(200, R"({"id":"video_1","status":"queued","prompt":"a lake"})"));
  ASSERT_TRUE(first.create(lake()));
  EXPECT_TRUE(throttle->claims.claimed("video_1"));

  transport->push(fail_with(ErrorCode::network)); // the second create of the same prompt is lost
  transport->push(reply(200, k_list_with_mine));  // the list shows only the first one's job
  transport->push(reply(200, R"({"id":"video_2","status":"queued","prompt":"a lake"})"));
  auto v = second.create(lake());
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->id, "video_2"); // resent, not mistaken for video_1
  EXPECT_TRUE(throttle->claims.claimed("video_2"));
}

TEST_F(Submitter, ClientsThatShareNothingDoNotShareClaims) {
  auto first = make(nullptr);
  transport->push(reply(200, R"({"id":"video_1","status":"queued","prompt":"a lake"})"));
  ASSERT_TRUE(first.create(lake()));

  // A client of another run (another batch, another process) may adopt that job: it may be the
  // very job whose answer it lost.
  auto other = make(nullptr);
  transport->push(fail_with(ErrorCode::network));
  transport->push(reply(200, k_list_with_mine));
  auto v = other.create(lake());
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->id, "video_1");
  EXPECT_EQ(transport->requests.size(), 3u); // POST, POST (lost), GET list
}

TEST_F(Submitter, EveryAttemptCarriesTheCallersIdempotencyKey) {
  auto client = make(nullptr);
  transport->push(fail_with(ErrorCode::network));
  transport->push(reply(200, R"({"object":"list","data":[],"has_more":false})"));
  transport->push(reply(200, R"({"id":"video_9","status":"queued","prompt":"a lake"})"));
  auto request = lake();
  request.idempotency_key = "sora-journal-key";
  ASSERT_TRUE(client.create(request));
  EXPECT_EQ(find_header(transport->requests[0].headers, "idempotency-key"), "sora-journal-key");
  EXPECT_EQ(find_header(transport->requests[2].headers, "idempotency-key"), "sora-journal-key");
}
