// A `.part` is bound to what it holds (video, variant, size, validators): one from another video
// is started over, and a second writer is refused.
#include "api/part_file.hpp"
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

#include <sora/client.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/xattr.h>
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

// The record a .part carries: its extended attribute, else the sidecar beside it.
std::string record_of(const fs::path& part) {
  char text[4096];
  ssize_t n = ::getxattr(part.c_str(), "user.sora.part", text, sizeof text);
  if (n >= 0) return std::string(text, static_cast<std::size_t>(n));
  fs::path sidecar = part;
  sidecar += ".json";
  return fs::exists(sidecar) ? read_file(sidecar) : std::string();
}

bool has_attribute(const fs::path& file) {
  return ::getxattr(file.c_str(), "user.sora.part", nullptr, 0) >= 0;
}

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

TEST_F(PartFile, SaysWhyThePartWasStartedOver) {
  leave_part_of_a();
  auto client = make(0);
  auto got = client.download("video_b", to("clip.mp4"));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_NE(got->restarted_reason.find("video_a"), std::string::npos) << got->restarted_reason;
  EXPECT_FALSE(fs::exists(dir / "clip.mp4.part"));
  EXPECT_FALSE(fs::exists(dir / "clip.mp4.part.json")); // removed with the .part
}

TEST_F(PartFile, APartOfTheSameVideoIsResumedAndRecordsItsSource) {
  server->etags["video_a"] = "\"etag-a1\"";
  leave_part_of_a();
  auto sidecar = detail::decode_part_source(record_of(dir / "clip.mp4.part"));
  ASSERT_TRUE(sidecar);
  EXPECT_EQ(sidecar->video_id, "video_a");
  EXPECT_EQ(sidecar->variant, Variant::video);
  EXPECT_EQ(sidecar->size, 5000u);
  EXPECT_EQ(sidecar->etag, "\"etag-a1\"");

  auto client = make(0);
  auto got = client.download("video_a", to("clip.mp4"));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->resumed_from, 2000u);
  EXPECT_TRUE(got->restarted_reason.empty()) << got->restarted_reason;
  EXPECT_EQ(find_header(server->seen.back().headers, "range"), "bytes=2000-");
  EXPECT_EQ(find_header(server->seen.back().headers, "if-range"), "\"etag-a1\"");
  EXPECT_EQ(read_file(dir / "clip.mp4"), a);
  EXPECT_FALSE(has_attribute(dir / "clip.mp4")) << "a finished file carries no record";
  EXPECT_FALSE(fs::exists(dir / "clip.mp4.part.json"));
}

TEST_F(PartFile, AFileThatChangedOnTheServerIsStartedOver) {
  server->etags["video_a"] = "\"etag-a1\"";
  leave_part_of_a();
  server->files["video_a"] = b; // same id, new bytes, new validator: If-Range gives a 200
  server->etags["video_a"] = "\"etag-a2\"";
  auto client = make(0);
  auto got = client.download("video_a", to("clip.mp4"));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(read_file(dir / "clip.mp4"), b);
  EXPECT_EQ(got->resumed_from, 0u);
  EXPECT_FALSE(got->restarted_reason.empty());
}

TEST_F(PartFile, APartForAFileOfAnotherSizeIsStartedOver) {
  leave_part_of_a(); // no validators: only the size can tell
  server->files["video_a"] = mp4(6000, 'a');
  auto client = make(0);
  auto got = client.download("video_a", to("clip.mp4"));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(read_file(dir / "clip.mp4"), server->files["video_a"]);
  EXPECT_NE(got->restarted_reason.find("not the one"), std::string::npos) << got->restarted_reason;
}

TEST_F(PartFile, ASecondWriterIsRefusedNamingTheFile) {
  leave_part_of_a();
  int fd = ::open((dir / "clip.mp4.part").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0); // another download holds it
  auto client = make(0);
  auto got = client.download("video_a", to("clip.mp4"));
  ::close(fd);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::conflict);
  EXPECT_NE(got.error().message.find((dir / "clip.mp4.part").string()), std::string::npos)
      << got.error().message;
  EXPECT_NE(got.error().message.find("process"), std::string::npos) << got.error().message;
  EXPECT_EQ(fs::file_size(dir / "clip.mp4.part"), 2000u);  // untouched
  auto again = client.download("video_a", to("clip.mp4")); // once it is free, it resumes
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(read_file(dir / "clip.mp4"), a);
}

