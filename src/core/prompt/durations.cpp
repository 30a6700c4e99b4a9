// Durations in a prompt: timing beats and named clip lengths, in any notation the tables know.
#include "prompt/durations.hpp"

#include "prompt/prompt_text.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace sora::detail {
namespace {

// The words around durations, from every table: text may mix languages.
struct Vocabulary {
  std::vector<std::string> units, range_words, clip_nouns, gap_stop, markers, links, before, after;
  std::vector<std::pair<std::string, double>> numbers; ///< number words, longest first
};

Vocabulary vocabulary_of(const std::vector<LintTable>& tables) {
  Vocabulary v;
  auto add = [](std::vector<std::string>& to, const std::vector<std::string>& from) {
    to.insert(to.end(), from.begin(), from.end());
  };
  for (const auto& t : tables) {
    add(v.units, t.seconds_units);
    add(v.range_words, t.range_words);
    add(v.clip_nouns, t.clip_nouns);
    add(v.gap_stop, t.clip_gap_stop);
    add(v.markers, t.clip_markers);
    add(v.links, t.link_words);
    add(v.before, t.point_before);
    add(v.after, t.point_after);
    v.numbers.insert(v.numbers.end(), t.number_words.begin(), t.number_words.end());
  }
  std::stable_sort(v.numbers.begin(), v.numbers.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (auto* list : {&v.units, &v.range_words, &v.clip_nouns, &v.markers, &v.links, &v.after})
    std::stable_sort(list->begin(), list->end(),
                     [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return v;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool alnum_at(std::string_view text, std::size_t i) {
  return i < text.size() && is_ascii_alnum(text[i]);
}

// `term` at `text[i]`; an ASCII term must end at a word boundary ("s" is not the start of "stars").
bool term_at(std::string_view text, std::size_t i, std::string_view term) {
  if (text.substr(i, term.size()) != term) return false;
  return !is_ascii_alnum(term.back()) || !alnum_at(text, i + term.size());
}

// `term` ending at `text[end]`; an ASCII term must start at a word boundary.
bool term_before(std::string_view text, std::size_t end, std::string_view term) {
  if (end < term.size() || text.substr(end - term.size(), term.size()) != term) return false;
  std::size_t start = end - term.size();
  return !is_ascii_alnum(term.front()) || start == 0 || !is_ascii_alnum(text[start - 1]);
}

const std::string* term_in(std::string_view text, std::size_t i,
                           const std::vector<std::string>& terms) {
  for (const auto& term : terms)
    if (term_at(text, i, term)) return &term;
  return nullptr;
}

void skip_blanks(std::string_view text, std::size_t& i) {
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
    ++i;
}

std::size_t trim_end(std::string_view text, std::size_t end, std::string_view junk) {
  while (end > 0 && junk.find(text[end - 1]) != std::string_view::npos)
    --end;
  return end;
}

// A number word at `i` ("six", "六", "两"); an ASCII word must start at a word boundary.
std::optional<double> read_number_word(std::string_view text, std::size_t& i, const Vocabulary& v) {
  if (i > 0 && is_ascii_alnum(text[i - 1]) && is_ascii_alnum(text[i])) return std::nullopt;
  for (const auto& [word, value] : v.numbers)
    if (term_at(text, i, word)) {
      i += word.size();
      return value;
    }
  return std::nullopt;
}

// Digits with an optional decimal part, or a number word. Advances `i`.
std::optional<double> read_number(std::string_view text, std::size_t& i, const Vocabulary& v) {
  if (i < text.size() && !is_digit(text[i])) return read_number_word(text, i, v);
  std::size_t start = i;
  while (i < text.size() && is_digit(text[i]))
    ++i;
  if (i == start) return std::nullopt;
  if (i + 1 < text.size() && text[i] == '.' && is_digit(text[i + 1])) {
    ++i;
    while (i < text.size() && is_digit(text[i]))
      ++i;
  }
  return std::strtod(std::string(text.substr(start, i - start)).c_str(), nullptr);
}

bool read_term(std::string_view text, std::size_t& i, const std::vector<std::string>& terms) {
  const std::string* term = term_in(text, i, terms);
  if (term) i += term->size();
  return term != nullptr;
}

// Between the two ends of a range: '-', '~', an en or em dash, or a table's range word.
bool read_dash(std::string_view text, std::size_t& i, const Vocabulary& v) {
  if (i < text.size() && (text[i] == '-' || text[i] == '~')) {
    ++i;
    return true;
  }
  static const std::vector<std::string> dashes{"\xE2\x80\x93", "\xE2\x80\x94"};
  return read_term(text, i, dashes) || read_term(text, i, v.range_words);
}

struct Time {
  enum Kind { range, duration } kind;
  double from = 0, to = 0; ///< a duration's length is `to`
  std::size_t start = 0, end = 0;
  bool bare_s = false; ///< a duration written "Ns" with nothing between: maybe a decade
};

std::optional<Time> read_time(std::string_view text, std::size_t i, const Vocabulary& v) {
  Time time{Time::duration, 0, 0, i, i, false};
  auto from = read_number(text, i, v);
  if (!from) return std::nullopt;
  std::size_t after_number = i;
  std::size_t k = i;
  skip_blanks(text, k);
  read_term(text, k, v.units);
  skip_blanks(text, k);
  if (read_dash(text, k, v)) {
    skip_blanks(text, k);
    auto to = read_number(text, k, v);
    std::size_t m = k;
    skip_blanks(text, m);
    if (to && *to >= *from && read_term(text, m, v.units))
      return Time{Time::range, *from, *to, time.start, m, false};
  }
  k = after_number;
  if (k < text.size() && text[k] == '-')
    ++k; // "6-second"
  else
    skip_blanks(text, k);
  std::size_t unit_start = k;
  if (!read_term(text, k, v.units)) return std::nullopt;
  bool bare_s = unit_start == after_number && k == unit_start + 1 && text[unit_start] == 's';
  return Time{Time::duration, 0, *from, time.start, k, bare_s};
}

// "the 1970s", "her 20s": a whole number of tens of at least 20 with a bare "s".
bool is_decade(std::string_view text, const Time& time) {
  std::string_view digits = text.substr(time.start, time.end - time.start - 1);
  return time.bare_s && digits.size() >= 2 && digits.back() == '0' &&
         digits.find('.') == std::string_view::npos && time.to >= 20;
}

bool is_point(std::string_view text, const Time& time, const Vocabulary& v) {
  std::size_t end = trim_end(text, time.start, " \t");
  for (const auto& word : v.before)
    if (term_before(text, end, word)) return true;
  std::size_t i = time.end;
  skip_blanks(text, i);
  return term_in(text, i, v.after) != nullptr;
}

bool is_stop(std::string_view text, std::size_t i, const Vocabulary& v) {
  return term_in(text, i, v.gap_stop) != nullptr;
}

// A clip noun after the duration, past at most two words or six characters of a language
// without spaces.
bool clip_noun_follows(std::string_view text, std::size_t i, const Vocabulary& v) {
  while (i < text.size() && (text[i] == ' ' || text[i] == '-'))
    ++i;
  if (term_at(text, i, "long")) i += 4;
  int words = 0, characters = 0;
  while (i < text.size()) {
    skip_blanks(text, i);
    if (term_in(text, i, v.clip_nouns)) return true;
    if (i >= text.size() || is_stop(text, i, v)) return false;
    auto [c, size] = code_point_at(text, i);
    if (size == 1 && is_ascii_alnum(text[i]) && !is_digit(text[i])) {
      if (++words > 2) return false;
      while (alnum_at(text, i))
        ++i;
    } else if (size > 1 && is_cjk(c) && !(c >= 0x3000 && c <= 0x303F)) {
      if (++characters > 6) return false;
      i += size;
    } else {
      return false;
    }
  }
  return false;
}

bool marker_precedes(std::string_view text, std::size_t start, const Vocabulary& v) {
  std::string_view junk = " \t:=(";
  std::size_t end = trim_end(text, start, junk);
  for (const auto& link : v.links)
    if (term_before(text, end, link)) {
      end = trim_end(text, end - link.size(), junk);
      break;
    }
  for (const auto& marker : v.markers)
    if (term_before(text, end, marker)) return true;
  return false;
}

bool is_clip_length(std::string_view text, const Time& time, const Vocabulary& v) {
  return time.kind == Time::duration &&
         (clip_noun_follows(text, time.end, v) || marker_precedes(text, time.start, v));
}

// The times of one beat of folded text, in order.
std::vector<Time> times_in(std::string_view beat, const Vocabulary& v) {
  std::vector<Time> times;
  for (std::size_t i = 0; i < beat.size();) {
    bool starts = is_digit(beat[i]) ? i == 0 || !(is_ascii_alnum(beat[i - 1]) ||
                                                  beat[i - 1] == '.' || beat[i - 1] == '/')
                                    : [&] {
                                        std::size_t k = i;
                                        return read_number_word(beat, k, v).has_value();
                                      }();
    if (!starts) {
      ++i;
      continue;
    }
    auto time = read_time(beat, i, v);
    if (!time) {
      if (!is_digit(beat[i])) ++i; // a number word without a unit: "one dog"
      while (i < beat.size() && (is_digit(beat[i]) || beat[i] == '.'))
        ++i;
      continue;
    }
    times.push_back(*time);
    i = time->end;
  }
  return times;
}

// The beats of folded text: cut at ; , line breaks, 、 and 。
std::vector<std::string_view> beats_of(std::string_view text) {
  std::vector<std::string_view> beats;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size();) {
    std::size_t cut = 0;
    if (i == text.size() || text[i] == ';' || text[i] == ',' || text[i] == '\n')
      cut = 1;
    else if (text.substr(i, 3) == "\xE3\x80\x81" || text.substr(i, 3) == "\xE3\x80\x82")
      cut = 3;
    if (cut == 0) {
      ++i;
      continue;
    }
    beats.push_back(text.substr(start, i - start));
    i += cut;
    start = i;
  }
  return beats;
}

} // namespace

std::optional<double> beats_total(std::string_view original, const std::vector<LintTable>& tables) {
  Vocabulary v = vocabulary_of(tables);
  std::string text = fold(original);
  std::optional<double> total;
  double cursor = 0;
  for (std::string_view beat : beats_of(text)) {
    std::optional<double> range_end, length;
    for (const auto& time : times_in(beat, v)) {
      if (time.kind == Time::range)
        range_end = std::max(range_end.value_or(0), time.to);
      else if (!is_decade(beat, time) && !is_point(beat, time, v) && !is_clip_length(beat, time, v))
        length = length.value_or(0) + time.to;
    }
    if (range_end)
      cursor = *range_end;
    else if (length)
      cursor += *length;
    else
      continue;
    total = std::max(total.value_or(0), cursor);
  }
  return total;
}

std::vector<double> clip_lengths(std::string_view original, const std::vector<LintTable>& tables) {
  Vocabulary v = vocabulary_of(tables);
  std::string text = fold(original);
  std::vector<double> lengths;
  for (std::string_view beat : beats_of(text))
    for (const auto& time : times_in(beat, v))
      if (!is_decade(beat, time) && !is_point(beat, time, v) && is_clip_length(beat, time, v))
        lengths.push_back(time.to);
  return lengths;
}

} // namespace sora::detail
