// Storyboards in process: parsing and its line-numbered errors, identities, the plan's statuses,
// and run_storyboard over a stand-in ShotRunner that "renders" each shot by copying a small test
// clip (tests/data/clips), so the scheduling, reuse, state file and stitching are exercised
// without a server or the job pipeline.
#include "support/temp_dir.hpp"

#include <sora/storyboard.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <mutex>

namespace sora {
namespace {

namespace fs = std::filesystem;
const fs::path k_clips = fs::path(SORA_TEST_DATA) / "clips";

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

const char* k_board = R"([film]
size = "160x90"
seconds = 1
output = "film.mp4"

[[shot]]
label = "one"
prompt = "first"

[[shot]]
label = "two"
after = "one"
action = "second"

[[shot]]
label = "three"
prompt = "third"
)";

std::string parse_error(const std::string& text) {
  auto film = parse_storyboard(text, "board.toml");
  return film ? std::string() : film.error().message;
}

TEST(StoryboardTest, ParsesFilmDefaultsAndShots) {
  auto film = parse_storyboard(k_board, "dir/board.toml");
  ASSERT_TRUE(film) << film.error().message;
  ASSERT_EQ(film->shots.size(), 3u);
  EXPECT_EQ(film->output, fs::path("dir/film.mp4"));
  EXPECT_EQ(film->shots[1].start, ShotStart::last_frame);
  EXPECT_EQ(film->shots[1].after, "one");
  EXPECT_EQ(film->shots[1].seconds, "1");
  EXPECT_EQ(film->shots[1].size, "160x90");
  EXPECT_EQ(film->shots[1].prompt.action, "second");
  EXPECT_EQ(film->shots[2].line, 15);
  EXPECT_EQ(clip_path(*film, film->shots[2]), fs::path("dir/film.three.mp4"));
  EXPECT_EQ(state_path(*film), fs::path("dir/film.storyboard.json"));
}

TEST(StoryboardTest, ErrorsNameTheFileAndLine) {
  EXPECT_EQ(parse_error("[[shot]]\nlabel = \"a\"\n"), "board.toml:1: shot 'a' has no prompt.");
  EXPECT_EQ(parse_error("[film]\nfps = 24\n"), "board.toml:2: unknown key 'fps' in [film].");
  EXPECT_EQ(parse_error("[[shot]]\nlabel = \"a b\"\nprompt = \"x\"\n"),
            "board.toml:2: label 'a b' must be 1-64 letters, digits, - or _.");
  EXPECT_EQ(parse_error("[[shot]]\nlabel = \"a\"\nprompt = \"x\"\nseconds = \"soon\"\n"),
            "board.toml:4: 'seconds' must be a whole number of seconds, e.g. 4, 8 or 12.");
  EXPECT_EQ(parse_error("[[shot]]\nlabel=\"a\"\nprompt=\"x\"\nafter=\"a\"\n"),
            "board.toml:1: shot 'a' continues after 'a', which is not an earlier shot.");
  EXPECT_EQ(parse_error("[[shot]]\nlabel=\"a\"\nprompt=\"x\"\n[[shot]]\nlabel=\"b\"\nprompt=\"y\"\n"
                        "after=\"a\"\ncontinue=\"rewind\"\n"),
            "board.toml:4: 'continue' must be last-frame, extend or remix, not 'rewind'.");
  EXPECT_EQ(parse_error("[[shot]]\nlabel=\"a\"\nprompt=\"x\"\nimage=\"missing.png\"\n"),
            "board.toml:1: shot 'a': image missing.png does not exist.");
  EXPECT_EQ(parse_error("title = \"x\"\n[[shot]]\nlabel=\"a\"\nprompt=\"x\"\n"),
            "board.toml:1: unknown key 'title'.");
  EXPECT_EQ(parse_error("[film]\n"), "board.toml:1: the storyboard has no [[shot]] tables.");
}

TEST(StoryboardTest, IdentityChangesWithTheShotAndItsSourceOnly) {
  auto before = shot_identities(*parse_storyboard(k_board, "board.toml"));
  std::string edited = k_board;
  edited.replace(edited.find("\"first\""), 7, "\"FIRST\"");
  auto after = shot_identities(*parse_storyboard(edited, "board.toml"));
  ASSERT_TRUE(before && after);
  EXPECT_NE((*before)[0], (*after)[0]);
  EXPECT_NE((*before)[1], (*after)[1]) << "a shot continuing from a changed one changes too";
  EXPECT_EQ((*before)[2], (*after)[2]) << "an independent shot keeps its identity";
  EXPECT_EQ(*before, *shot_identities(*parse_storyboard(k_board, "other.toml")));
}

/// Renders each shot by copying a test clip, recording what it was asked to do.
struct StandInRunner {
  std::mutex mutex;
  std::vector<std::string> labels;
  std::vector<JobSpec> jobs;
  bool first_frame_was_on_disk = false;
  std::string fail_label;
  fs::path clip = k_clips / "a-160x90.mp4";

