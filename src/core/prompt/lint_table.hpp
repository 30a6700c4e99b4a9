// The prompt lint's language tables (data/lint/<language>.json, compiled in): camera-move phrases
// and the words around durations, one table per language.
#pragma once

#include <sora/result.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sora::detail {

/// One camera-move phrase. In a "words" table each slot is one word and lists its alternatives
/// ("pan|pans left|right" is two slots); in a "text" table the phrase is the list of strings
/// its slots spell out ("左|右 に|へ パン" is four strings), matched anywhere in the text.
struct CameraPhrase {
  std::string move; ///< the move's name in the table: "push_in", "pan", "static"…
  std::vector<std::vector<std::string>> slots;
};

/// A language's table. See docs/prompting.md, "Adding a language", for the meaning of each field.
struct LintTable {
  std::string language; ///< "en", "ja", "zh"
  std::string name;     ///< "English"
  bool words = true;    ///< "match": "words" (split on spaces) or "text" (no spaces: substrings)
  std::string camera_hint;
  std::vector<CameraPhrase> camera_moves;
  std::vector<std::string> except; ///< text that a phrase match overlapping it does not count in
  std::vector<std::string> seconds_units;
  std::vector<std::string> range_words;
  std::vector<std::string> clip_nouns;
  std::vector<std::string> clip_gap_stop;
  std::vector<std::string> clip_markers;
  std::vector<std::string> link_words;
  std::vector<std::string> point_before;
  std::vector<std::string> point_after;
  std::vector<std::pair<std::string, double>> number_words; ///< "six": 6, "六": 6, "半": 0.5
  std::vector<std::string> vague; ///< "text" tables: vague requests ("動かして", "动起来")
  std::vector<std::string> filler; ///< "text" tables: words that carry no action ("写真", "照片")
};

/// Parses one table (JSON). Every string is folded (detail::fold) so it matches folded text.
/// An invalid_argument error names `origin` and the field when the JSON is not a table.
Result<LintTable> parse_lint_table(std::string_view json, std::string_view origin);

/// A table file compiled into sora: its file name and bytes.
struct EmbeddedTable {
  std::string_view file;
  std::string_view bytes;
};

/// The files of data/lint/ as they were when sora was built, in file-name order.
std::vector<EmbeddedTable> builtin_lint_table_files();

/// The built-in tables, parsed once. A file that does not parse is left out (the unit tests
/// parse each one, so this does not happen in a release).
const std::vector<LintTable>& builtin_lint_tables();

} // namespace sora::detail
