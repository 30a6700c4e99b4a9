#include "support/temp_dir.hpp"

#include <sora/journal.hpp>

#include <gtest/gtest.h>

#include <fstream>

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

namespace {

// A create's intent: the key, its time and a prompt named after the key.
JournalIntent test_intent(const std::string& key, std::int64_t time) {
  JournalIntent i;
  i.idempotency_key = key;
  i.time = time;
  i.prompt = "prompt " + key;
  i.command = "create";
  return i;
}

// A job line as Journal::append writes it (without the fields these tests do not need).
std::string job_line(const std::string& id, std::int64_t time, const std::string& key = "") {
  std::string line = "{\"time\":" + std::to_string(time) + ",\"id\":\"" + id +
                     "\",\"command\":\"batch\",\"host\":\"127.0.0.1\",\"prompt\":\"job " + id +
                     "\"";
  if (!key.empty()) line += ",\"idempotency_key\":\"" + key + "\"";
  return line + "}\n";
}

} // namespace

// @N is read from the end of the file; everything it says must match the whole-file reading.
TEST(JournalTest, ReferencesReadFromTheEndMatchTheWholeFile) {
  test::TempDir dir;
  std::string text = "\n" + job_line("v1", 1) + "   \r\n" + job_line("v2", 2) +
                     "{\"id\":\"v2\",\"command\":\"cost\",\"cost_usd\":0.4}\n" +
                     "{\"id\":\"v3\",\"prompt\":\"" + std::string(200 * 1024, 'p') + "\"}\n" +
                     "not json\n" + job_line("v4", 4) + "{\"no\":\"id\"}\n" + job_line("v5", 5) +
                     "{\"id\":\"torn";
  test::write_file(dir / "jobs.jsonl", text);
  Journal journal(dir / "jobs.jsonl");
  auto contents = journal.load();
  ASSERT_TRUE(contents);
  const auto& jobs = contents->jobs;
  ASSERT_EQ(jobs.size(), 5u);
  for (std::size_t back = 1; back <= jobs.size(); ++back) {
    auto named = journal.resolve_reference("@" + std::to_string(back));
    ASSERT_TRUE(named) << back;
    const JournalEntry& want = jobs[jobs.size() - back];
    EXPECT_EQ(named->id, want.id) << "@" << back;
    std::vector<std::size_t> newer;
    for (auto line : contents->damaged_lines)
      if (line > want.line) newer.push_back(line);
    EXPECT_EQ(named->skipped_lines, newer) << "@" << back;
  }
  auto too_far = journal.resolve("@6");
  ASSERT_FALSE(too_far);
  EXPECT_NE(too_far.error().message.find("only 5 jobs"), std::string::npos);
  test::write_file(dir / "empty.jsonl", "");
  EXPECT_FALSE(Journal(dir / "empty.jsonl").resolve("@last"));
  EXPECT_FALSE(Journal(dir / "missing.jsonl").resolve("@last"));
}

// A long history (a few hundred batches): the newest jobs are found without reading the rest.
TEST(JournalTest, ResolvesInALongJournal) {
  test::TempDir dir;
  constexpr int k_jobs = 200'000;
  {
    std::ofstream out(dir / "jobs.jsonl", std::ios::binary);
    for (int i = 1; i <= k_jobs; ++i)
      out << job_line("video_" + std::to_string(i), 1'800'000'000 + i);
    out << "{\"id\":\"video_" << k_jobs << "\",\"command\":\"cost\",\"cost_usd\":0.1}\n";
    out << "{\"id\":\"half a li"; // torn: line k_jobs + 2
  }
  Journal journal(dir / "jobs.jsonl");
  auto last = journal.resolve_reference("@last");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->id, "video_200000");
  EXPECT_EQ(last->skipped_lines, std::vector<std::size_t>{k_jobs + 2});
  EXPECT_EQ(*journal.resolve("@2"), "video_199999");
  EXPECT_EQ(*journal.resolve("@1000"), "video_199001");
  // (@200000 reads every line: ReferencesReadFromTheEndMatchTheWholeFile covers the far end.)
}

