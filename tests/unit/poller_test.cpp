// Polling (api/poller.cpp): the intervals are the caller's to choose.
#include "support/fake_clock.hpp"
#include "support/fake_transport.hpp"

#include <sora/client.hpp>

#include <gtest/gtest.h>

using namespace sora;
using namespace sora::test;
using std::chrono::milliseconds;

namespace {

std::string job(const std::string& status) {
  return R"({"id":"v","object":"video","status":")" + status + R"(","progress":0})";
}

struct Poller : ::testing::Test {
  std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  Client client{ClientConfig{}, transport, clock};
};

} // namespace

TEST_F(Poller, ConfiguredIntervalsReplaceTheDefaults) {
  for (int i = 0; i < 4; ++i)
    transport->push(reply(200, job("queued")));
  transport->push(reply(200, job("completed")));
  WaitOptions options;
  options.intervals.first = milliseconds(100);
  options.intervals.max = milliseconds(200);
  ASSERT_TRUE(client.wait("v", options));
  EXPECT_EQ(clock->sleeps, (std::vector<milliseconds>{milliseconds(100), milliseconds(150),
                                                      milliseconds(200), milliseconds(200)}));
}

TEST_F(Poller, AServerHintIsKeptWithinTheConfiguredBounds) {
  transport->push(reply(200, job("queued"), {{"openai-poll-after-ms", "1"}}));
  transport->push(reply(200, job("queued"), {{"openai-poll-after-ms", "900000"}}));
  transport->push(reply(200, job("completed")));
  WaitOptions options;
  options.intervals.min = milliseconds(50);
  options.intervals.max_server = milliseconds(5000);
  ASSERT_TRUE(client.wait("v", options));
  EXPECT_EQ(clock->sleeps, (std::vector<milliseconds>{milliseconds(50), milliseconds(5000)}));
}
