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
/// comes back unchanged.
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

/// Seconds of motion the timing describes: beats are `A-Bs: …` (a range, ending at B; `–` works
/// too, and `0s-2s`, `sec`, `seconds`) and `Ns: …` at the start of a line or after `;` (a beat of
/// N seconds following the previous one). The total is the latest end. Read from the timing part,
/// or from the free text when there is no timing part. nullopt when there are no beats.
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

/// Checks a prompt for what models follow badly: nothing composed (empty_prompt); more than
/// k_max_prompt_chars characters (prompt_too_long); no camera move or stance (no_camera_move:
/// pan, tilt, dolly, truck, crane, orbit, push in, pull out, zoom, tracking, static, locked-off,
/// handheld, in any inflection); a vague verb ("animate", "make it move", "bring to life") with
/// no concrete action beside it (vague_action); beats that run past `seconds`
/// (timing_over_duration; skipped when `seconds` is nullopt). Never fails; an empty result
/// means nothing to say.
std::vector<PromptWarning> lint_prompt(const PromptParts& parts,
                                       std::optional<double> seconds = std::nullopt);

} // namespace sora
