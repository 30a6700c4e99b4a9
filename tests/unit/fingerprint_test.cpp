// fingerprint(): XXH3-128 of the request (known vectors, the same whatever the read size), and
// records in the older FNV-1a form, written by earlier versions, still recognised.
#include "jobs/fingerprint.hpp"
#include "support/temp_dir.hpp"

#include <sora/job.hpp>

#include <gtest/gtest.h>

using namespace sora;
using namespace sora::test;
namespace fs = std::filesystem;

namespace {

const fs::path k_photo = fs::path(SORA_TEST_DATA) / "photo-720x1280.jpg";

JobSpec lake(std::optional<fs::path> image = k_photo) {
  JobSpec spec;
  spec.create.prompt = "a lake";
  spec.create.model = "sora-2";
  spec.create.size = "720x1280";
  spec.create.image = std::move(image);
  return spec;
}

// What the version before v2 recorded for these requests (its FNV-1a, computed by that version).
constexpr const char* k_v1_lake_with_photo = "9f20988e823230e5";
constexpr const char* k_v1_prompt_only = "927f36af7f6e1949"; // create, prompt "a lake"
constexpr const char* k_v1_remix = "f4be15d8aabe196a";       // remix video_src "make it rain"

} // namespace

TEST(Fingerprint, FileHashIsXxh3With128BitsAsXxhsumPrintsIt) {
  TempDir dir;
  write_file(dir / "empty", "");
  write_file(dir / "abc", "abc");
  // `xxhsum -H2` of the same bytes (xxHash's own tool).
  EXPECT_EQ(*detail::file_hash(dir / "empty", 1 << 20), "99aa06d3014798d86001c324468d497f");
  EXPECT_EQ(*detail::file_hash(dir / "abc", 1 << 20), "06b05ab6733a618578af5f94892f3950");
  EXPECT_EQ(*detail::file_hash(k_photo, 1 << 20), "472e878e6c98485cc9543e2c5ab430ac");
}

TEST(Fingerprint, TheReadSizeNeverChangesIt) {
  const auto whole = *detail::file_hash(k_photo, 1 << 22); // the photo in one read
  const auto print = *fingerprint(lake());
  for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{4096},
                            std::size_t{64 * 1024 + 3}, std::size_t{1} << 20}) {
    EXPECT_EQ(*detail::file_hash(k_photo, chunk), whole) << chunk;
    EXPECT_EQ(*detail::fingerprint_chunked(lake(), chunk), print) << chunk;
  }
}

TEST(Fingerprint, IsVersionedAndCoversTheImagesBytes) {
  const auto print = *fingerprint(lake());
  EXPECT_EQ(print.substr(0, 3), "v2:");
  EXPECT_EQ(print.size(), 3u + 32u);
  EXPECT_EQ(print.find_first_not_of("0123456789abcdef", 3), std::string::npos);
  TempDir dir;
  write_file(dir / "other.jpg", read_file(k_photo) + "x");
  EXPECT_NE(*fingerprint(lake(dir / "other.jpg")), print);
  EXPECT_NE(*fingerprint(lake(std::nullopt)), print);
}

TEST(Fingerprint, AnUnreadableImageIsAnErrorNamingIt) {
  TempDir dir;
  auto missing = fingerprint(lake(dir / "missing.jpg"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(missing.error().message.find("missing.jpg"), std::string::npos);
  EXPECT_FALSE(fingerprint(lake(dir.path()))) << "a folder is not an image";
}

TEST(Fingerprint, TheOlderFormIsWhatEarlierVersionsRecorded) {
  EXPECT_EQ(*detail::fingerprint_v1(lake()), k_v1_lake_with_photo);
  JobSpec prompt_only;
  prompt_only.create.prompt = "a lake";
  EXPECT_EQ(*detail::fingerprint_v1(prompt_only), k_v1_prompt_only);
  JobSpec remix;
  remix.kind = JobKind::remix;
  remix.source_id = "video_src";
  remix.prompt = "make it rain";
  EXPECT_EQ(*detail::fingerprint_v1(remix), k_v1_remix);
}

TEST(Fingerprint, AMatchRecognisesThisVersionsRecordAndAnEarlierVersions) {
  const JobSpec spec = lake();
  FingerprintMatch same(spec, *fingerprint(spec));
  EXPECT_TRUE(same(same.current()));
  EXPECT_TRUE(same(k_v1_lake_with_photo));
  EXPECT_TRUE(same(k_v1_lake_with_photo, "a lake"));
  EXPECT_FALSE(same(k_v1_prompt_only)) << "another request's older record";
  EXPECT_FALSE(same(k_v1_lake_with_photo, "a river")) << "its prompt says it is another request";
  EXPECT_FALSE(same(""));
  EXPECT_FALSE(same("v2:00000000000000000000000000000000"));
  EXPECT_FALSE(same("9F20988E823230E5")) << "not the form any version wrote";
}

TEST(Fingerprint, ThisVersionsRecordIsMatchedWithoutReadingTheImageAgain) {
  TempDir dir;
  write_file(dir / "photo.jpg", read_file(k_photo));
  const JobSpec spec = lake(dir / "photo.jpg");
  FingerprintMatch same(spec, *fingerprint(spec));
  fs::remove(dir / "photo.jpg"); // from here on, a read of the image would fail
  EXPECT_TRUE(same(same.current()));
  EXPECT_FALSE(same(k_v1_lake_with_photo, "a river"));
  EXPECT_FALSE(same(k_v1_lake_with_photo, "a lake")) << "unreadable now: no match, no crash";
}
