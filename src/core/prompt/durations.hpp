// Durations in a prompt, in any notation the language tables know: timing beats and the clip
// length a prompt names.
#pragma once

#include "prompt/lint_table.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace sora::detail {

/// Where the beats of `text` end, in seconds; nullopt when there are none. The text is folded
/// and cut into beats at `;`, `,`, line breaks, `、` and `。`. A beat holding ranges (`0-2s`,
/// `0–2 秒`, `0到2秒`, `0 to 2 seconds`) ends at its latest range end; any other beat lasts the
/// sum of its durations (`2s`, `2 sec`, `2-second`, `1.5秒钟`) and follows the previous beat.
/// Not beats: time points (`at 3s`, `3秒目`, `第3秒`, `2秒后`), clip lengths (below), decades
/// (`the 1970s`) and numbers without a unit.
std::optional<double> beats_total(std::string_view text, const std::vector<LintTable>& tables);

/// The lengths `text` names for the whole clip: a duration followed by a clip noun, with at most
/// two words (or six characters in a language without spaces) between them and none of the
/// table's `clip_gap_stop` ("a 6-second clip", "6秒の動画", "6秒的视频"), or after a clip
/// marker ("duration: 6s", "时长为6秒").
std::vector<double> clip_lengths(std::string_view text, const std::vector<LintTable>& tables);

} // namespace sora::detail
