// Finding camera moves in a prompt with the language tables' phrases.
#include "prompt/camera_moves.hpp"

#include "prompt/prompt_text.hpp"

#include <algorithm>

namespace sora::detail {
namespace {

// How many words of `phrase` match `words` from `at` (0: no match).
std::size_t match_length(const std::vector<std::string>& words, std::size_t at,
                         const CameraPhrase& phrase) {
  if (at + phrase.slots.size() > words.size()) return 0;
  for (std::size_t k = 0; k < phrase.slots.size(); ++k) {
    const auto& slot = phrase.slots[k];
    if (std::find(slot.begin(), slot.end(), words[at + k]) == slot.end()) return 0;
  }
  return phrase.slots.size();
}

// The longest phrase of a words table at `at`: {length, phrase}.
std::pair<std::size_t, const CameraPhrase*> longest_at(const std::vector<std::string>& words,
                                                       std::size_t at, const LintTable& table) {
  std::pair<std::size_t, const CameraPhrase*> best{0, nullptr};
  for (const auto& phrase : table.camera_moves)
    if (std::size_t n = match_length(words, at, phrase); n > best.first) best = {n, &phrase};
  return best;
}

void find_words(const std::vector<std::string>& words, const LintTable& table,
                std::vector<CameraMatch>& found, std::vector<bool>* used) {
  for (std::size_t i = 0; i < words.size(); ++i) {
    auto [length, phrase] = longest_at(words, i, table);
    if (length == 0) continue;
    std::string said;
    for (std::size_t k = i; k < i + length; ++k) {
      said += (k == i ? "" : " ") + words[k];
      if (used) (*used)[k] = true;
    }
    found.push_back({table.language, phrase->move, said});
    i += length - 1;
  }
}

bool overlaps_except(std::string_view text, std::size_t at, std::size_t size,
                     const LintTable& table) {
  for (const auto& except : table.except) {
    // An occurrence of `except` overlaps [at, at+size) when it starts before the match ends and
    // ends after it starts.
    std::size_t from = at >= except.size() ? at - except.size() + 1 : 0;
    for (std::size_t p = text.find(except, from); p != std::string_view::npos && p < at + size;
         p = text.find(except, p + 1))
      if (p + except.size() > at) return true;
  }
  return false;
}

void find_text(std::string_view text, const LintTable& table, std::vector<CameraMatch>& found) {
  std::vector<std::pair<std::size_t, CameraMatch>> at;
  for (const auto& phrase : table.camera_moves)
    for (const auto& literal : phrase.slots.front())
      for (std::size_t p = text.find(literal); p != std::string_view::npos;
           p = text.find(literal, p + 1))
        if (!overlaps_except(text, p, literal.size(), table)) {
          at.push_back({p, {table.language, phrase.move, literal}});
          break; // one per phrase is enough to say the move is there
        }
  std::stable_sort(at.begin(), at.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [position, match] : at)
    found.push_back(std::move(match));
}

} // namespace

std::vector<CameraMatch> find_camera_moves(std::string_view text,
                                           const std::vector<LintTable>& tables) {
  std::vector<CameraMatch> found;
  std::string folded = fold(text);
  std::vector<std::string> words = words_of(folded);
  std::string joined = without_spaces(folded);
  for (const auto& table : tables) {
    if (table.words)
      find_words(words, table, found, nullptr);
    else
      find_text(joined, table, found);
  }
  return found;
}

void mark_camera_words(const std::vector<std::string>& words, const std::vector<LintTable>& tables,
                       std::vector<bool>& used) {
  std::vector<CameraMatch> ignored;
  for (const auto& table : tables)
    if (table.words) find_words(words, table, ignored, &used);
}

} // namespace sora::detail
