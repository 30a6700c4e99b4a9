#include "hints.hpp"
#include "support/temp_dir.hpp"

#include <sora/batch.hpp>

#include <gtest/gtest.h>

#include <set>

using namespace sora;
namespace fs = std::filesystem;

namespace {
const std::string k_data = SORA_TEST_DATA;
}

TEST(ManifestTest, ReadsJsonLinesResolvingPathsAgainstTheManifest) {
  test::TempDir dir;
  fs::copy_file(k_data + "/photo-1280x720.png", dir / "wide.png");
  test::write_file(dir / "shot.txt", "a prompt from a file\n");
  test::write_file(dir / "jobs.jsonl",
                   "# comments and blank lines are skipped\n\n"
                   R"({"id":"a","prompt":"a lake","image":"wide.png","seconds":8})"
                   "\n"
                   R"({"prompt_file":"shot.txt","output":"sub/b.mp4","model":"sora-2-pro"})"
                   "\n"
                   R"({"id":"c","prompt":"again","remix_of":"a"})"
                   "\n");
  auto jobs = load_manifest(dir / "jobs.jsonl", dir / "out");
  ASSERT_TRUE(jobs) << jobs.error().message;
  ASSERT_EQ(jobs->size(), 3u);
  EXPECT_EQ((*jobs)[0].label, "a");
  EXPECT_EQ((*jobs)[0].request.size, "1280x720"); // from the image
  EXPECT_EQ((*jobs)[0].request.seconds, "8");
  EXPECT_EQ((*jobs)[0].output, fs::weakly_canonical(dir / "out" / "a.mp4"));
  EXPECT_EQ((*jobs)[1].label, "line-4");
  EXPECT_EQ((*jobs)[1].line, 4u);
  EXPECT_EQ((*jobs)[1].request.prompt, "a prompt from a file");
  EXPECT_EQ((*jobs)[1].output, fs::weakly_canonical(dir / "out" / "sub" / "b.mp4"));
  EXPECT_EQ((*jobs)[2].remix_of, "a");
}

TEST(ManifestTest, ReadsCsvWithQuotes) {
  test::TempDir dir;
  test::write_file(dir / "jobs.csv", "id,prompt,seconds\n"
                                     "one,\"a lake, at dawn\",4\n"
                                     "two,\"she said \"\"hi\"\"\nand left\",8\n");
  auto jobs = load_manifest(dir / "jobs.csv", dir.path());
  ASSERT_TRUE(jobs) << jobs.error().message;
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].request.prompt, "a lake, at dawn");
  EXPECT_EQ((*jobs)[1].request.prompt, "she said \"hi\"\nand left");
  EXPECT_EQ((*jobs)[1].line, 3u);
}

TEST(ManifestTest, ComposesPromptPartsOverASectionedPromptFile) {
  test::TempDir dir;
  test::write_file(dir / "shot.txt", "a harbour\n[shot]\nwide, slow pan\n[audio]\ngulls\n");
  test::write_file(dir / "bad.txt", "[camera]\npan\n");
  test::write_file(dir / "jobs.jsonl",
                   R"({"prompt_file":"shot.txt","audio":"silence","keep":"the red boat"})"
                   "\n"
                   R"({"action":"a gull lands","shot":"static shot"})"
                   "\n");
  auto jobs = load_manifest(dir / "jobs.jsonl", dir / "out");
  ASSERT_TRUE(jobs) << jobs.error().message;
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].request.prompt,
            "a harbour\nShot: wide, slow pan\nAudio: silence\nKeep unchanged: the red boat");
  EXPECT_EQ((*jobs)[1].request.prompt, "Shot: static shot\nAction: a gull lands");

  test::write_file(dir / "bad.jsonl", R"({"prompt_file":"bad.txt"})"
                                      "\n");
  auto bad = load_manifest(dir / "bad.jsonl", dir / "out");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("line 1: Unknown section [camera] on line 1 of bad.txt"),
            std::string::npos)
      << bad.error().message;
}

