// Directed prompts: composition order, sectioned prompt files, timing beats and every lint rule.
#include "hints.hpp"

#include <sora/prompt.hpp>
#include <sora/validate.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace sora {
namespace {

bool has(const std::vector<PromptWarning>& warnings, std::string_view code) {
  return std::any_of(warnings.begin(), warnings.end(),
                     [&](const PromptWarning& w) { return w.code == code; });
}

const PromptWarning* find(const std::vector<PromptWarning>& warnings, std::string_view code) {
  auto it = std::find_if(warnings.begin(), warnings.end(),
                         [&](const PromptWarning& w) { return w.code == code; });
  return it == warnings.end() ? nullptr : &*it;
}

PromptParts free_text(std::string text) {
  PromptParts parts;
  parts.free = std::move(text);
  return parts;
}

PromptParts all_parts() {
  PromptParts parts;
  parts.keep = "the red scarf";
  parts.audio = "wind";
  parts.lighting = "golden hour";
  parts.timing = "0-2s: hold; 2-4s: push in";
  parts.action = "she turns and smiles";
  parts.shot = "medium close-up";
  parts.free = "A woman on a pier.";
  return parts;
}

// --- compose ------------------------------------------------------------------------------------

TEST(PromptCompose, JoinsThePartsInOrderAsLabelledLines) {
  EXPECT_EQ(compose(all_parts()), "A woman on a pier.\n"
                                  "Shot: medium close-up\n"
                                  "Action: she turns and smiles\n"
                                  "Timing: 0-2s: hold; 2-4s: push in\n"
                                  "Lighting: golden hour\n"
                                  "Audio: wind\n"
                                  "Keep unchanged: the red scarf");
}

TEST(PromptCompose, LeavesOutEmptyPartsAndTrims) {
  PromptParts parts;
  parts.action = "  a dog runs \n";
  parts.lighting = "   ";
  parts.audio = "barking";
  EXPECT_EQ(compose(parts), "Action: a dog runs\nAudio: barking");
}

TEST(PromptCompose, AMultiLinePartBecomesOneLine) {
  PromptParts parts;
  parts.free = "A harbour.\n\nFishing boats.";
  parts.timing = "0-2s: hold\n\n  2-4s: push in\n";
  parts.lighting = "Golden hour.\nLight haze";
  EXPECT_EQ(compose(parts), "A harbour.\n\nFishing boats.\n"
                            "Timing: 0-2s: hold; 2-4s: push in\n"
                            "Lighting: Golden hour. Light haze");
}

TEST(PromptCompose, FreeTextAloneIsUnchanged) {
  EXPECT_EQ(compose(free_text("  a cat surfing\n\n")), "  a cat surfing\n\n");
  EXPECT_EQ(compose(PromptParts{}), "");
}

TEST(PromptCompose, SectionsAreListedInCompositionOrder) {
  std::vector<std::string> names;
  for (const auto& section : prompt_sections())
    names.emplace_back(section.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"shot", "action", "timing", "lighting", "audio", "keep"}));
}

TEST(PromptParts, EmptyMeansOnlyWhiteSpace) {
  EXPECT_TRUE(PromptParts{}.empty());
  PromptParts parts;
  parts.audio = " \n";
  EXPECT_TRUE(parts.empty());
  parts.keep = "x";
  EXPECT_FALSE(parts.empty());
}

TEST(PromptParts, OverridesReplaceOnlyTheirNonEmptyParts) {
  PromptParts file = all_parts();
  PromptParts flags;
  flags.shot = "wide shot";
  auto merged = merge_prompt_parts(file, flags);
  EXPECT_EQ(merged.shot, "wide shot");
  EXPECT_EQ(merged.action, file.action);
  EXPECT_EQ(merged.free, file.free);
}

// --- parse_prompt_file --------------------------------------------------------------------------

TEST(PromptFile, WithoutSectionsIsAPlainPrompt) {
  auto parts = parse_prompt_file("  a paper boat\n[not a header] at all\n\n");
  ASSERT_TRUE(parts) << parts.error().message;
  EXPECT_EQ(parts->free, "  a paper boat\n[not a header] at all");
  EXPECT_EQ(compose(*parts), parts->free);
  EXPECT_TRUE(parts->shot.empty());
}

