#include "common/atomic_file.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <cerrno>

using namespace sora;
using namespace sora::test;
namespace fs = std::filesystem;

TEST(AtomicFile, WritesAndReplacesLeavingNoTemporaryFiles) {
  TempDir dir;
  ASSERT_TRUE(detail::write_file_atomically(dir / "state.json", "one"));
  EXPECT_EQ(read_file(dir / "state.json"), "one");
  ASSERT_TRUE(detail::write_file_atomically(dir / "state.json", "two, longer"));
  EXPECT_EQ(read_file(dir / "state.json"), "two, longer");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(AtomicFile, AFolderThatIsNotThereIsAnIoErrorNamingThePath) {
  TempDir dir;
  auto ok = detail::write_file_atomically(dir / "missing" / "state.json", "x");
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().code, ErrorCode::io);
  EXPECT_NE(ok.error().message.find("missing/state.json"), std::string::npos);
}

TEST(AtomicFile, RenameNeverReplacesUnlessAsked) {
  TempDir dir;
  write_file(dir / "a", "A");
  write_file(dir / "b", "B");
  EXPECT_EQ(detail::rename_durably(dir / "a", dir / "b", false), EEXIST);
  EXPECT_EQ(read_file(dir / "b"), "B");
  EXPECT_EQ(detail::rename_durably(dir / "a", dir / "b", true), 0);
  EXPECT_EQ(read_file(dir / "b"), "A");
  EXPECT_FALSE(fs::exists(dir / "a"));
}
