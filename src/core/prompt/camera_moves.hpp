// Finding camera moves in a prompt with the language tables' phrases.
#pragma once

#include "prompt/lint_table.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sora::detail {

/// A camera move found in a prompt: the table's language, the move's name and the words that
/// said it (folded: "push forward", "ドリーイン").
struct CameraMatch {
  std::string language;
  std::string move;
  std::string phrase;
};

/// Every camera move `text` states, with every table: a "words" table's phrases match whole
/// words of the folded text in sequence; a "text" table's match anywhere in the folded text
/// with spaces removed, except where the match overlaps one of the table's `except` strings
/// ("パンダ" is not a pan). In the order the tables come, then the order of the text.
std::vector<CameraMatch> find_camera_moves(std::string_view text,
                                           const std::vector<LintTable>& tables);

/// Sets `used[i]` for each of `words` (words_of a folded text) that belongs to a camera phrase
/// of a "words" table.
void mark_camera_words(const std::vector<std::string>& words, const std::vector<LintTable>& tables,
                       std::vector<bool>& used);

} // namespace sora::detail