  ShotRunner runner() {
    return [this](const JobSpec& job, JobObserver&) {
      const std::lock_guard lock(mutex);
      labels.push_back(job.label);
      jobs.push_back(job);
      if (job.create.image) first_frame_was_on_disk = fs::exists(*job.create.image);
      JobOutcome outcome;
      outcome.video_id = "video_" + job.label;
      if (job.label == fail_label) {
        Error error;
        error.code = ErrorCode::job_failed;
        error.message = "The job failed.";
        outcome.error = error;
        return outcome;
      }
      fs::copy_file(job.label == "two" ? k_clips / "b-160x90.mp4" : clip, *job.output,
                    fs::copy_options::overwrite_existing);
      return outcome;
    };
  }
};

struct NullObserver : JobObserver {
  Result<void> on_event(const JobEvent&) override { return {}; }
};

class StoryboardRunTest : public ::testing::Test {
protected:
  void SetUp() override {
    write_text(m_dir.path() / "board.toml", k_board);
    m_options.temp_dir = m_dir.path();
  }
  Result<StoryboardReport> run(StandInRunner& stand_in) {
    auto film = load_storyboard(m_dir.path() / "board.toml");
    EXPECT_TRUE(film) << film.error().message;
    NullObserver observer;
    return run_storyboard(*film, m_options, stand_in.runner(), observer);
  }
  test::TempDir m_dir;
  StoryboardOptions m_options;
};

TEST_F(StoryboardRunTest, RunsEveryShotThenJoinsThemWithChapters) {
  StandInRunner stand_in;
  auto report = run(stand_in);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->generated.size(), 3u);
  ASSERT_EQ(stand_in.jobs.size(), 3u);
  for (const auto& job : stand_in.jobs) {
    if (job.label != "two") continue;
    ASSERT_TRUE(job.create.image.has_value()) << "a last-frame shot is seeded with a frame";
    ASSERT_TRUE(job.fit.has_value());
    EXPECT_EQ(job.fit->width, 160);
  }
  EXPECT_TRUE(stand_in.first_frame_was_on_disk);
  auto info = inspect_media(m_dir.path() / "film.mp4");
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_NEAR(info->duration_seconds, 3.0, 1e-3);
  EXPECT_EQ(info->chapters, (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(info->frames, 72);
  auto state = read_storyboard_state(m_dir.path() / "film.storyboard.json");
  ASSERT_TRUE(state);
  ASSERT_EQ(state->shots.size(), 3u);
  EXPECT_EQ(state->find("two")->video_id, "video_two");
  EXPECT_EQ(state->film, "film.mp4");
}

TEST_F(StoryboardRunTest, ARerunRegeneratesOnlyChangedShotsAndTheirDependants) {
  StandInRunner first;
  ASSERT_TRUE(run(first));
  StandInRunner again;
  auto report = run(again);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(again.labels.empty()) << "nothing changed: nothing is paid for";
  std::string edited = k_board;
  edited.replace(edited.find("\"first\""), 7, "\"FIRST\"");
  write_text(m_dir.path() / "board.toml", edited);
  StandInRunner third;
  report = run(third);
  ASSERT_TRUE(report) << report.error().message;
  std::sort(third.labels.begin(), third.labels.end());
  EXPECT_EQ(third.labels, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(report->reused, (std::vector<std::string>{"three"}));
}

TEST_F(StoryboardRunTest, AFailedShotStopsTheRunAndARerunResumes) {
  StandInRunner failing;
  failing.fail_label = "one";
  m_options.concurrency = 1;
  auto report = run(failing);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().message, "Shot 'one': The job failed.");
  EXPECT_FALSE(fs::exists(m_dir.path() / "film.mp4"));
  StandInRunner resumed;
  report = run(resumed);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(std::count(resumed.labels.begin(), resumed.labels.end(), "three") +
                std::count(failing.labels.begin(), failing.labels.end(), "three"),
            1)
      << "a shot finished before the failure is not made again";
}

TEST_F(StoryboardRunTest, ClipsOfAnotherSizeAreNotJoined) {
  StandInRunner stand_in;
  stand_in.clip = k_clips / "c-320x180.mp4";
  auto report = run(stand_in);
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find("without re-encoding"), std::string::npos)
      << report.error().message;
  EXPECT_FALSE(fs::exists(m_dir.path() / "film.mp4.part"));
}

TEST(MediaTest, LastFrameIsExactAndPsnrTellsFramesApart) {
  auto first = read_frame(k_clips / "a-160x90.mp4", {FramePick::Kind::first, 0});
  auto last = read_frame(k_clips / "a-160x90.mp4", {FramePick::Kind::last, 0});
  auto other = read_frame(k_clips / "b-160x90.mp4", {FramePick::Kind::last, 0});
  ASSERT_TRUE(first && last && other);
  EXPECT_EQ(last->width, 160);
  EXPECT_GT(*psnr(*first, *last), 30.0);
  EXPECT_LT(*psnr(*first, *other), 15.0);
  auto past = read_frame(k_clips / "a-160x90.mp4", {FramePick::Kind::at, 5.0});
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().code, ErrorCode::invalid_argument);
}

} // namespace
} // namespace sora
