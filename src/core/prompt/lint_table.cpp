// The prompt lint's language tables: parsing data/lint/<language>.json.
#include "prompt/lint_table.hpp"

#include "prompt/prompt_text.hpp"

#include <nlohmann/json.hpp>

namespace sora::detail {
namespace {

using json = nlohmann::json;

Unexpected bad_table(std::string_view origin, const std::string& what) {
  return unexpected(ErrorCode::invalid_argument,
                    "The lint table " + std::string(origin) + " " + what + ".",
                    "See docs/prompting.md, \"Adding a language\", for the fields of a table.");
}

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> out;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t stop = text.find(separator, start);
    if (stop == std::string_view::npos) stop = text.size();
    if (stop > start) out.emplace_back(text.substr(start, stop - start));
    start = stop + 1;
  }
  return out;
}

// Every string the slots spell out, in order: {"a","b"} x {"1","2"} -> a1 a2 b1 b2.
std::vector<std::string> spell_out(const std::vector<std::vector<std::string>>& slots) {
  std::vector<std::string> out{""};
  for (const auto& slot : slots) {
    std::vector<std::string> next;
    for (const auto& prefix : out)
      for (const auto& alternative : slot)
        next.push_back(prefix + alternative);
    out = std::move(next);
  }
  return out;
}

CameraPhrase phrase_of(std::string move, std::string_view text, bool words) {
  CameraPhrase phrase{std::move(move), {}};
  for (const auto& slot : split(fold(text), ' '))
    phrase.slots.push_back(split(slot, '|'));
  if (!words) phrase.slots = {spell_out(phrase.slots)};
  return phrase;
}

// A list of strings, folded; a missing field is an empty list.
Result<std::vector<std::string>> strings(const json& doc, const char* field,
                                         std::string_view origin) {
  std::vector<std::string> out;
  if (!doc.contains(field)) return out;
  const json& value = doc[field];
  if (!value.is_array()) return bad_table(origin, std::string("has \"") + field + "\" not a list");
  for (const auto& item : value) {
    if (!item.is_string() || item.get<std::string>().empty())
      return bad_table(origin, std::string("has an empty or non-string item in \"") + field + "\"");
    out.push_back(fold(item.get<std::string>()));
  }
  return out;
}

} // namespace

Result<LintTable> parse_lint_table(std::string_view text, std::string_view origin) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return bad_table(origin, "is not a JSON object");
  LintTable table;
  for (auto [field, member] : {std::pair{"language", &table.language},
                               {"name", &table.name},
                               {"camera_hint", &table.camera_hint}}) {
    if (!doc.contains(field) || !doc[field].is_string() || doc[field].get<std::string>().empty())
      return bad_table(origin, std::string("needs \"") + field + "\" (a string)");
    *member = doc[field].get<std::string>();
  }
  std::string match = doc.value("match", "");
  if (match != "words" && match != "text")
    return bad_table(origin, "needs \"match\": \"words\" or \"text\"");
  table.words = match == "words";
  const json& moves = doc.contains("camera_moves") ? doc["camera_moves"] : json();
  if (!moves.is_object() || moves.empty())
    return bad_table(origin, "needs \"camera_moves\" (an object of lists of phrases)");
  for (const auto& [move, phrases] : moves.items()) {
    auto list = strings(moves, move.c_str(), origin);
    if (!list) return unexpected(list.error());
    if (list->empty()) return bad_table(origin, "has no phrases for the move \"" + move + "\"");
    for (const auto& phrase : *list)
      table.camera_moves.push_back(phrase_of(move, phrase, table.words));
  }
  struct Field {
    const char* name;
    std::vector<std::string>* member;
  };
  for (auto [name, member] :
       {Field{"except", &table.except}, Field{"seconds_units", &table.seconds_units},
        Field{"range_words", &table.range_words}, Field{"clip_nouns", &table.clip_nouns},
        Field{"clip_gap_stop", &table.clip_gap_stop}, Field{"clip_markers", &table.clip_markers},
        Field{"link_words", &table.link_words}, Field{"point_before", &table.point_before},
        Field{"point_after", &table.point_after}, Field{"vague", &table.vague},
        Field{"filler", &table.filler}}) {
    auto list = strings(doc, name, origin);
    if (!list) return unexpected(list.error());
    *member = std::move(*list);
  }
  if (table.seconds_units.empty()) return bad_table(origin, "needs \"seconds_units\"");
  if (doc.contains("number_words")) {
    const json& numbers = doc["number_words"];
    if (!numbers.is_object()) return bad_table(origin, "has \"number_words\" not an object");
    for (const auto& [word, value] : numbers.items()) {
      if (word.empty() || !value.is_number() || value.get<double>() < 0)
        return bad_table(origin, "has \"number_words\" with \"" + word + "\" not a number");
      table.number_words.emplace_back(fold(word), value.get<double>());
    }
  }
  return table;
}

const std::vector<LintTable>& builtin_lint_tables() {
  static const std::vector<LintTable> tables = [] {
    std::vector<LintTable> out;
    for (const auto& file : builtin_lint_table_files())
      if (auto table = parse_lint_table(file.bytes, file.file)) out.push_back(std::move(*table));
    return out;
  }();
  return tables;
}

} // namespace sora::detail
