#include "support/fake_clock.hpp"
#include "support/fake_transport.hpp"
#include "support/temp_dir.hpp"

#include <sora/client.hpp>

#include <gtest/gtest.h>

using namespace sora;
using namespace sora::test;
namespace fs = std::filesystem;

namespace {

// A small fake MP4: 'ftyp' at offset 4, then recognisable bytes.
std::string mp4(std::size_t size) {
  std::string data = std::string("\0\0\0\x18", 4) + "ftypisom";
  for (std::size_t i = data.size(); i < size; ++i)
    data += static_cast<char>('a' + i % 26);
  return data;
}

Scripted media(int status, const std::string& body, std::vector<std::string> chunks = {},
               Headers extra = {}) {
  Scripted s = reply(status, body);
  s.response.headers = {{"Content-Type", "video/mp4"},
                        {"Content-Length", std::to_string(body.size())}};
  for (auto& h : extra)
    s.response.headers.push_back(h);
  s.chunks = std::move(chunks);
  return s;
}

struct DownloadFixture : ::testing::Test {
  std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  TempDir dir;

  Client make(int retries = 3) {
    ClientConfig config;
    config.base_url = "http://127.0.0.1:9/v1";
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

TEST_F(DownloadFixture, WritesThroughAPartFileAndRenamesIt) {
  std::string body = mp4(100'000);
  transport->push(
      media(200, body, {body.substr(0, 10), body.substr(10, 50'000), body.substr(50'010)}));
  auto client = make();
  std::uint64_t last_progress = 0;
  auto request = to("clip.mp4");
  request.on_progress = [&](const TransferProgress& p) { last_progress = p.downloaded; };
  auto result = client.download("video_1", request);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->bytes, body.size());
  EXPECT_EQ(read_file(dir / "clip.mp4"), body);
  EXPECT_FALSE(fs::exists(dir / "clip.mp4.part"));
  EXPECT_EQ(transport->requests[0].url,
            "http://127.0.0.1:9/v1/videos/video_1/content"); // the default variant is not sent
  EXPECT_EQ(find_header(transport->requests[0].headers, "accept"), "application/binary");
  (void)last_progress;
}

TEST_F(DownloadFixture, NeverOverwritesAnExistingFileUnlessAsked) {
  write_file(dir / "clip.mp4", "precious");
  auto client = make();
  auto result = client.download("video_1", to("clip.mp4"));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(transport->requests.empty());
  EXPECT_EQ(read_file(dir / "clip.mp4"), "precious");

  std::string body = mp4(64);
  transport->push(media(200, body));
  auto request = to("clip.mp4");
  request.overwrite = true;
  ASSERT_TRUE(client.download("video_1", request));
  EXPECT_EQ(read_file(dir / "clip.mp4"), body);
}

TEST_F(DownloadFixture, ResumesAPartFileWithARangeRequest) {
  std::string body = mp4(1000);
  write_file(dir / "clip.mp4.part", body.substr(0, 400));
  transport->push(media(206, body.substr(400), {}, {{"Content-Range", "bytes 400-999/1000"}}));
  auto client = make();
  auto result = client.download("video_1", to("clip.mp4"));
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(find_header(transport->requests[0].headers, "range"), "bytes=400-");
  EXPECT_EQ(result->resumed_from, 400u);
  EXPECT_EQ(read_file(dir / "clip.mp4"), body);
}

TEST_F(DownloadFixture, Rule23StartsOverWhenTheServerIgnoresRange) {
  std::string body = mp4(1000);
  write_file(dir / "clip.mp4.part", std::string(700, 'X'));
  transport->push(media(200, body));
  auto client = make();
  auto result = client.download("video_1", to("clip.mp4"));
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->resumed_from, 0u);
  EXPECT_EQ(read_file(dir / "clip.mp4"), body);
}

TEST_F(DownloadFixture, ADroppedConnectionResumesWhereItStopped) {
  std::string body = mp4(5000);
  Scripted dropped = media(200, body, {body.substr(0, 2000)});
  Error reset;
  reset.code = ErrorCode::network;
  reset.message = "connection reset";
  dropped.failure = reset;
  transport->push(dropped);
  transport->push(media(206, body.substr(2000), {}, {{"Content-Range", "bytes 2000-4999/5000"}}));
  auto client = make();
  auto result = client.download("video_1", to("clip.mp4"));
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(transport->requests.size(), 2u);
  EXPECT_EQ(find_header(transport->requests[1].headers, "range"), "bytes=2000-");
  EXPECT_EQ(read_file(dir / "clip.mp4"), body);
}

TEST_F(DownloadFixture, AShortBodyKeepsThePartAndNeverTheFinalFile) {
  std::string body = mp4(5000);
  Scripted short_body = media(200, body, {body.substr(0, 3000)}); // Content-Length says 5000
  transport->push(short_body);
  auto client = make(0);
  auto result = client.download("video_1", to("clip.mp4"));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::network);
  EXPECT_FALSE(fs::exists(dir / "clip.mp4"));
  EXPECT_EQ(read_file(dir / "clip.mp4.part"), body.substr(0, 3000));
}

TEST_F(DownloadFixture, Rule22RefusesMediaThatIsNotTheVariantAskedFor) {
  transport->push(media(200, mp4(2000)));
  auto client = make();
  auto result = client.download("video_1", to("thumb.webp", Variant::thumbnail));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::protocol);
  EXPECT_NE(result.error().message.find("MP4"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "thumb.webp"));
  EXPECT_FALSE(fs::exists(dir / "thumb.webp.part"));
}

