// One transport suite, run against the FakeTransport the unit tests use and against the real
// CurlTransport talking to sora-mock over loopback, so the fake cannot drift from the real thing.
// Each case arranges the same situation on both servers (a script for the fake, a fault or a
// route for the mock) and asserts what the transport shows of it, identically.
#include "api/http_error.hpp"
#include "support/fake_transport.hpp"
#include "support/temp_dir.hpp"
#include "transport/curl/curl_transport.hpp"
#include "transport/retry.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

extern char** environ;

using namespace sora;
using namespace sora::test;

namespace {

const std::string k_prompt = "a contract between two transports";

std::string sample_clip() {
  return read_file(std::filesystem::path(SORA_TEST_DATA) / "sample-clip.mp4");
}

std::size_t count(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

// The fake: each hook scripts what sora-mock answers in the same situation.
class FakeServer {
public:
  void start(const std::vector<std::string>& faults) { m_faults = faults; }
  Transport& transport() { return *m_transport; }
  std::string url(std::string_view path) const { return "http://127.0.0.1:9" + std::string(path); }
  std::string finished_video() { return "video_fake"; }
  void expect_missing_video() {
    m_transport->push(reply(404,
                            R"({"error":{"message":"No video found with id 'video_missing'.",)"
                            R"("type":"invalid_request_error","param":null,"code":null}})",
                            {{"Content-Type", "application/json"}}));
  }
  void expect_content(bool dropped) {
    std::string clip = sample_clip();
    Scripted s =
        reply(200, clip,
              {{"Content-Type", "video/mp4"}, {"Content-Length", std::to_string(clip.size())}});
    std::size_t end = dropped ? clip.size() / 2 : clip.size();
    for (std::size_t at = 0; at < end; at += 16384)
      s.chunks.push_back(clip.substr(at, std::min<std::size_t>(16384, end - at)));
    if (dropped) s.failure = fail_with(ErrorCode::network).failure;
    m_transport->push(std::move(s));
  }
  void expect_create() {
    bool limited = std::find(m_faults.begin(), m_faults.end(), "create-429") != m_faults.end();
    if (limited && !m_limited_once) {
      m_limited_once = true;
      m_transport->push(
          reply(429,
                R"({"error":{"message":"Rate limit reached for requests","type":"requests",)"
                R"("param":null,"code":"rate_limit_exceeded"}})",
                {{"Content-Type", "application/json"},
                 {"Retry-After", "1"},
                 {"retry-after-ms", "1000"}}));
      return;
    }
    m_transport->push(reply(200, R"({"id":"video_fake","object":"video","status":"queued"})",
                            {{"Content-Type", "application/json"}}));
  }
  std::size_t bodies_containing(std::string_view text) {
    std::size_t n = 0;
    for (const auto& r : m_transport->requests)
      n += r.body.find(text) != std::string::npos;
    return n;
  }

private:
  std::shared_ptr<FakeTransport> m_transport = std::make_shared<FakeTransport>();
  std::vector<std::string> m_faults;
  bool m_limited_once = false;
};

// The real thing: sora-mock on an ephemeral loopback port, spoken to by libcurl.
class MockServer {
public:
  ~MockServer() { stop(); }
  void start(const std::vector<std::string>& faults) {
    auto port_file = (m_dir / "port").string();
    std::vector<std::string> args{SORA_MOCK_BIN, "--port",  "0", "--port-file",
                                  port_file,     "--polls", "0", "--quiet"};
    for (const auto& f : faults) {
      args.push_back("--fault");
      args.push_back(f);
    }
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    ASSERT_EQ(posix_spawn(&m_pid, SORA_MOCK_BIN, nullptr, nullptr, argv.data(), environ), 0);
    for (int i = 0; i < 200 && m_port.empty(); ++i) { // at most 10 s
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::string text = read_file(port_file);
      if (!text.empty() && text.back() == '\n') m_port = text.substr(0, text.size() - 1);
    }
    ASSERT_FALSE(m_port.empty()) << "sora-mock did not write its port";
    detail::CurlOptions options;
    options.stall_timeout = std::chrono::milliseconds(5000);
    m_transport = detail::make_curl_transport(options);
  }
  void stop() {
    if (m_pid <= 0) return;
    m_transport.reset(); // closes the kept-alive connection, so the mock stops at once
    ::kill(m_pid, SIGTERM);
    ::waitpid(m_pid, nullptr, 0);
    m_pid = 0;
  }
  Transport& transport() { return *m_transport; }
  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + m_port + std::string(path);
  }
  std::string finished_video() {
    HttpRequest r;
    r.method = "POST";
    r.url = url("/v1/videos");
    r.headers = {{"Content-Type", "application/json"}};
    r.body = std::make_shared<StringBody>(R"({"prompt":"a finished video"})");
    auto created = m_transport->send(r);
    if (!created || created->status != 200) return {};
    auto at = created->body.find("\"id\":\"") + 6;
    std::string id = created->body.substr(at, created->body.find('"', at) - at);
    for (int poll = 0; poll < 20; ++poll) { // the mock finishes a job after a status GET
      HttpRequest status;
      status.url = url("/v1/videos/" + id);
      auto job = m_transport->send(status);
      if (job && job->body.find("\"completed\"") != std::string::npos) return id;
    }
    return {};
  }
  void expect_missing_video() {}
  void expect_content(bool) {}
  void expect_create() {}
  std::size_t bodies_containing(std::string_view text) {
    HttpRequest r;
    r.url = url("/_mock/requests");
    auto log = m_transport->send(r);
    return log ? count(log->body, text) : 0;
  }

private:
  TempDir m_dir;
  pid_t m_pid = 0;
  std::string m_port;
  std::shared_ptr<Transport> m_transport;
};

template <typename Server> class TransportContract : public ::testing::Test {
protected:
  Server server;

  // Streams `url`, recording the order of callbacks.
  struct Streamed {
    Result<HttpResponse> result = unexpected(ErrorCode::internal, "not sent");
    int heads = 0;
    bool data_before_head = false;
    std::vector<std::size_t> chunks;
    std::string body;
    HttpResponse head;
  };
  Streamed stream(const std::string& url) {
    Streamed s;
    StreamHandler handler;
    handler.on_head = [&](const HttpResponse& h) -> Result<void> {
      ++s.heads;
      s.head = h;
      return {};
    };
    handler.on_data = [&](std::span<const char> chunk) -> Result<void> {
      if (s.heads == 0) s.data_before_head = true;
      s.chunks.push_back(chunk.size());
      s.body.append(chunk.data(), chunk.size());
      return {};
    };
    HttpRequest r;
    r.url = url;
    s.result = server.transport().send(r, handler);
    return s;
  }
  HttpRequest create_request(std::shared_ptr<BodySource> body) {
    HttpRequest r;
    r.method = "POST";
    r.url = server.url("/v1/videos");
    r.headers = {{"Content-Type", "application/json"}};
    r.body = std::move(body);
    return r;
  }
};

using Servers = ::testing::Types<FakeServer, MockServer>;
class ServerNames {
public:
  template <typename T> static std::string GetName(int) {
    return std::is_same_v<T, FakeServer> ? "fake" : "curl_on_sora_mock";
  }
};
TYPED_TEST_SUITE(TransportContract, Servers, ServerNames);

} // namespace