TEST(ManifestTest, ReportsEveryProblemWithItsLineNumber) {
  test::TempDir dir;
  test::write_file(dir / "jobs.jsonl", R"({"id":"a","prompt":""})"
                                       "\n"
                                       R"({"id":"a","prompt":"dup"})"
                                       "\n"
                                       "not json\n"
                                       R"({"prompt":"x","seconds":"10"})"
                                       "\n"
                                       R"({"prompt":"x","image":"missing.jpg"})"
                                       "\n"
                                       R"({"prompt":"x","colour":"red"})"
                                       "\n"
                                       R"({"id":"l1","prompt":"x","remix_of":"l2"})"
                                       "\n"
                                       R"({"id":"l2","prompt":"x","remix_of":"l1"})"
                                       "\n");
  auto jobs = load_manifest(dir / "jobs.jsonl", dir.path());
  ASSERT_FALSE(jobs);
  EXPECT_EQ(jobs.error().code, ErrorCode::invalid_argument);
  // In the CLI's words: the core names settings neutrally (`seconds`), the CLI says the flag.
  const auto m = sora::cli::cli_words(jobs.error().message);
  for (const char* expected :
       {"line 1: The prompt is empty", "line 2: id 'a' is also used on line 1",
        "line 3: is not a JSON object", "line 4: --seconds 10", "line 5:", "missing.jpg",
        "line 6: unknown field 'colour'", "remix_of forms a loop"})
    EXPECT_NE(m.find(expected), std::string::npos) << expected << "\n" << m;
}

TEST(ManifestTest, ShardsPartitionTheJobs) {
  std::vector<BatchJob> jobs(10);
  for (std::size_t i = 0; i < jobs.size(); ++i)
    jobs[i].label = std::to_string(i);
  std::set<std::string> seen;
  for (int k = 1; k <= 3; ++k)
    for (const auto& job : select_shard(jobs, k, 3))
      EXPECT_TRUE(seen.insert(job.label).second);
  EXPECT_EQ(seen.size(), jobs.size());
  EXPECT_EQ(select_shard(jobs, 2, 3).front().label, "1");
}

TEST(BatchStateTest, SavesAtomicallyAndLoadsBack) {
  test::TempDir dir;
  BatchState state(dir / "state" / ".sora-batch.json");
  BatchJobState s;
  s.label = "a";
  s.status = BatchStatus::failed;
  s.video_id = "video_1";
  s.error = "boom";
  s.exit_code = 6;
  state.jobs()["a"] = s;
  ASSERT_TRUE(state.save());
  EXPECT_FALSE(fs::exists(dir / "state" / ".sora-batch.json.tmp"));
  BatchState again(dir / "state" / ".sora-batch.json");
  ASSERT_TRUE(again.load());
  ASSERT_EQ(again.jobs().size(), 1u);
  EXPECT_EQ(again.jobs()["a"].status, BatchStatus::failed);
  EXPECT_EQ(again.jobs()["a"].video_id, "video_1");
  EXPECT_EQ(again.jobs()["a"].exit_code, 6);
  test::write_file(dir / "bad.json", "{oops");
  EXPECT_FALSE(BatchState(dir / "bad.json").load());
}

TEST(BatchStateTest, KeepsTheIntentAndTheErrorKindAndReadsOldExitCodes) {
  test::TempDir dir;
  BatchState state(dir / "s.json");
  BatchJobState s;
  s.label = "a";
  s.status = BatchStatus::error;
  s.error_kind = "network";
  s.idempotency_key = "sora-k";
  s.fingerprint = "0123456789abcdef";
  s.intent_time = 1'800'000'000;
  state.jobs()["a"] = s;
  ASSERT_TRUE(state.save());
  std::string text = test::read_file(dir / "s.json");
  EXPECT_EQ(text.find("exit_code"), std::string::npos) << "kinds, not exit codes";
  BatchState again(dir / "s.json");
  ASSERT_TRUE(again.load());
  EXPECT_EQ(again.jobs()["a"].error_kind, "network");
  EXPECT_EQ(again.jobs()["a"].idempotency_key, "sora-k");
  EXPECT_EQ(again.jobs()["a"].fingerprint, "0123456789abcdef");
  EXPECT_EQ(again.jobs()["a"].intent_time, 1'800'000'000);
  test::write_file(dir / "old.json",
                   R"({"version":1,"jobs":{"b":{"status":"error","exit_code":9}}})");
  BatchState old(dir / "old.json");
  ASSERT_TRUE(old.load());
  EXPECT_EQ(old.jobs()["b"].exit_code, 9);
}

TEST(BatchStateTest, AChangedLineIsFoundByItsFingerprint) {
  BatchJob job;
  job.label = "a";
  job.request.prompt = "a lake";
  BatchState state("unused.json");
  BatchJobState s;
  s.label = "a";
  s.status = BatchStatus::downloaded;
  s.fingerprint = *batch_fingerprint(job);
  state.jobs()["a"] = s;
  EXPECT_TRUE(changed_jobs({job}, state).empty());
  job.request.prompt = "a lake at dusk";
  EXPECT_EQ(changed_jobs({job}, state), std::vector<std::string>{"a"});
}
