#include "support/temp_dir.hpp"

#include <sora/journal.hpp>

#include <gtest/gtest.h>

using namespace sora;

TEST(JournalTest, DefaultPathFollowsXdg) {
  EXPECT_EQ(Journal::default_path("/state", "/home/u"), "/state/sora/jobs.jsonl");
  EXPECT_EQ(Journal::default_path(nullptr, "/home/u"), "/home/u/.local/state/sora/jobs.jsonl");
  EXPECT_EQ(Journal::default_path("relative", "/home/u"), "/home/u/.local/state/sora/jobs.jsonl");
}

TEST(JournalTest, AppendsAndReadsBackOldestFirst) {
  test::TempDir dir;
  Journal journal(dir / "deep" / "jobs.jsonl");
  JournalEntry a;
  a.id = "video_a";
  a.command = "create";
  a.prompt = std::string(200, 'x') + "\nsecond line";
  ASSERT_TRUE(journal.append(a));
  JournalEntry b;
  b.id = "video_b";
  b.command = "remix";
  b.output = "clip.mp4";
  ASSERT_TRUE(journal.append(b));
  auto entries = journal.read();
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].id, "video_a");
  EXPECT_EQ((*entries)[0].prompt.size(), 80u); // only the head of the prompt is kept
  EXPECT_GT((*entries)[0].time, 0);
  EXPECT_EQ((*entries)[1].output, "clip.mp4");
}

TEST(JournalTest, ResolvesLastAndNumberedReferences) {
  test::TempDir dir;
  Journal journal(dir / "jobs.jsonl");
  for (const char* id : {"v1", "v2", "v3"}) {
    JournalEntry e;
    e.id = id;
    ASSERT_TRUE(journal.append(e));
  }
  EXPECT_EQ(*journal.resolve("@last"), "v3");
  EXPECT_EQ(*journal.resolve("@1"), "v3");
  EXPECT_EQ(*journal.resolve("@3"), "v1");
  EXPECT_EQ(*journal.resolve("video_x"), "video_x");
  for (const char* bad : {"@4", "@0", "@x", "@"}) {
    auto r = journal.resolve(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  }
}

TEST(JournalTest, SkipsDamagedLines) {
  test::TempDir dir;
  test::write_file(dir / "jobs.jsonl",
                   "{\"id\":\"ok1\"}\nnot json\n{\"no\":\"id\"}\n{\"id\":\"ok2\"");
  Journal journal(dir / "jobs.jsonl");
  auto entries = journal.read();
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].id, "ok1");
  EXPECT_TRUE(Journal(dir / "missing.jsonl").read()->empty());
}

TEST(JournalTest, ATornLineNeverHidesTheNextRecord) {
  test::TempDir dir;
  // A crash (or a full disk) in the middle of an append left half a line without '\n'.
  test::write_file(dir / "jobs.jsonl", "{\"id\":\"old\"}\n{\"id\":\"torn");
  Journal journal(dir / "jobs.jsonl");
  JournalEntry e;
  e.id = "new";
  ASSERT_TRUE(journal.append(e));
  auto contents = journal.load();
  ASSERT_TRUE(contents);
  ASSERT_EQ(contents->jobs.size(), 2u);
  EXPECT_EQ(contents->jobs.back().id, "new");
  EXPECT_EQ(*journal.resolve("@last"), "new");
  EXPECT_EQ(contents->damaged_lines, std::vector<std::size_t>{2});
}

TEST(JournalTest, AnUnreadableLineNewerThanLastIsNamed) {
  test::TempDir dir;
  test::write_file(dir / "jobs.jsonl", "{\"id\":\"old\"}\n{\"id\":\"to\x01rn\n");
  auto named = Journal(dir / "jobs.jsonl").resolve_reference("@last");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->id, "old");
  EXPECT_EQ(named->skipped_lines, std::vector<std::size_t>{2});
}

TEST(JournalTest, AnIntentStaysUnresolvedUntilItsJobOrASettlementIsRecorded) {
  test::TempDir dir;
  Journal journal(dir / "jobs.jsonl");
  JournalIntent a;
  a.idempotency_key = "sora-a";
  a.prompt = "a lake";
  a.command = "create";
  JournalIntent b = a;
  b.idempotency_key = "sora-b";
  JournalIntent c = a;
  c.idempotency_key = "sora-c";
  ASSERT_TRUE(journal.append_intent(a));
  ASSERT_TRUE(journal.append_intent(b));
  ASSERT_TRUE(journal.append_intent(c));
  JournalEntry job;
  job.id = "video_a";
  job.idempotency_key = "sora-a";
  ASSERT_TRUE(journal.append(job));
  ASSERT_TRUE(journal.settle_intent("sora-c", "not_created"));
  auto contents = journal.load();
  ASSERT_TRUE(contents);
  ASSERT_EQ(contents->unresolved.size(), 1u);
  EXPECT_EQ(contents->unresolved[0].idempotency_key, "sora-b");
  EXPECT_EQ(contents->unresolved[0].prompt, "a lake");
  EXPECT_GT(contents->unresolved[0].time, 0);
  EXPECT_EQ(journal.read()->size(), 1u) << "intents are not jobs";
  EXPECT_EQ(journal.intents_path(), dir / "jobs.intents.jsonl");
}
