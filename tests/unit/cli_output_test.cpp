// The CLI's output helpers (src/cli/output.cpp), compiled into the unit tests.
#include "output.hpp"

#include <gtest/gtest.h>

using namespace sora;
using namespace sora::cli;

TEST(OutputTest, FileNamesFromServerIdsAreSafe) {
  EXPECT_EQ(safe_file_name("video_123"), "video_123");
  EXPECT_EQ(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
  EXPECT_EQ(safe_file_name("video_ab/cd+e="), "video_ab_cd+e=");
  EXPECT_EQ(safe_file_name("a\\b\nc"), "a_b_c");
  EXPECT_EQ(safe_file_name(".hidden"), "hidden");
  EXPECT_EQ(safe_file_name(".."), "video");
  EXPECT_EQ(safe_file_name(""), "video");
}

TEST(OutputTest, RowsStartWithTheIdAndAlign) {
  Video a;
  a.id = "video_1";
  a.status = VideoStatus::completed;
  a.status_raw = "completed";
  a.progress = 100;
  a.model = "sora-2";
  a.size = "720x1280";
  a.seconds = "4";
  a.created_at = 1'800'000'000;
  EXPECT_EQ(video_row(a), "video_1  completed  100%  sora-2  720x1280  4s  2027-01-15T08:00:00Z");
  Video b = a;
  b.id = "video_22";
  b.status_raw = "in_progress";
  auto table = video_table({a, b});
  ASSERT_EQ(table.size(), 2u);
  EXPECT_EQ(table[0].find("completed"), table[1].find("in_progress"));
}

TEST(OutputTest, HumanBytes) {
  EXPECT_EQ(human_bytes(512), "512 B");
  EXPECT_EQ(human_bytes(42'100), "42.1 KB");
  EXPECT_EQ(human_bytes(1'073'741'824), "1.1 GB");
}
