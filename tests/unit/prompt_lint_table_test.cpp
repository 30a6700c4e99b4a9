// The prompt lint's language tables (data/lint/*.json), text folding, camera phrases in each
// language, durations in any notation, and sora-lint directives.
#include "prompt/camera_moves.hpp"
#include "prompt/durations.hpp"
#include "prompt/lint_directive.hpp"
#include "prompt/lint_table.hpp"
#include "prompt/prompt_text.hpp"

#include <sora/prompt.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace sora::detail {
namespace {

std::set<std::string> moves_of(const LintTable& table) {
  std::set<std::string> moves;
  for (const auto& phrase : table.camera_moves)
    moves.insert(phrase.move);
  return moves;
}

TEST(LintTables, EveryBuiltInFileParsesAndNamesItsLanguage) {
  auto files = builtin_lint_table_files();
  ASSERT_GE(files.size(), 3u);
  for (const auto& file : files) {
    auto table = parse_lint_table(file.bytes, file.file);
    ASSERT_TRUE(table) << table.error().message;
    EXPECT_EQ(table->language + ".json", file.file);
  }
  EXPECT_EQ(builtin_lint_tables().size(), files.size());
}

TEST(LintTables, EveryLanguageKnowsEveryMove) {
  const std::set<std::string> all{"push_in", "pull_out", "dolly", "truck",    "pan",      "tilt",
                                  "crane",   "orbit",    "zoom",  "tracking", "handheld", "static"};
  for (const auto& table : builtin_lint_tables())
    EXPECT_EQ(moves_of(table), all) << table.language;
}

TEST(LintTables, ABadTableNamesItsProblem) {
  EXPECT_FALSE(parse_lint_table("[]", "x.json"));
  auto missing = parse_lint_table(R"({"language":"xx","name":"X","camera_hint":"h",
      "match":"text","camera_moves":{"pan":[]},"seconds_units":["s"]})",
                                  "xx.json");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("xx.json"), std::string::npos);
  EXPECT_NE(missing.error().message.find("\"pan\""), std::string::npos) << missing.error().message;
  auto bad_match = parse_lint_table(R"({"language":"xx","name":"X","camera_hint":"h",
      "match":"spaces","camera_moves":{"pan":["p"]},"seconds_units":["s"]})",
                                    "xx.json");
  ASSERT_FALSE(bad_match);
  EXPECT_NE(bad_match.error().message.find("\"match\""), std::string::npos);
}

TEST(LintTables, TextPhrasesSpellOutTheirSlots) {
  auto table = parse_lint_table(R"({"language":"xx","name":"X","camera_hint":"h","match":"text",
      "camera_moves":{"pan":["左|右 に|へ パン"]},"seconds_units":["秒"]})",
                                "xx.json");
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_EQ(table->camera_moves.at(0).slots.at(0),
            (std::vector<std::string>{"左にパン", "左へパン", "右にパン", "右へパン"}));
}

TEST(PromptText, FoldsCaseAndFullWidthFormsAndKeepsUtf8) {
  EXPECT_EQ(fold("Push IN"), "push in");
  EXPECT_EQ(fold("０〜２秒：ＯＫ"), "0~2秒:ok");
  EXPECT_EQ(fold("café\xff"), "café\xff") << "invalid bytes are kept as they are";
  EXPECT_EQ(words_of(fold("故宫，Slow dolly-in “zoom”")),
            (std::vector<std::string>{"slow", "dolly", "in", "zoom"}));
}

std::vector<std::string> moves_in(std::string_view text) {
  std::vector<std::string> moves;
  for (const auto& match : find_camera_moves(text, builtin_lint_tables()))
    moves.push_back(match.move);
  return moves;
}

TEST(CameraMoves, PhrasesInEachLanguage) {
  struct Case {
    const char* text;
    const char* move;
  };
  for (auto [text, move] : std::vector<Case>{
           {"slow camera push forward (approx 6 degrees)", "push_in"},
           {"the camera pulls back to reveal the city", "pull_out"},
           {"Trucking left along the wall", "truck"},
           {"whip pan to the door", "pan"},
           {"Camera: static", "static"},
           {"a locked-off frame", "static"},
           {"カメラは 2 秒かけてゆっくりドリーイン", "push_in"},
           {"1.5 秒のパン左", "pan"},
           {"ゆっくりティルトアップ", "tilt"},
           {"ズームアウト", "zoom"},
           {"固定カメラ", "static"},
           {"镜头缓缓推进", "push_in"},
           {"镜头拉远", "pull_out"},
           {"向左摇镜", "pan"},
           {"跟拍一位老人", "tracking"},
           {"固定镜头", "static"},
       }) {
    auto moves = moves_in(text);
    EXPECT_NE(std::find(moves.begin(), moves.end(), move), moves.end()) << text;
  }
}

