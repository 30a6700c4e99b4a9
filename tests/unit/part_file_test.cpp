// A `.part` is bound to what it holds (video, variant, size, validators): one from another video
// is started over, and a second writer is refused.
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

#include <sora/client.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <map>

using namespace sora;
using namespace sora::test;
namespace fs = std::filesystem;

namespace {

// A small fake MP4 whose bytes depend on `seed`, so two videos never share a byte pattern.
std::string mp4(std::size_t size, char seed) {
  std::string data = std::string("\0\0\0\x18", 4) + "ftypisom";
  for (std::size_t i = data.size(); i < size; ++i)
    data += static_cast<char>(seed + i % 7);
  return data;
}

// Serves /videos/ID/content like a real server: Range gives 206, If-Range that does not match
// the ETag gives the whole file, and a transfer can be cut after `drop_after` bytes once.
class FileServer final : public Transport {
public:
  std::map<std::string, std::string> files; // video id -> bytes
  std::map<std::string, std::string> etags; // video id -> ETag (optional)
  std::size_t drop_after = 0;               // 0: never
  std::vector<HttpRequest> seen;

  Result<HttpResponse> send(const HttpRequest&) override {
    return unexpected(ErrorCode::internal, "not used");
  }
  Result<HttpResponse> send(const HttpRequest& request, const StreamHandler& handler) override {
    seen.push_back(request);
    auto at = request.url.find("/videos/");
    std::string id = request.url.substr(at + 8, request.url.find('/', at + 8) - at - 8);
    const std::string& body = files.at(id);
    std::size_t start = 0;
    auto range = find_header(request.headers, "range");
    auto if_range = find_header(request.headers, "if-range");
    bool honour = range && (!if_range || (etags.contains(id) && *if_range == etags[id]));
    if (honour) start = std::stoull(range->substr(6));
    HttpResponse head;
    head.status = start > 0 ? 206 : 200;
    head.headers = {{"Content-Type", "video/mp4"},
                    {"Content-Length", std::to_string(body.size() - start)}};
    if (start > 0)
      head.headers.push_back({"Content-Range", "bytes " + std::to_string(start) + "-" +
                                                   std::to_string(body.size() - 1) + "/" +
                                                   std::to_string(body.size())});
    if (etags.contains(id)) head.headers.push_back({"ETag", etags[id]});
    if (auto ok = handler.on_head(head); !ok) return unexpected(ok.error());
    std::size_t end = body.size();
    bool drop = drop_after > 0 && drop_after < end;
    if (drop) end = drop_after;
    drop_after = 0;
    if (end > start)
      if (auto ok = handler.on_data(std::span<const char>(body.data() + start, end - start)); !ok)
        return unexpected(ok.error());
    if (drop) return unexpected(ErrorCode::network, "connection reset");
    return head;
  }
};

struct PartFile : ::testing::Test {
  std::shared_ptr<FileServer> server = std::make_shared<FileServer>();
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  TempDir dir;
  std::string a = mp4(5000, 'a');
  std::string b = mp4(5000, 'A');

  PartFile() {
    server->files["video_a"] = a;
    server->files["video_b"] = b;
  }
  Client make(int retries) {
    ClientConfig config;
    config.base_url = "http://127.0.0.1:9/v1";
    config.max_retries = retries;
    return Client(config, server, clock);
  }
  DownloadRequest to(const std::string& name) {
    DownloadRequest r;
    r.output = dir / name;
    return r;
  }
  // Leaves the first 2000 bytes of video A in clip.mp4.part, as an interrupted run would.
  void leave_part_of_a() {
    server->drop_after = 2000;
    auto client = make(0);
    ASSERT_FALSE(client.download("video_a", to("clip.mp4")));
    ASSERT_EQ(fs::file_size(dir / "clip.mp4.part"), 2000u);
  }
};

} // namespace

TEST_F(PartFile, APartOfAnotherVideoIsStartedOverNotResumed) {
  leave_part_of_a();
  auto client = make(0);
  auto got = client.download("video_b", to("clip.mp4"));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(read_file(dir / "clip.mp4"), b); // not A's first 2000 bytes + B's rest
  EXPECT_FALSE(find_header(server->seen.back().headers, "range").has_value());
  EXPECT_EQ(got->resumed_from, 0u);
}