TEST(JournalTest, RecentUnresolvedMatchesTheWholeFileAndKeepsTheFirstAttempt) {
  test::TempDir dir;
  Journal journal(dir / "jobs.jsonl");
  auto intent = [&](const std::string& key, std::int64_t time) {
    ASSERT_TRUE(journal.append_intent(test_intent(key, time)));
  };
  intent("old-open", 100); // beyond the newest 5 records below: not looked at
  intent("a", 1000);
  intent("b", 1001);
  intent("c", 1002);
  intent("b", 1500); // the same create sent again with its key: the first attempt's time counts
  JournalEntry job;
  job.id = "video_a";
  job.time = 1003;
  job.idempotency_key = "a";
  ASSERT_TRUE(journal.append(job));
  ASSERT_TRUE(journal.settle_intent("c", "not_created"));
  std::ofstream(journal.intents_path(), std::ios::app) << "{\"record\":\"intent\",\"idem";

  auto all = journal.load();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->unresolved.size(), 2u);
  auto recent = journal.recent_unresolved(5);
  ASSERT_TRUE(recent);
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ((*recent)[0].idempotency_key, "b");
  EXPECT_EQ((*recent)[0].time, 1001);
  auto wider = journal.recent_unresolved();
  ASSERT_TRUE(wider);
  ASSERT_EQ(wider->size(), 2u);
  EXPECT_EQ((*wider)[0].idempotency_key, "old-open");
  EXPECT_EQ((*wider)[1].idempotency_key, "b");
  EXPECT_TRUE(Journal(dir / "none.jsonl").recent_unresolved()->empty());
}

// A key the quick scan cannot read (an escaped quote in it) is parsed, and still closes its intent.
TEST(JournalTest, RecentUnresolvedReadsKeysThatNeedParsing) {
  test::TempDir dir;
  Journal journal(dir / "jobs.jsonl");
  for (const std::string key : {"quoted \"a\"", "quoted \"b\"", "plain"})
    ASSERT_TRUE(journal.append_intent(test_intent(key, 1000)));
  JournalEntry job;
  job.id = "video_a";
  job.time = 1001;
  job.idempotency_key = "quoted \"a\"";
  ASSERT_TRUE(journal.append(job));
  job.id = "video_p";
  job.idempotency_key = "plain";
  ASSERT_TRUE(journal.append(job));
  auto recent = journal.recent_unresolved();
  ASSERT_TRUE(recent);
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ((*recent)[0].idempotency_key, "quoted \"b\"");
  EXPECT_EQ(journal.load()->unresolved.size(), 1u);
}