TEST(CameraMoves, WordsThatOnlyLookLikeMoves) {
  for (const char* text :
       {"a red truck drives by", "a crane stands in the marsh", "she tilts her head",
        "pots and pans", "a panorama", "パンダがパンを食べる", "フライパン", "火箭推进器",
        "她手持雨伞", "群山之间的推拉门"})
    EXPECT_TRUE(moves_in(text).empty()) << text << ": " << moves_in(text).front();
}

std::optional<double> beats(std::string_view text) {
  return beats_total(text, builtin_lint_tables());
}

TEST(Durations, EveryNotationOfABeat) {
  for (auto [text, seconds] : std::vector<std::pair<const char*, double>>{
           {"2s: hold", 2},
           {"2 s: hold", 2},
           {"hold 2 sec", 2},
           {"hold for 2 seconds", 2},
           {"a 6-second hold", 6},
           {"0.5秒静止", 0.5},
           {"2 秒のドリーイン", 2},
           {"1.5秒钟的停顿", 1.5},
           {"0-2s: hold", 2},
           {"0–2s: hold", 2},
           {"2-4 秒: パン", 4},
           {"0〜2秒：静止", 2},
           {"0到3秒：推进", 3},
           {"0 to 2 seconds: hold", 2},
           {"２秒：静止", 2},
       })
    EXPECT_EQ(beats(text), seconds) << text;
}

TEST(Durations, NumberWords) {
  EXPECT_EQ(beats("hold for two seconds, then a six-second pan"), 8.0);
  EXPECT_EQ(beats("half a second of stillness; three sec: pan"), 3.5);
  EXPECT_EQ(beats("两秒：抬头，三秒钟：转身，半秒：停"), 5.5);
  EXPECT_EQ(beats("十二秒"), 12.0);
  EXPECT_EQ(beats("one dog, two cats; someone waves"), std::nullopt) << "no unit, no beat";
  EXPECT_EQ(beats("第一秒"), std::nullopt);
  EXPECT_EQ(clip_lengths("一段十秒的视频", builtin_lint_tables()), std::vector<double>{10});
}

TEST(Durations, BeatsAddUpAcrossSeparators) {
  EXPECT_EQ(beats("0.5 秒静止で開始、2 秒のドリーイン、1 秒のポーズ、1.5 秒のパン左"), 5.0);
  EXPECT_EQ(beats("2秒：抬头，1.5秒钟：微笑；2 秒：转身"), 5.5);
  EXPECT_EQ(beats("0-2s: hold, then 3s: pan"), 5.0);
}

TEST(Durations, NotBeats) {
  for (const char* text :
       {"at 3s the door closes", "3秒目に音", "第3秒门铃响", "2秒后抬头", "a 1970s kitchen",
        "her 20s", "1/50s shutter", "a 6-second clip", "24-70mm, 3-4 people", "5 stars"})
    EXPECT_EQ(beats(text), std::nullopt) << text;
}

TEST(Durations, ClipLengthsNamed) {
  auto lengths = [](std::string_view text) { return clip_lengths(text, builtin_lint_tables()); };
  EXPECT_EQ(lengths("a subtle cinematic 6-second clip: slow push"), std::vector<double>{6});
  EXPECT_EQ(lengths("an 8 second vertical video"), std::vector<double>{8});
  EXPECT_EQ(lengths("Duration: 12 seconds."), std::vector<double>{12});
  EXPECT_EQ(lengths("6秒の動画"), std::vector<double>{6});
  EXPECT_EQ(lengths("一段8秒的视频"), std::vector<double>{8});
  EXPECT_EQ(lengths("时长为10秒"), std::vector<double>{10});
  for (const char* text :
       {"the first 2 seconds of the clip", "2 秒のドリーイン", "a 2-second hold", "2秒后视频结束"})
    EXPECT_TRUE(lengths(text).empty()) << text;
}

TEST(LintDirective, LinesAreFoundAndLeftOut) {
  EXPECT_TRUE(is_lint_directive("  Sora-Lint: ignore=x"));
  EXPECT_FALSE(is_lint_directive("not sora-lint: here"));
  EXPECT_EQ(without_directives("a\nsora-lint: ignore=x\nb"), "a\nb");
  EXPECT_EQ(without_directives("plain"), "plain");
  EXPECT_EQ(directive_rules("x\nsora-lint: ignore=no_camera_move, Duration_Mismatch\n"
                            "sora-lint: ignore vague_action\r\n"),
            (std::vector<std::string>{"no_camera_move", "duration_mismatch", "vague_action"}));
  EXPECT_EQ(directive_rules("sora-lint: off"), std::vector<std::string>{"off"});
}

TEST(LintDirective, ComposeNeverSendsIt) {
  PromptParts parts;
  parts.free = "a candle\nsora-lint: ignore=no_camera_move\n";
  EXPECT_EQ(compose(parts), "a candle");
  parts.shot = "close-up\nsora-lint: ignore=vague_action";
  EXPECT_EQ(compose(parts), "a candle\nShot: close-up");
}

} // namespace
} // namespace sora::detail