TEST(PromptFile, ReadsSectionsAndTheFreeTextBeforeThem) {
  auto parts = parse_prompt_file("A lighthouse.\n"
                                 "\n"
                                 "[Shot]\n"
                                 "wide shot, slow dolly in\n"
                                 "[action]\r\n"
                                 "waves break on the rocks\r\n"
                                 "  [ timing ]  \n"
                                 "0-2s: waves\n"
                                 "2-4s: the lamp turns\n"
                                 "[lighting]\n"
                                 "[audio]\n"
                                 "surf\n"
                                 "[keep]\n"
                                 "the striped tower\n");
  ASSERT_TRUE(parts) << parts.error().message;
  EXPECT_EQ(parts->free, "A lighthouse.");
  EXPECT_EQ(parts->shot, "wide shot, slow dolly in");
  EXPECT_EQ(parts->action, "waves break on the rocks");
  EXPECT_EQ(parts->timing, "0-2s: waves\n2-4s: the lamp turns");
  EXPECT_EQ(parts->lighting, "");
  EXPECT_EQ(parts->audio, "surf");
  EXPECT_EQ(parts->keep, "the striped tower");
}

TEST(PromptFile, UnknownSectionNamesTheLineAndTheValidNames) {
  auto parts = parse_prompt_file("intro\n[shot]\nwide\n[camera]\npan left\n", "dolly.txt");
  ASSERT_FALSE(parts);
  EXPECT_EQ(parts.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(parts.error().message.find("[camera]"), std::string::npos) << parts.error().message;
  EXPECT_NE(parts.error().message.find("line 4 of dolly.txt"), std::string::npos)
      << parts.error().message;
  EXPECT_NE(parts.error().hint.find("[shot], [action], [timing], [lighting], [audio] and [keep]"),
            std::string::npos)
      << parts.error().hint;
}

TEST(PromptFile, RepeatedSectionNamesBothLines) {
  auto parts = parse_prompt_file("[audio]\nsurf\n\n[audio]\ngulls\n");
  ASSERT_FALSE(parts);
  EXPECT_NE(parts.error().message.find("line 4"), std::string::npos) << parts.error().message;
  EXPECT_NE(parts.error().message.find("line 1"), std::string::npos) << parts.error().message;
}

TEST(PromptFile, OnlySectionHeadersComposeToNothing) {
  auto parts = parse_prompt_file("[shot]\n\n[action]\n");
  ASSERT_TRUE(parts);
  EXPECT_TRUE(parts->empty());
  EXPECT_EQ(compose(*parts), "");
}

// --- timing -------------------------------------------------------------------------------------

TEST(PromptTiming, RangesEndAtTheirLatestEnd) {
  PromptParts parts;
  parts.timing = "0-2s: hold; 2–5s: push in";
  EXPECT_EQ(timing_total_seconds(parts), 5.0);
  parts.timing = "0s - 1.5s: hold\n1.5 – 3 seconds: tilt up";
  EXPECT_EQ(timing_total_seconds(parts), 3.0);
  parts.timing = "- 0-2 Sec: hold\n- 6-8S: zoom";
  EXPECT_EQ(timing_total_seconds(parts), 8.0);
}

TEST(PromptTiming, DurationBeatsAddUp) {
  PromptParts parts;
  parts.timing = "2s: hold; 3s: push in\n1.5 seconds: cut";
  EXPECT_EQ(timing_total_seconds(parts), 6.5);
  parts.timing = "0-2s: hold; 3s: pan left"; // a beat follows the range before it
  EXPECT_EQ(timing_total_seconds(parts), 5.0);
}

TEST(PromptTiming, IgnoresNumbersThatAreNotBeats) {
  PromptParts parts;
  parts.timing = "a 24-70mm lens, 1920x1080, 3-4 people, a door closes at 3s: then quiet";
  EXPECT_EQ(timing_total_seconds(parts), std::nullopt);
  parts.timing = "";
  parts.free = "0-6s: the camera pans across the bay";
  EXPECT_EQ(timing_total_seconds(parts), 6.0) << "free text is read when there is no timing part";
}

// --- lint ---------------------------------------------------------------------------------------

TEST(PromptLint, AWellDirectedPromptHasNoWarnings) {
  auto warnings = lint_prompt(all_parts(), 4);
  EXPECT_TRUE(warnings.empty()) << warnings.front().code << ": " << warnings.front().message;
}

TEST(PromptLint, EmptyComposition) {
  auto warnings = lint_prompt(PromptParts{}, 4);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].code, k_lint_empty);
  EXPECT_FALSE(has(lint_prompt(free_text("x"), 4), k_lint_empty));
}

