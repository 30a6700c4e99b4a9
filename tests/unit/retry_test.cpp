#include "transport/retry.hpp"

#include <gtest/gtest.h>

using namespace sora;
using namespace sora::detail;
using std::chrono::milliseconds;

TEST(RetryTest, BackoffDoublesFromHalfASecondToEight) {
  EXPECT_EQ(backoff_delay(0, 0.0), milliseconds(500));
  EXPECT_EQ(backoff_delay(1, 0.0), milliseconds(1000));
  EXPECT_EQ(backoff_delay(3, 0.0), milliseconds(4000));
  EXPECT_EQ(backoff_delay(10, 0.0), milliseconds(8000));
  EXPECT_EQ(backoff_delay(0, 1.0), milliseconds(375)); // jitter takes off at most a quarter
}

TEST(RetryTest, RetryAfterMsWinsOverRetryAfter) {
  EXPECT_EQ(server_retry_delay({{"retry-after-ms", "250"}, {"Retry-After", "9"}}, 0),
            milliseconds(250));
  EXPECT_EQ(server_retry_delay({{"Retry-After", "2"}}, 0), milliseconds(2000));
  EXPECT_EQ(server_retry_delay({{"Retry-After", "1.5"}}, 0), milliseconds(1500));
  EXPECT_FALSE(server_retry_delay({}, 0).has_value());
  EXPECT_FALSE(server_retry_delay({{"Retry-After", "soon"}}, 0).has_value());
}

TEST(RetryTest, RetryAfterHttpDate) {
  // Wed, 21 Oct 2015 07:28:00 GMT = 1445412480
  EXPECT_EQ(server_retry_delay({{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}, 1445412470),
            milliseconds(10'000));
  EXPECT_EQ(server_retry_delay({{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}, 1445412490),
            milliseconds(0));
}

TEST(RetryTest, ShouldRetryHeader) {
  EXPECT_EQ(server_should_retry({{"x-should-retry", "true"}}), true);
  EXPECT_EQ(server_should_retry({{"X-Should-Retry", "false"}}), false);
  EXPECT_FALSE(server_should_retry({}).has_value());
}

TEST(RetryTest, AbsurdDelaysAreCappedNotOverflowed) { // found by tests/fuzz
  for (const char* value : {"inf", "1e19", "1e300"}) {
    auto d = server_retry_delay({{"retry-after-ms", value}}, 0);
    ASSERT_TRUE(d) << value;
    EXPECT_GT(*d, k_max_server_delay) << value;
  }
  EXPECT_GT(*server_retry_delay({{"Retry-After", "1e16"}}, 0), k_max_server_delay);
  EXPECT_FALSE(server_retry_delay({{"retry-after-ms", "nan"}}, 0).has_value());
}

TEST(RetryPolicyTest, TheRuleForWhatIsRetried) {
  RetryPolicy policy(2);
  Error network;
  network.code = ErrorCode::network;
  network.request_sent = true;
  EXPECT_TRUE(policy.after_failure(network, nullptr, 0, true).delay);   // a GET: again
  EXPECT_FALSE(policy.after_failure(network, nullptr, 0, false).delay); // a create: never blind
  EXPECT_FALSE(policy.after_failure(network, nullptr, 2, true).delay);  // out of retries
  Error limited;
  limited.code = ErrorCode::rate_limited;
  limited.request_sent = true;
  limited.retry_after = milliseconds(1500);
  EXPECT_EQ(policy.after_failure(limited, nullptr, 0, false).delay, milliseconds(1500));
  Headers forbid{{"x-should-retry", "false"}};
  EXPECT_FALSE(policy.after_failure(network, &forbid, 0, true).delay);
  limited.retry_after = milliseconds(600'000); // too long: give up and say when to come back
  auto decision = policy.after_failure(limited, nullptr, 0, true);
  EXPECT_FALSE(decision.delay);
  EXPECT_NE(decision.hint.find("600 s"), std::string::npos) << decision.hint;
}

TEST(RetryPolicyTest, IdempotencyKeysAreFreshAndWellFormed) {
  RetryPolicy policy(0);
  auto a = policy.idempotency_key();
  auto b = policy.idempotency_key();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 37u);
  EXPECT_EQ(a.rfind("sora-", 0), 0u);
}
