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
  auto own = parse_storyboard("[film]\nsize = \"160x90\"\nmodel = \"m\"\n[[shot]]\nlabel = \"a\"\n"
                              "prompt = \"x\"\nsize = \"320x180\"\nmodel = \"n\"\n",
                              "board.toml");
  ASSERT_TRUE(own) << own.error().message;
  EXPECT_EQ(own->shots[0].size, "320x180") << "a shot's own size wins over [film]'s";
  EXPECT_EQ(own->shots[0].model, "n");
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
  EXPECT_EQ(parse_error("[[shot]]\nlabel=\"a\"\nprompt=\"x\"\nsize=\"big\"\n"),
            "board.toml:4: 'big' is not a size; write WxH, e.g. 1280x720.");
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

TEST_F(StoryboardRunTest, ClipsOfAnotherSizeAreReencodedWhenAllowed) {
  StandInRunner stand_in;
  stand_in.clip = k_clips / "c-320x180.mp4"; // "one" and "three"; "two" is 160x90
  m_options.reencode = true;
  auto report = run(stand_in);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_TRUE(report->film && report->film->reencoded);
  auto info = inspect_media(m_dir.path() / "film.mp4");
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->video_codec, "h264");
  EXPECT_EQ(info->width, 320);
  EXPECT_EQ(info->chapters, (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_TRUE(fs::exists(m_dir.path() / "film.two.mp4")) << "the clips stay";
}

TEST_F(StoryboardRunTest, ShotsOfTwoSizesAreRefusedBeforeAnythingIsSent) {
  std::string board = k_board;
  board.replace(board.find("prompt = \"third\""), 17, "prompt = \"third\"\nsize = \"320x180\"");
  write_text(m_dir.path() / "board.toml", board);
  StandInRunner stand_in;
  auto report = run(stand_in);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().setting, "reencode");
  EXPECT_NE(report.error().message.find("Shot 'three' is 320x180 and shot 'one' is 160x90"),
            std::string::npos)
      << report.error().message;
  EXPECT_TRUE(stand_in.labels.empty()) << "nothing is sent";
  m_options.reencode = true;
  StandInRunner allowed;
  EXPECT_TRUE(run(allowed));
  EXPECT_EQ(allowed.labels.size(), 3u);
}

/// The frame `n` (0-based) of `video`, decoded.
RgbImage frame_at(const fs::path& video, int n, double fps = 24) {
  auto frame = read_frame(video, {FramePick::Kind::at, (n + 0.5) / fps});
  EXPECT_TRUE(frame) << frame.error().message;
  return frame ? *frame : RgbImage{};
}

TEST(MediaTest, StitchNamesTheShotsThatDifferAndHow) {
  test::TempDir dir;
  const std::vector<StitchClip> clips = {{k_clips / "a-160x90.mp4", "dawn"},
                                         {k_clips / "c-320x180.mp4", "keeper"}};
  auto film = stitch_clips(clips, dir.path() / "film.mp4", true);
  ASSERT_FALSE(film);
  EXPECT_EQ(film.error().setting, "reencode");
  EXPECT_NE(film.error().message.find("Cannot join 'keeper' ("), std::string::npos);
  EXPECT_NE(film.error().message.find("to 'dawn' ("), std::string::npos);
  EXPECT_NE(film.error().message.find("h264 320x180 instead of h264 160x90"), std::string::npos)
      << film.error().message;
  EXPECT_FALSE(fs::exists(dir.path() / "film.mp4"));
  EXPECT_FALSE(fs::exists(dir.path() / "film.mp4.part"));
}

TEST(MediaTest, ReencodeJoinsClipsOfTwoSizesAtTheFirstOnesSize) {
  test::TempDir dir;
  const auto a = k_clips / "a-160x90.mp4";
  const auto c = k_clips / "c-320x180.mp4";
  for (const auto& [first, second] : {std::pair{a, c}, std::pair{c, a}}) {
    const auto out = dir.path() / ("film-" + first.stem().string() + ".mp4");
    auto film = stitch_clips({{first, "first"}, {second, "second"}}, out, true, true);
    ASSERT_TRUE(film) << film.error().message;
    EXPECT_TRUE(film->reencoded);
    EXPECT_NEAR(film->duration_seconds, 2.0, 1e-9);
    auto info = inspect_media(out);
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->video_codec, "h264");
    EXPECT_EQ(info->frames, 48);
    EXPECT_NEAR(info->duration_seconds, 2.0, 1.0 / 24);
    EXPECT_EQ(info->chapters, (std::vector<std::string>{"first", "second"}));
    auto own = read_frame(first, {FramePick::Kind::first, 0});
    ASSERT_TRUE(own);
    EXPECT_EQ(info->width, own->width) << "the film has the first clip's size";
    // The first clip's frames are kept at their size: close to the originals (H.264, CRF 18).
    EXPECT_GT(*psnr(frame_at(out, 0), *own), 35.0);
    EXPECT_GT(*psnr(frame_at(out, 23), frame_at(first, 23)), 35.0);
    // The second clip follows, scaled: its first frame is not the first clip's last one.
    EXPECT_LT(*psnr(frame_at(out, 24), frame_at(out, 23)), 30.0);
  }
}

TEST(MediaTest, ReencodeCopiesIdenticalAudioAndRefusesMixedAudio) {
  test::TempDir dir;
  const auto voiced = fs::path(SORA_TEST_DATA) / "sample-clip.mp4"; // H.264 + AAC, 2 s
  auto film = reencode_clips({{voiced, "a"}, {voiced, "b"}}, dir.path() / "film.mp4", true);
  ASSERT_TRUE(film) << film.error().message;
  auto info = inspect_media(dir.path() / "film.mp4");
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_TRUE(info->has_audio);
  EXPECT_EQ(info->audio_codec, "aac");
  EXPECT_NEAR(info->duration_seconds, 4.0, 0.1);
  auto mixed = reencode_clips({{voiced, "a"}, {k_clips / "a-160x90.mp4", "silent"}},
                              dir.path() / "mixed.mp4", true);
  ASSERT_FALSE(mixed);
  EXPECT_NE(mixed.error().message.find("'silent'"), std::string::npos) << mixed.error().message;
  EXPECT_NE(mixed.error().message.find("it has no audio"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir.path() / "mixed.mp4.part"));
}

TEST(MediaTest, ReencodeRefusesAnExistingFilmAndLeavesNoPart) {
  test::TempDir dir;
  write_text(dir.path() / "film.mp4", "keep me");
  auto film = reencode_clips({{k_clips / "a-160x90.mp4", "a"}}, dir.path() / "film.mp4", false);
  ASSERT_FALSE(film);
  EXPECT_NE(film.error().message.find("already exists"), std::string::npos);
  auto bad = reencode_clips({{k_clips / "a-160x90.mp4", "a"}, {dir.path() / "film.mp4", "b"}},
                            dir.path() / "out.mp4", true);
  ASSERT_FALSE(bad);
  EXPECT_FALSE(fs::exists(dir.path() / "out.mp4"));
  EXPECT_FALSE(fs::exists(dir.path() / "out.mp4.part"));
}

TEST(MediaTest, FramesOfAWidthThatIsNoMultipleOfTheVectorSizeDecode) {
  // 360 x 3 bytes a row: libswscale wrote past the end of the packed picture (heap corruption).
  auto last = read_frame(fs::path(SORA_TEST_DATA) / "sample-clip.mp4", {FramePick::Kind::last, 0});
  ASSERT_TRUE(last) << last.error().message;
  EXPECT_EQ(last->width, 360);
  EXPECT_EQ(last->rgb.size(), 360u * 640u * 3u);
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