TEST_F(DownloadFixture, AnHttpErrorLeavesNoFiles) {
  transport->push(reply(404, R"({"error":{"message":"No video found with id 'x'."}})"));
  auto client = make();
  auto result = client.download("x", to("x.mp4"));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::not_found);
  EXPECT_EQ(result.error().message, "No video found with id 'x'.");
  EXPECT_FALSE(fs::exists(dir / "x.mp4"));
  EXPECT_FALSE(fs::exists(dir / "x.mp4.part"));
}

TEST_F(DownloadFixture, StreamsToASink) {
  std::string body = mp4(3000);
  transport->push(media(200, body, {body.substr(0, 5), body.substr(5)}));
  auto client = make();
  std::string received;
  auto bytes =
      client.download_to("v", Variant::video, [&](std::span<const char> chunk) -> Result<void> {
        received.append(chunk.data(), chunk.size());
        return {};
      });
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(*bytes, body.size());
  EXPECT_EQ(received, body);
}

TEST_F(DownloadFixture, RedirectsToAnotherOriginDropTheCredentials) {
  std::string body = mp4(500);
  transport->push(reply(302, "", {{"Location", "https://cdn.example.net/signed/clip.mp4?sig=1"}}));
  transport->push(media(200, body));
  ClientConfig config;
  config.base_url = "http://127.0.0.1:9/v1";
  config.api_key = "sk-secret-abcdef";
  Client client(config, transport, clock);
  auto result = client.download("video_1", to("clip.mp4"));
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(transport->requests.size(), 2u);
  EXPECT_TRUE(find_header(transport->requests[0].headers, "authorization").has_value());
  EXPECT_EQ(transport->requests[1].url, "https://cdn.example.net/signed/clip.mp4?sig=1");
  EXPECT_FALSE(find_header(transport->requests[1].headers, "authorization").has_value());
  EXPECT_EQ(read_file(dir / "clip.mp4"), body);
}

TEST_F(DownloadFixture, RelativeRedirectsStayOnTheOriginWithCredentials) {
  transport->push(reply(307, "", {{"Location", "/files/clip.mp4"}}));
  transport->push(media(200, mp4(100)));
  ClientConfig config;
  config.base_url = "http://127.0.0.1:9/v1";
  config.api_key = "sk-secret-abcdef";
  Client client(config, transport, clock);
  ASSERT_TRUE(client.download("video_1", to("clip.mp4")));
  EXPECT_EQ(transport->requests[1].url, "http://127.0.0.1:9/files/clip.mp4");
  EXPECT_EQ(find_header(transport->requests[1].headers, "authorization"),
            "Bearer sk-secret-abcdef");
}

TEST_F(DownloadFixture, ExpiredContentSaysWhenItExpired) {
  transport->push(reply(410, R"({"error":{"message":"gone"}})"));
  transport->push(reply(200, R"({"id":"video_1","status":"completed","expires_at":1700000000})"));
  auto client = make();
  auto result = client.download("video_1", to("clip.mp4"));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::not_found);
  EXPECT_NE(result.error().message.find("expired at 2023-11-14 22:13:20 UTC"), std::string::npos)
      << result.error().message;
}