TEST(PromptLint, TooLongUsesTheApiLimitInCharacters) {
  std::string at_limit;
  for (std::size_t i = 0; i < k_max_prompt_chars; ++i)
    at_limit += "\xC3\xA9"; // é, two bytes
  EXPECT_FALSE(has(lint_prompt(free_text(at_limit)), k_lint_too_long));
  auto warnings = lint_prompt(free_text(at_limit + "x"));
  const auto* w = find(warnings, k_lint_too_long);
  ASSERT_NE(w, nullptr);
  EXPECT_NE(w->message.find(std::to_string(k_max_prompt_chars + 1)), std::string::npos);
  EXPECT_NE(w->message.find("Shorten it by 1 "), std::string::npos) << w->message;
}

TEST(PromptLint, NoCameraMoveFires) {
  for (const char* text : {"a cat surfing", "a panorama of the Alps", "a red truck drives by",
                           "a crane stands in the marsh", "she pushes the door",
                           "a Japanese "
                           "pantry"}) {
    auto warnings = lint_prompt(free_text(text));
    const auto* w = find(warnings, k_lint_no_camera);
    ASSERT_NE(w, nullptr) << text;
    EXPECT_NE(w->message.find("dolly"), std::string::npos);
  }
}

TEST(PromptLint, CameraVerbsInAnyInflectionAndCase) {
  for (const char* text : {"Slow PAN left",
                           "the camera pans",
                           "panning across",
                           "tilt up",
                           "Tilting down",
                           "dolly in",
                           "dollies back",
                           "truck left along the wall",
                           "trucking right",
                           "crane up",
                           "craning over the roofs",
                           "orbit the statue",
                           "orbiting",
                           "push in",
                           "pushes in slowly",
                           "push-in on her face",
                           "pull out",
                           "pulling back",
                           "zoom",
                           "zooming in",
                           "Zooms",
                           "static shot",
                           "a locked-off camera",
                           "handheld",
                           "tracking shot"}) {
    EXPECT_FALSE(
        has(lint_prompt(free_text(std::string("a lighthouse, ") + text)), k_lint_no_camera))
        << text;
  }
}

TEST(PromptLint, CameraVerbCountsInAnyPart) {
  PromptParts parts;
  parts.action = "a dog runs along the beach";
  EXPECT_TRUE(has(lint_prompt(parts), k_lint_no_camera));
  parts.timing = "0-2s: slow pan right";
  EXPECT_FALSE(has(lint_prompt(parts), k_lint_no_camera));
}

TEST(PromptLint, VagueVerbsAloneFire) {
  for (const char* text : {"animate this photo", "Make it move", "bring this picture to life",
                           "animate my grandmother", "please bring it to life, slow dolly in"}) {
    auto warnings = lint_prompt(free_text(text));
    const auto* w = find(warnings, k_lint_vague);
    ASSERT_NE(w, nullptr) << text;
    // The core names the setting (`action`); the CLI says the flag.
    EXPECT_NE(w->message.find("`action`"), std::string::npos);
    EXPECT_NE(sora::cli::cli_words(w->message).find("--action"), std::string::npos);
  }
  auto warnings = lint_prompt(free_text("Make it move"));
  EXPECT_NE(find(warnings, k_lint_vague)->message.find("\"make it move\""), std::string::npos);
}