TEST_F(PartFile, AnUnreadableRecordStartsOver) {
  leave_part_of_a();
  const fs::path part = dir / "clip.mp4.part";
  if (has_attribute(part))
    ASSERT_EQ(::setxattr(part.c_str(), "user.sora.part", "{not json", 9, 0), 0);
  else
    write_file(dir / "clip.mp4.part.json", "{not json");
  auto client = make(0);
  auto got = client.download("video_a", to("clip.mp4"));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->resumed_from, 0u);
  EXPECT_NE(got->restarted_reason.find("unreadable"), std::string::npos);
  EXPECT_EQ(read_file(dir / "clip.mp4"), a);
}

// A .part whose record is a sidecar file (a file system without extended attributes, or an
// earlier sora) is read the same way.
TEST_F(PartFile, ARecordInASidecarFileIsHonoured) {
  leave_part_of_a();
  const fs::path part = dir / "clip.mp4.part";
  const std::string record = record_of(part);
  ::removexattr(part.c_str(), "user.sora.part");
  write_file(dir / "clip.mp4.part.json", record);
  auto client = make(0);
  auto got = client.download("video_b", to("clip.mp4"));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_NE(got->restarted_reason.find("video_a"), std::string::npos) << got->restarted_reason;
  EXPECT_EQ(read_file(dir / "clip.mp4"), b);
  EXPECT_FALSE(fs::exists(dir / "clip.mp4.part.json"));
}

TEST(PartSource, RoundTripsAndRejectsWhatIsNotOne) {
  detail::PartSource s;
  s.video_id = "video_1";
  s.variant = Variant::thumbnail;
  s.size = 123;
  s.etag = "W/\"x\"";
  s.last_modified = "Wed, 21 Oct 2015 07:28:00 GMT";
  s.writer_pid = 42;
  auto back = detail::decode_part_source(detail::encode_part_source(s));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->video_id, "video_1");
  EXPECT_EQ(back->variant, Variant::thumbnail);
  EXPECT_EQ(back->size, 123u);
  EXPECT_EQ(back->etag, "W/\"x\"");
  EXPECT_EQ(back->last_modified, s.last_modified);
  EXPECT_EQ(back->writer_pid, 42);
  EXPECT_FALSE(detail::decode_part_source("[]"));
  EXPECT_FALSE(detail::decode_part_source(R"({"video_id":"v","variant":"poster"})"));
  EXPECT_FALSE(detail::decode_part_source(R"({"variant":"video"})"));
}

// Bytes are written in blocks of up to 1 MiB, never held back once the connection pauses, and
// never lost when the download stops.
TEST(PartFileWrites, GathersFullPiecesIntoMebibyteWritesAndKeepsTheRestOnAbandon) {
  TempDir dir;
  auto opened = detail::PartFile::open(dir / "clip.mp4", "video_a", Variant::video);
  ASSERT_TRUE(opened);
  auto sink = opened->sink();
  detail::ContentStart start;
  ASSERT_TRUE(sink.begin(start));
  const std::string piece(16 * 1024, 'x'); // what libcurl hands over from a busy connection
  for (int i = 0; i < 63; ++i)
    ASSERT_TRUE(sink.write(piece));
  EXPECT_EQ(fs::file_size(dir / "clip.mp4.part"), 0u) << "63 full pieces stay in the buffer";
  ASSERT_TRUE(sink.write(piece));
  EXPECT_EQ(fs::file_size(dir / "clip.mp4.part"), 1u << 20) << "the 64th makes one 1 MiB write";
  ASSERT_TRUE(sink.write(piece));
  opened->abandon();
  EXPECT_EQ(fs::file_size(dir / "clip.mp4.part"), (1u << 20) + piece.size());
}

TEST(PartFileWrites, AShortPieceIsWrittenAtOnce) {
  TempDir dir;
  auto opened = detail::PartFile::open(dir / "clip.mp4", "video_a", Variant::video);
  ASSERT_TRUE(opened);
  auto sink = opened->sink();
  ASSERT_TRUE(sink.begin(detail::ContentStart{}));
  ASSERT_TRUE(sink.write(std::string(16 * 1024, 'x')));
  ASSERT_TRUE(sink.write(std::string(100, 'y'))); // the connection had no more for now
  EXPECT_EQ(fs::file_size(dir / "clip.mp4.part"), 16u * 1024 + 100);
}
