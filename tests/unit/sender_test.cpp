// Sending (api/sender.cpp): credentials stay on the API's origin, diagnostics never show a secret,
// and a rate limit seen by one client of a batch holds back every client sharing its Throttle.
#include "api/media_check.hpp"
#include "api/sender.hpp"
#include "support/fake_clock.hpp"
#include "support/fake_transport.hpp"

#include <gtest/gtest.h>

using namespace sora;
using namespace sora::test;
using std::chrono::milliseconds;

namespace {

struct SenderTest : ::testing::Test {
  FakeTransport transport;
  FakeClock clock;
  ClientConfig config = [] {
    ClientConfig c;
    c.base_url = "https://api.example/v1";
    c.api_key = "sk-sender-secret";
    c.style.headers = {{"X-Acme-Token", "tok-123"}};
    return c;
  }();
};

} // namespace

TEST_F(SenderTest, CredentialsAndExtraHeadersNeverLeaveTheOrigin) {
  detail::Sender sender(config, transport, clock);
  auto same = sender.make_request("GET", "https://api.example/files/a.mp4");
  EXPECT_EQ(find_header(same.headers, "authorization"), "Bearer sk-sender-secret");
  EXPECT_EQ(find_header(same.headers, "x-acme-token"), "tok-123");
  auto other = sender.make_request("GET", "https://cdn.example/a.mp4");
  EXPECT_FALSE(find_header(other.headers, "authorization"));
  EXPECT_FALSE(find_header(other.headers, "x-acme-token"));
  EXPECT_TRUE(find_header(other.headers, "user-agent"));
}

TEST_F(SenderTest, LogLinesMaskTheKeyAndSecretLookingHeaders) {
  std::vector<std::string> lines;
  config.log = [&](LogLevel, std::string_view line) { lines.emplace_back(line); };
  detail::Sender sender(config, transport, clock);
  sender.log(LogLevel::debug, "key sk-sender-secret and tok-123");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find("sk-sender-secret"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].find("tok-123"), std::string::npos) << lines[0];
}

TEST_F(SenderTest, ARateLimitHoldsEveryClientSharingTheThrottle) {
  config.throttle = std::make_shared<Throttle>();
  detail::Sender first(config, transport, clock);
  detail::Sender second(config, transport, clock);
  transport.push(
      reply(429, R"({"error":{"message":"slow down","type":"requests"}})", {{"Retry-After", "2"}}));
  transport.push(reply(200, "{}"));
  ASSERT_TRUE(first.execute(first.make_request("GET", "https://api.example/v1/videos"), true));
  EXPECT_EQ(clock.sleeps, (std::vector<milliseconds>{milliseconds(2000)}));
  EXPECT_EQ(config.throttle->ready_at(), Clock::time_point{} + milliseconds(2000));
  transport.push(reply(200, "{}"));
  ASSERT_TRUE(second.execute(second.make_request("GET", "https://api.example/v1/videos"), true));
  EXPECT_EQ(config.throttle->requests.load(), 3u);
}

TEST(MediaCheck, MagicBytesOfEachVariant) {
  using detail::matches_variant;
  std::string mp4 = std::string("\0\0\0\x18", 4) + "ftypisom";
  std::string webp("RIFF\x10\0\0\0WEBPVP8 ", 16);
  std::string jpeg = "\xFF\xD8\xFF\xE0";
  EXPECT_TRUE(matches_variant(Variant::video, mp4));
  EXPECT_FALSE(matches_variant(Variant::video, webp));
  EXPECT_TRUE(matches_variant(Variant::thumbnail, webp));
  EXPECT_FALSE(matches_variant(Variant::thumbnail, jpeg));
  EXPECT_TRUE(matches_variant(Variant::spritesheet, jpeg));
  EXPECT_FALSE(matches_variant(Variant::spritesheet, mp4));
  EXPECT_TRUE(detail::starts_like_json(" \n{\"url\":1}"));
  EXPECT_FALSE(detail::starts_like_json("[1]"));
  EXPECT_EQ(detail::describe_media(jpeg), "a JPEG image");
  auto e = detail::variant_mismatch("v", Variant::thumbnail, mp4);
  EXPECT_EQ(e.code, ErrorCode::protocol);
  EXPECT_EQ(e.message, "Asked for the thumbnail of v but the server sent an MP4 video.");
}
