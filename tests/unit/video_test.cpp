#include <sora/video.hpp>

#include <gtest/gtest.h>

using namespace sora;

TEST(VideoStatusTest, Rule13NormalisesEveryVocabulary) {
  for (auto word :
       {"queued", "pending", "SUBMITTED", "not_start", "in_queue", "unknown", "whatever"})
    EXPECT_EQ(parse_status(word), VideoStatus::queued) << word;
  for (auto word : {"in_progress", "processing", "RUNNING", "generating"})
    EXPECT_EQ(parse_status(word), VideoStatus::in_progress) << word;
  for (auto word : {"completed", "complete", "succeeded", "SUCCESS", "done", "finished"})
    EXPECT_EQ(parse_status(word), VideoStatus::completed) << word;
  for (auto word : {"failed", "FAILURE", "fail", "error"})
    EXPECT_EQ(parse_status(word), VideoStatus::failed) << word;
  EXPECT_EQ(parse_status("canceled"), VideoStatus::cancelled);
  EXPECT_EQ(parse_status("expired"), VideoStatus::expired);
  EXPECT_EQ(parse_status("deleted"), VideoStatus::deleted);
}

TEST(VideoStatusTest, OnlyQueuedAndInProgressArePending) {
  EXPECT_FALSE(is_terminal(VideoStatus::queued));
  EXPECT_FALSE(is_terminal(VideoStatus::in_progress));
  EXPECT_TRUE(is_terminal(VideoStatus::completed));
  EXPECT_TRUE(is_terminal(VideoStatus::failed));
  EXPECT_TRUE(is_terminal(VideoStatus::expired));
  EXPECT_TRUE(is_terminal(VideoStatus::cancelled));
}

TEST(VariantTest, NamesAndExtensions) {
  EXPECT_EQ(parse_variant("thumbnail"), Variant::thumbnail);
  EXPECT_FALSE(parse_variant("poster").has_value());
  EXPECT_EQ(file_extension(Variant::video), ".mp4");
  EXPECT_EQ(file_extension(Variant::thumbnail), ".webp");
  EXPECT_EQ(file_extension(Variant::spritesheet), ".jpg");
}
