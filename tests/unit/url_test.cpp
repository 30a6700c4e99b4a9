#include "transport/url.hpp"

#include <gtest/gtest.h>

using namespace sora::detail;

TEST(UrlTest, BaseUrlIsAnOpaquePrefix) {
  EXPECT_EQ(join_url("https://api.openai.com/v1", "/videos"), "https://api.openai.com/v1/videos");
  EXPECT_EQ(join_url("https://openrouter.ai/api/v1/", "/videos"),
            "https://openrouter.ai/api/v1/videos");
  EXPECT_EQ(join_url("http://127.0.0.1:4010", "/videos"), "http://127.0.0.1:4010/videos");
}

TEST(UrlTest, IdsAreEncodedAsOneSegment) { // tolerance rule 12
  EXPECT_EQ(encode_segment("video_123"), "video_123");
  EXPECT_EQ(encode_segment("video_dGVzdA/+x=="), "video_dGVzdA%2F%2Bx%3D%3D");
  EXPECT_EQ(encode_segment("../etc"), "..%2Fetc");
  EXPECT_EQ(encode_segment("sora-2:task 1"), "sora-2%3Atask%201");
}

TEST(UrlTest, QueryPairsAreEncodedAndEmptyOnesSkipped) {
  EXPECT_EQ(with_query("http://h/videos", {{"limit", "5"}, {"after", "a b"}, {"order", ""}}),
            "http://h/videos?limit=5&after=a%20b");
  EXPECT_EQ(with_query("http://h/v?x=1", {{"variant", "video"}}), "http://h/v?x=1&variant=video");
}

TEST(UrlTest, ParsesOrigins) {
  UrlParts p;
  ASSERT_TRUE(parse_url("https://API.example.com/v1", p));
  EXPECT_EQ(p.scheme, "https");
  EXPECT_EQ(p.host, "api.example.com");
  EXPECT_EQ(p.port, 443);
  ASSERT_TRUE(parse_url("http://[::1]:8000/v1", p));
  EXPECT_EQ(p.host, "::1");
  EXPECT_EQ(p.port, 8000);
  EXPECT_FALSE(parse_url("ftp://x", p));
  EXPECT_FALSE(parse_url("http://h:99999/", p));
}

TEST(UrlTest, RecognisesLoopbackHosts) {
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.1.2.3"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_FALSE(is_loopback_host("127.0.0.1.evil.com"));
  EXPECT_FALSE(is_loopback_host("10.0.0.1"));
  EXPECT_FALSE(is_loopback_host("128.0.0.1"));
}