TYPED_TEST(TransportContract, AnErrorStatusIsASuccessfulSendWithHeadersAndBody) {
  this->server.start({});
  this->server.expect_missing_video();
  HttpRequest r;
  r.url = this->server.url("/v1/videos/video_missing");
  auto got = this->server.transport().send(r);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->status, 404);
  EXPECT_NE(find_header(got->headers, "CONTENT-TYPE").value_or("").find("application/json"),
            std::string::npos); // header names match in any case
  auto error = detail::error_from_response(*got, 0);
  EXPECT_EQ(error.code, ErrorCode::not_found);
  EXPECT_EQ(error.message, "No video found with id 'video_missing'.");
}

TYPED_TEST(TransportContract, AStreamedBodyArrivesInChunksAfterItsHead) {
  this->server.start({});
  auto id = this->server.finished_video();
  ASSERT_FALSE(id.empty());
  this->server.expect_content(false);
  auto s = this->stream(this->server.url("/v1/videos/" + id + "/content"));
  ASSERT_TRUE(s.result) << s.result.error().message;
  EXPECT_EQ(s.heads, 1);
  EXPECT_FALSE(s.data_before_head);
  EXPECT_EQ(s.head.status, 200);
  EXPECT_EQ(find_header(s.head.headers, "content-type"), "video/mp4");
  EXPECT_EQ(find_header(s.head.headers, "content-length"), std::to_string(sample_clip().size()));
  EXPECT_GT(s.chunks.size(), 1u);
  EXPECT_TRUE(s.body == sample_clip()) << s.body.substr(0, 200);
  EXPECT_TRUE(s.result->body.empty()); // the body went to the handler
}

TYPED_TEST(TransportContract, ABodyIsSentWholeEvenAfterAnEarlierAttemptReadIt) {
  this->server.start({});
  auto body = std::make_shared<StringBody>(R"({"prompt":")" + k_prompt + R"("})");
  char scratch[5];
  ASSERT_TRUE(body->read(std::span<char>(scratch, sizeof scratch))); // a failed attempt's reads
  auto request = this->create_request(body);
  for (std::size_t attempt = 1; attempt <= 2; ++attempt) {
    this->server.expect_create();
    auto got = this->server.transport().send(request);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(got->status, 200);
    EXPECT_EQ(this->server.bodies_containing(k_prompt), attempt);
  }
}

TYPED_TEST(TransportContract, AnInterruptedTransferIsANetworkErrorAfterThePartThatCame) {
  this->server.start({"content-drop"});
  auto id = this->server.finished_video();
  ASSERT_FALSE(id.empty());
  this->server.expect_content(true);
  auto s = this->stream(this->server.url("/v1/videos/" + id + "/content"));
  ASSERT_FALSE(s.result);
  EXPECT_EQ(s.result.error().code, ErrorCode::network) << s.result.error().message;
  EXPECT_EQ(s.heads, 1);
  EXPECT_EQ(s.head.status, 200);
  EXPECT_GT(s.body.size(), 0u);
  EXPECT_LT(s.body.size(), sample_clip().size());
  EXPECT_TRUE(s.body == sample_clip().substr(0, s.body.size()));
}

TYPED_TEST(TransportContract, ARateLimitCarriesRetryAfter) {
  this->server.start({"create-429"});
  auto request =
      this->create_request(std::make_shared<StringBody>(R"({"prompt":")" + k_prompt + R"("})"));
  this->server.expect_create();
  auto got = this->server.transport().send(request);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->status, 429);
  EXPECT_EQ(detail::server_retry_delay(got->headers, 0), std::chrono::milliseconds(1000));
  auto error = detail::error_from_response(*got, 0);
  EXPECT_EQ(error.code, ErrorCode::rate_limited);
  EXPECT_EQ(error.retry_after, std::chrono::milliseconds(1000));
  this->server.expect_create(); // the limit was for that request only
  auto again = this->server.transport().send(request);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->status, 200);
}