// The job file is read back only until the jobs are older than the oldest candidate intent.
TEST(JournalTest, RecentUnresolvedStopsAtJobsOlderThanItsIntents) {
  test::TempDir dir;
  Journal journal(dir / "jobs.jsonl");
  {
    std::ofstream out(dir / "jobs.jsonl", std::ios::binary);
    out << job_line("video_ancient", 10, "late"); // far older than its "intent": not read
    for (int i = 0; i < 2'000; ++i)
      out << job_line("video_" + std::to_string(i), 5000 + i);
  }
  JournalIntent late;
  late.idempotency_key = "late";
  late.time = 100'000;
  ASSERT_TRUE(journal.append_intent(late));
  auto recent = journal.recent_unresolved();
  ASSERT_TRUE(recent);
  ASSERT_EQ(recent->size(), 1u) << "read back past jobs older than the intent";
  EXPECT_EQ(journal.load()->unresolved.size(), 0u);
}

namespace {

// What `sora history` prints of a job, and the fields load() gives it beside its line number.
std::string shown(const JournalEntry& e) {
  auto money = [](const std::optional<double>& usd) { return usd ? std::to_string(*usd) : "-"; };
  return std::to_string(e.time) + " " + e.id + " " + e.command + " " + e.host + " " + e.model +
         " " + e.size + " " + e.seconds + " " + e.prompt + " " + e.output + " " + e.profile +
         " cost " + money(e.cost_usd) + " est " + money(e.estimate_usd) + " " + e.idempotency_key +
         " " + e.fingerprint + " " + e.raw_json;
}

std::vector<std::string> shown(const std::vector<JournalEntry>& jobs) {
  std::vector<std::string> out;
  for (const auto& e : jobs)
    out.push_back(shown(e));
  return out;
}

std::vector<std::string> shown(const std::vector<JournalIntent>& intents) {
  std::vector<std::string> out;
  for (const auto& i : intents)
    out.push_back(std::to_string(i.time) + " " + i.idempotency_key + " " + i.command + " " +
                  i.prompt + " " + i.output);
  return out;
}

} // namespace

// `history -n N` reads only the newest N jobs: what it gets must be what load() gives of them.
TEST(JournalTest, NewestJobsMatchTheWholeFile) {
  test::TempDir dir;
  Journal journal(dir / "jobs.jsonl");
  std::string text =
      "\n" + job_line("v1", 1, "k1") + "{\"id\":\"v1\",\"command\":\"cost\",\"cost_usd\":0.1}\n" +
      "   \r\n" + job_line("v2", 2, "k2") + "not json\n" + job_line("v3", 3) +
      "{\"id\":\"v2\",\"command\":\"cost\",\"cost_usd\":0.2}\n" +  // far from its job
      "{\"id\":\"v2\",\"command\":\"cost\",\"cost_usd\":0.25}\n" + // the last one wins
      "{\"id\":\"v9\",\"command\":\"cost\",\"cost_usd\":9}\n" +    // no such job before it
      job_line("v1", 4) +                                          // the same id again
      "{\"id\":\"v1\",\"command\":\"cost\",\"cost_usd\":0.4}\n" + "{\"no\":\"id\"}\n" +
      job_line("v9", 5) + "{\"id\":\"v3\",\"command\":\"cost\"}\n" + // a cost without a number
      "{\"id\":\"v5\",\"prompt\":\"" + std::string(100 * 1024, 'p') + "\"}\n" + "\n" +
      job_line("v6", 6, "k6") + "{\"id\":\"torn";
  test::write_file(dir / "jobs.jsonl", text);
  auto intent = [&](const std::string& key, std::int64_t time) {
    ASSERT_TRUE(journal.append_intent(test_intent(key, time)));
  };
  intent("k1", 1);
  intent("open-a", 1);
  intent("k2", 2);
  intent("open-b", 2);
  intent("open-a", 3); // sent again with its key: listed where it was first sent
  intent("settled", 3);
  intent("k6", 6);
  ASSERT_TRUE(journal.settle_intent("settled", "not_created"));

  auto all = journal.load();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->jobs.size(), 7u);
  ASSERT_EQ(shown(all->unresolved).size(), 2u);
  for (std::size_t n = 1; n <= all->jobs.size() + 2; ++n) {
    auto newest = journal.load_newest(n);
    ASSERT_TRUE(newest) << n;
    auto first = all->jobs.size() > n ? all->jobs.size() - n : 0;
    std::vector<JournalEntry> want_jobs(all->jobs.begin() + static_cast<std::ptrdiff_t>(first),
                                        all->jobs.end());
    EXPECT_EQ(shown(newest->jobs), shown(want_jobs)) << n;
    std::vector<std::size_t> want_damaged;
    for (auto line : all->damaged_lines)
      if (first == 0 || line > want_jobs.front().line) want_damaged.push_back(line);
    EXPECT_EQ(newest->damaged_lines, want_damaged) << n;
    EXPECT_EQ(shown(newest->unresolved), shown(all->unresolved)) << n;
  }
  auto none = Journal(dir / "missing.jsonl").load_newest(5);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->jobs.empty() && none->unresolved.empty() && none->damaged_lines.empty());
}

// A long history: the newest jobs, their costs and the damaged lines among them, without the rest.
TEST(JournalTest, NewestJobsInALongJournal) {
  test::TempDir dir;
  constexpr int k_jobs = 200'000;
  {
    std::ofstream out(dir / "jobs.jsonl", std::ios::binary);
    out << "not json\n"; // line 1: older than the jobs asked for, so not named
    for (int i = 1; i <= k_jobs; ++i) {
      out << job_line("video_" + std::to_string(i), 1'800'000'000 + i);
      if (i == k_jobs - 1000)
        out << "{\"id\":\"video_" << k_jobs - 1 << "\",\"command\":\"cost\",\"cost_usd\":7}\n";
    }
    out << "{\"id\":\"video_" << k_jobs - 1 << "\",\"command\":\"cost\",\"cost_usd\":0.1}\n";
    out << "{\"id\":\"video_" << k_jobs - 5 << "\",\"command\":\"cost\",\"cost_usd\":0.5}\n";
    out << "{\"id\":\"half a li"; // torn: line k_jobs + 5
  }
  Journal journal(dir / "jobs.jsonl");
  auto newest = journal.load_newest(5);
  ASSERT_TRUE(newest);
  ASSERT_EQ(newest->jobs.size(), 5u);
  for (int back = 0; back < 5; ++back) {
    const auto& e = newest->jobs[4 - back];
    EXPECT_EQ(e.id, "video_" + std::to_string(k_jobs - back));
    EXPECT_EQ(e.cost_usd, back == 1 ? std::optional<double>(0.1) : std::nullopt) << e.id;
  }
  EXPECT_EQ(newest->damaged_lines, std::vector<std::size_t>{k_jobs + 5});
  EXPECT_TRUE(newest->unresolved.empty());
}
