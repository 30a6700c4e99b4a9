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

TEST(BatchStateTest, AStateAnEarlierVersionWroteIsNotAChangedLine) {
  BatchJob job;
  job.label = "a";
  job.request.prompt = "a lake";
  BatchState state("unused.json");
  BatchJobState s;
  s.label = "a";
  s.status = BatchStatus::downloaded;
  s.fingerprint = "927f36af7f6e1949"; // what the version before v2 fingerprints recorded
  state.jobs()["a"] = s;
  EXPECT_TRUE(changed_jobs({job}, state).empty()) << "--rerun-changed would pay for it again";
  job.request.prompt = "a lake at dusk";
  EXPECT_EQ(changed_jobs({job}, state), std::vector<std::string>{"a"});
}

namespace {
BatchJobState job_state(const std::string& label, BatchStatus status, const std::string& id = "") {
  BatchJobState s;
  s.label = label;
  s.status = status;
  s.video_id = id;
  return s;
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}
} // namespace

TEST(BatchStateTest, LoadsTheOlderWholeFileFormatAndSavesItAsALog) {
  test::TempDir dir;
  // As older versions wrote it: one indented object.
  test::write_file(dir / ".sora-batch.json", R"({
  "version": 1,
  "jobs": {
    "a": {"status": "downloaded", "video_id": "video_a", "output": "/clips/a.mp4"},
    "b": {"status": "created", "video_id": "video_b", "idempotency_key": "sora-b"}
  }
}
)");
  BatchState state(dir / ".sora-batch.json");
  ASSERT_TRUE(state.load());
  ASSERT_EQ(state.jobs().size(), 2u);
  EXPECT_EQ(state.jobs()["a"].status, BatchStatus::downloaded);
  EXPECT_EQ(state.jobs()["b"].idempotency_key, "sora-b");
  ASSERT_TRUE(state.save());
  std::string text = test::read_file(dir / ".sora-batch.json");
  EXPECT_EQ(count_lines(text), 3u) << "a header and one line per job: " << text;
  BatchState again(dir / ".sora-batch.json");
  ASSERT_TRUE(again.load());
  EXPECT_EQ(again.jobs()["a"].video_id, "video_a");
  EXPECT_EQ(again.jobs()["b"].status, BatchStatus::created);
}

TEST(BatchStateTest, AppendsOneLinePerTransitionAndSaveCompactsThem) {
  test::TempDir dir;
  BatchState state(dir / "s.jsonl");
  state.jobs()["a"] = job_state("a", BatchStatus::pending);
  state.jobs()["b"] = job_state("b", BatchStatus::pending);
  ASSERT_TRUE(state.save());
  ASSERT_TRUE(state.append(job_state("a", BatchStatus::created, "video_a"), true));
  ASSERT_TRUE(state.append(job_state("b", BatchStatus::failed, "video_b"), false));
  ASSERT_TRUE(state.append(job_state("a", BatchStatus::downloaded, "video_a"), false));
  EXPECT_EQ(count_lines(test::read_file(dir / "s.jsonl")), 6u);
  BatchState read(dir / "s.jsonl");
  ASSERT_TRUE(read.load());
  EXPECT_EQ(read.jobs()["a"].status, BatchStatus::downloaded) << "a label's last line wins";
  EXPECT_EQ(read.jobs()["b"].status, BatchStatus::failed);
  EXPECT_EQ(read.skipped_lines(), 0u);
  ASSERT_TRUE(read.save());
  EXPECT_EQ(count_lines(test::read_file(dir / "s.jsonl")), 3u) << "compacted";
  BatchState compacted(dir / "s.jsonl");
  ASSERT_TRUE(compacted.load());
  EXPECT_EQ(compacted.jobs()["a"].status, BatchStatus::downloaded);
  EXPECT_EQ(compacted.jobs()["b"].video_id, "video_b");
}

TEST(BatchStateTest, ALineCutOffByACrashIsSkippedNotFatal) {
  test::TempDir dir;
  BatchState state(dir / "s.jsonl");
  state.jobs()["a"] = job_state("a", BatchStatus::created, "video_a");
  ASSERT_TRUE(state.save());
  std::string whole = test::read_file(dir / "s.jsonl");
  test::write_file(dir / "s.jsonl", whole + R"({"label":"a","status":"downlo)");
  BatchState torn(dir / "s.jsonl");
  ASSERT_TRUE(torn.load()) << torn.load().error().message;
  EXPECT_EQ(torn.jobs()["a"].status, BatchStatus::created) << "the torn transition is not taken";
  EXPECT_EQ(torn.skipped_lines(), 1u);
  // The next append starts on a fresh line, so it is read; the torn fragment stays skipped.
  ASSERT_TRUE(torn.append(job_state("a", BatchStatus::completed, "video_a"), false));
  BatchState after(dir / "s.jsonl");
  ASSERT_TRUE(after.load());
  EXPECT_EQ(after.jobs()["a"].status, BatchStatus::completed);
  EXPECT_EQ(after.skipped_lines(), 1u);
  // An empty file (a crash before anything was written) is an empty state.
  test::write_file(dir / "empty.jsonl", "");
  BatchState empty(dir / "empty.jsonl");
  ASSERT_TRUE(empty.load());
  EXPECT_TRUE(empty.jobs().empty());
}

TEST(BatchStateTest, RefusesAFileItCannotRead) {
  test::TempDir dir;
  test::write_file(dir / "newer.jsonl", R"({"format":"sora-batch-state","version":99})"
                                        "\n");
  auto newer = BatchState(dir / "newer.jsonl").load();
  ASSERT_FALSE(newer);
  EXPECT_NE(newer.error().message.find("newer sora"), std::string::npos);
  test::write_file(dir / "other.json", "[1, 2, 3]\n");
  EXPECT_FALSE(BatchState(dir / "other.json").load());
}

TEST(BatchStateTest, MergesTheShardsFilesTheFurthestAlongWinning) {
  test::TempDir dir;
  BatchState one(dir / "1.jsonl"), two(dir / "2.jsonl");
  one.jobs()["a"] = job_state("a", BatchStatus::downloaded, "video_a");
  one.jobs()["c"] = job_state("c", BatchStatus::error);
  two.jobs()["b"] = job_state("b", BatchStatus::failed, "video_b");
  two.jobs()["c"] = job_state("c", BatchStatus::created, "video_c");
  ASSERT_TRUE(one.save());
  ASSERT_TRUE(two.save());
  auto merged = merge_batch_states({dir / "1.jsonl", dir / "2.jsonl", dir / "missing.jsonl"});
  ASSERT_TRUE(merged) << merged.error().message;
  ASSERT_EQ(merged->size(), 3u);
  EXPECT_EQ(merged->at("a").status, BatchStatus::downloaded);
  EXPECT_EQ(merged->at("b").status, BatchStatus::failed);
  EXPECT_EQ(merged->at("c").video_id, "video_c");
  test::write_file(dir / "bad.json", "{oops");
  EXPECT_FALSE(merge_batch_states({dir / "1.jsonl", dir / "bad.json"}));
}
