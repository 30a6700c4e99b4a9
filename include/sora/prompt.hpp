// Directed prompts: the five parts of a shot composed into one prompt, the sectioned prompt file,
// and a lint for what models follow badly.
#pragma once

#include <sora/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sora {

/// A prompt in parts. `free` is plain text (`--prompt`, or the text of a prompt file before any
/// section); the others are the five parts of a directed shot, then what must not change.
/// Empty members are left out of the composition.
struct PromptParts {
  std::string free;
  std::string shot;     ///< shot type and framing: "medium close-up, eye level, 35 mm"
  std::string action;   ///< what happens: "she turns her head and smiles"
  std::string timing;   ///< motion timing, in beats: "0-2s: hold; 2-4s: slow push in"
  std::string lighting; ///< lighting and atmosphere: "late afternoon sun, light haze"
  std::string audio;    ///< audio cues: "distant traffic, a door closes at 3s"
  std::string keep;     ///< what must not change: colours, props, identity

  /// True when every part is empty or white space.
  bool empty() const noexcept;
};

/// One section of a prompt: its name in files and manifests (`shot`), and its label in the
/// composed prompt (`Shot`).
struct PromptSection {
  std::string_view name;
  std::string_view label;
  std::string PromptParts::*member;
};

/// The sections in composition order: shot, action, timing, lighting, audio, keep.
const std::vector<PromptSection>& prompt_sections();

/// Joins the parts into one prompt in this order: the free text as written (trimmed), then one
/// labelled line per part: "Shot: …", "Action: …", "Timing: …", "Lighting: …", "Audio: …" and
/// "Keep unchanged: …", separated by newlines. The lines of a multi-line part are joined with
/// "; " (a space after a line ending in punctuation); empty parts are left out. Free text alone
/// comes back unchanged. Lines starting with `sora-lint:` (lint directives) are left out of
/// every part.
std::string compose(const PromptParts& parts);

/// Parses the text of a prompt file. Lines such as `[shot]` (alone on a line, any case) start a
/// section: shot, action, timing, lighting, audio or keep; text before the first section is the
/// free prompt. A file without section lines is a plain prompt: `free` is the whole text with
/// trailing line breaks removed, exactly as before sections existed. An unknown or repeated
/// section is an invalid_argument error naming `source` (the file's name, for messages), the line
/// and the valid names.
Result<PromptParts> parse_prompt_file(std::string_view text, std::string_view source = "prompt");

/// `overrides`' non-empty parts replace those of `base` (flags win over a prompt file's sections).
PromptParts merge_prompt_parts(PromptParts base, const PromptParts& overrides);

/// Seconds of motion the timing describes, in any notation (docs/prompting.md, "Durations"):
/// ranges (`0-2s`, `0–2 秒`, `0到2秒`, `0 to 2 seconds`) end at their end; other durations
/// (`2s`, `2 sec`, `6-second`, `0.5秒`, `1.5秒钟`) are beats that follow the previous one. Beats
/// are cut at `;`, `,`, line breaks, `、` and `。`; a beat with a range ends at its latest range,
/// one without lasts the sum of its durations. Time points (`at 3s`, `3秒目`, `第3秒`), clip
/// lengths (`a 6-second clip`) and decades (`the 1970s`) are not beats. The total is where the
/// last beat ends. Read from the timing part, or from the free text when there is no timing
/// part. nullopt when there are no beats.
std::optional<double> timing_total_seconds(const PromptParts& parts);

/// A lint finding: a stable `code` (for scripts) and a message that says how to fix it.
struct PromptWarning {
  std::string code;
  std::string message;
};

/// Stable lint codes.
inline constexpr std::string_view k_lint_empty = "empty_prompt";
inline constexpr std::string_view k_lint_too_long = "prompt_too_long";
inline constexpr std::string_view k_lint_no_camera = "no_camera_move";
inline constexpr std::string_view k_lint_vague = "vague_action";
inline constexpr std::string_view k_lint_timing = "timing_over_duration";
inline constexpr std::string_view k_lint_duration_mismatch = "duration_mismatch";
inline constexpr std::string_view k_lint_unknown_rule = "unknown_lint_rule";

/// Every lint code, in the order the lint checks them.
const std::vector<std::string_view>& lint_rules();

/// Checks a prompt for what models follow badly (docs/prompting.md has each rule with examples):
/// nothing composed (empty_prompt); more than k_max_prompt_chars characters (prompt_too_long);
/// no camera move or stance in any language table (no_camera_move: phrases such as "pan left",
/// "push forward", "locked-off camera", "ドリーイン", "パン左", "推进", "固定镜头"); a vague verb
/// ("animate", "make it move", "bring to life", "動かして", "动起来") with no concrete action
/// beside it (vague_action);
/// beats that run past `seconds` (timing_over_duration); a clip length named in the prompt
/// ("a 6-second clip", "6秒の動画") other than `seconds` (duration_mismatch, naming both). The
/// last two are skipped when `seconds` is nullopt. Rules named in `allow`, or on a
/// `sora-lint: ignore=RULE[,RULE…]` line of the prompt (a line compose() leaves out), are
/// silenced; a name on such a line that is no rule is itself a finding (unknown_lint_rule).
/// Never fails; an empty result means nothing to say.
std::vector<PromptWarning> lint_prompt(const PromptParts& parts,
                                       std::optional<double> seconds = std::nullopt,
                                       const std::vector<std::string>& allow = {});

} // namespace sora