TEST(PromptLint, VagueVerbsBesideAConcreteActionDoNotFire) {
  EXPECT_FALSE(has(lint_prompt(free_text("animate: the dog runs toward the sea")), k_lint_vague));
  PromptParts parts = free_text("bring it to life");
  parts.action = "the old man lifts his hat and waves";
  EXPECT_FALSE(has(lint_prompt(parts), k_lint_vague));
  EXPECT_FALSE(has(lint_prompt(free_text("a moving train, slow pan")), k_lint_vague));
  EXPECT_FALSE(has(lint_prompt(free_text("an animal at dawn")), k_lint_vague));
}

TEST(PromptLint, TimingOverTheDuration) {
  PromptParts parts;
  parts.shot = "static shot";
  parts.timing = "0-3s: hold; 3-6s: she waves";
  auto warnings = lint_prompt(parts, 4);
  const auto* w = find(warnings, k_lint_timing);
  ASSERT_NE(w, nullptr);
  EXPECT_NE(w->message.find("runs to 6s"), std::string::npos) << w->message;
  EXPECT_NE(sora::cli::cli_words(w->message).find("--seconds 8"), std::string::npos) << w->message;
  EXPECT_FALSE(has(lint_prompt(parts, 8), k_lint_timing));
  EXPECT_FALSE(has(lint_prompt(parts, std::nullopt), k_lint_timing)) << "unknown duration";
  parts.timing = "2s: hold; 2.5s: wave";
  EXPECT_NE(find(lint_prompt(parts, 4), k_lint_timing)->message.find("4.5s"), std::string::npos);
  parts.timing = "0-30s: everything";
  warnings = lint_prompt(parts, 20);
  w = find(warnings, k_lint_timing);
  ASSERT_NE(w, nullptr);
  EXPECT_NE(w->message.find("split the shot"), std::string::npos) << w->message;
}

TEST(PromptLint, TimingExactlyTheDurationIsFine) {
  PromptParts parts;
  parts.shot = "static shot";
  parts.timing = "0-2s: hold; 2-4s: she waves";
  EXPECT_FALSE(has(lint_prompt(parts, 4), k_lint_timing));
}

TEST(PromptLint, DurationMismatchNamesBothNumbers) {
  auto warnings = lint_prompt(free_text("a 6-second clip, slow pan left"), 4);
  const auto* w = find(warnings, k_lint_duration_mismatch);
  ASSERT_NE(w, nullptr);
  EXPECT_NE(w->message.find("6s clip"), std::string::npos) << w->message;
  EXPECT_NE(w->message.find("4s long"), std::string::npos) << w->message;
  EXPECT_FALSE(
      has(lint_prompt(free_text("a 4-second clip, slow pan left"), 4), k_lint_duration_mismatch));
  EXPECT_FALSE(
      has(lint_prompt(free_text("a 6-second clip, slow pan left")), k_lint_duration_mismatch))
      << "unknown duration";
}

TEST(PromptLint, AllowAndDirectivesSilenceOneRule) {
  EXPECT_TRUE(lint_prompt(free_text("a cat surfing"), 4, {"no_camera_move"}).empty());
  PromptParts parts;
  parts.action = "a cat surfing";
  parts.keep = "the board\nsora-lint: ignore=no_camera_move";
  EXPECT_TRUE(lint_prompt(parts, 4).empty()) << "a directive in any part";
  parts.timing = "0-6s: surf";
  auto warnings = lint_prompt(parts, 4);
  ASSERT_EQ(warnings.size(), 1u) << "only the named rule is silenced";
  EXPECT_EQ(warnings[0].code, k_lint_timing);
}

TEST(PromptLint, EveryRuleIsListed) {
  for (auto code : {k_lint_empty, k_lint_too_long, k_lint_no_camera, k_lint_vague, k_lint_timing,
                    k_lint_duration_mismatch, k_lint_unknown_rule})
    EXPECT_NE(std::find(lint_rules().begin(), lint_rules().end(), code), lint_rules().end())
        << code;
}

} // namespace
} // namespace sora
