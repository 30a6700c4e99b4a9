// Directed prompts: composing the parts, reading sectioned prompt files, and the prompt lint.
#include "common/text.hpp"

#include <sora/prompt.hpp>
#include <sora/validate.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace sora {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return text;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_ascii_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Word characters: ASCII letters and digits, and every byte of a multi-byte UTF-8 character, so
// "café" stays one word and never ends in "caf".
bool is_word_char(char c) {
  return is_ascii_letter(c) || is_digit(c) || static_cast<unsigned char>(c) >= 0x80;
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string lower = detail::ascii_lower(text);
  std::size_t i = 0;
  while (i < lower.size()) {
    while (i < lower.size() && !is_word_char(lower[i]))
      ++i;
    std::size_t start = i;
    while (i < lower.size() && is_word_char(lower[i]))
      ++i;
    if (i > start) words.push_back(lower.substr(start, i - start));
  }
  return words;
}

bool one_of(const std::string& word, std::initializer_list<std::string_view> forms) {
  return std::find(forms.begin(), forms.end(), word) != forms.end();
}

// Marks the words that describe the camera (a move, or holding still) and returns how many
// phrases were found. `used[i]` is set for each word of such a phrase.
int mark_camera_phrases(const std::vector<std::string>& w, std::vector<bool>& used) {
  int found = 0;
  auto next_is = [&](std::size_t i, std::initializer_list<std::string_view> forms) {
    return i + 1 < w.size() && one_of(w[i + 1], forms);
  };
  for (std::size_t i = 0; i < w.size(); ++i) {
    std::size_t length = 0;
    if (one_of(w[i], {"pan",     "pans",     "panned",   "panning", "tilt",    "tilts",
                      "tilted",  "tilting",  "dolly",    "dollies", "dollied", "dollying",
                      "zoom",    "zooms",    "zoomed",   "zooming", "orbit",   "orbits",
                      "orbited", "orbiting", "tracking", "static",  "handheld"}))
      length = 1;
    // "a red truck", "a crane in the marsh": only a move with a direction or as a shot.
    else if (one_of(w[i], {"truck", "trucks", "trucked", "trucking", "crane", "cranes", "craned",
                           "craning"}) &&
             next_is(i, {"left", "right", "up", "down", "in", "out", "over", "across", "along",
                         "past", "back", "forward", "around", "shot"}))
      length = 2;
    else if (one_of(w[i], {"push", "pushes", "pushed", "pushing"}) && next_is(i, {"in"}))
      length = 2;
    else if (one_of(w[i], {"pull", "pulls", "pulled", "pulling"}) && next_is(i, {"out", "back"}))
      length = 2;
    else if (w[i] == "locked" && next_is(i, {"off"}))
      length = 2;
    if (length == 0) continue;
    ++found;
    for (std::size_t k = i; k < i + length; ++k)
      used[k] = true;
    i += length - 1;
  }
  return found;
}

// Marks vague motion phrases ("animate", "make it move", "bring it to life"); returns the first
// one found as written in lower case, or "" when there is none.
std::string mark_vague_phrases(const std::vector<std::string>& w, std::vector<bool>& used) {
  std::string first;
  auto mark = [&](std::size_t from, std::size_t to) {
    std::string phrase;
    for (std::size_t k = from; k < to; ++k) {
      used[k] = true;
      phrase += (k == from ? "" : " ") + w[k];
    }
    if (first.empty()) first = phrase;
  };
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (one_of(w[i], {"animate", "animates", "animated", "animating", "animation"})) {
      mark(i, i + 1);
    } else if (one_of(w[i], {"make", "makes", "making"}) && i + 2 < w.size() &&
               one_of(w[i + 1], {"it", "this", "them", "everything", "things"}) &&
               one_of(w[i + 2], {"move", "moving"})) {
      mark(i, i + 3);
      i += 2;
    } else if (one_of(w[i], {"bring", "brings", "bringing", "come", "comes", "coming"})) {
      // "bring to life", "bring this photo to life": "to life" within four words.
      for (std::size_t k = i + 1; k + 1 < w.size() && k <= i + 4; ++k)
        if (w[k] == "to" && w[k + 1] == "life") {
          mark(i, k + 2);
          i = k + 1;
          break;
        }
    }
  }
  return first;
}

// Words that carry no action: articles, pronouns, the medium itself, politeness.
bool is_filler(const std::string& word) {
  return one_of(word, {"a",     "an",     "the",    "this",   "that",     "these",    "those",
                       "it",    "its",    "them",   "they",   "me",       "my",       "our",
                       "your",  "to",     "of",     "in",     "on",       "into",     "with",
                       "for",   "and",    "or",     "so",     "as",       "please",   "just",
                       "some",  "bit",    "little", "more",   "slightly", "gently",   "slowly",
                       "photo", "photos", "image",  "images", "picture",  "pictures", "pic",
                       "video", "clip",   "scene",  "shot",   "camera",   "still",    "frame"});
}

// --- timing -------------------------------------------------------------------------------------

// A number at `text[i]`: digits with an optional decimal part. Advances `i`.
std::optional<double> read_number(std::string_view text, std::size_t& i) {
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

void skip_blanks(std::string_view text, std::size_t& i) {
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
    ++i;
}

// A seconds unit at `text[i]` (s, sec, secs, second, seconds), not followed by a letter.
bool read_seconds_unit(std::string_view text, std::size_t& i) {
  for (std::string_view unit : {"seconds", "second", "secs", "sec", "s"}) {
    if (text.substr(i, unit.size()) != unit) continue;
    std::size_t end = i + unit.size();
    if (end < text.size() && is_word_char(text[end])) continue;
    i = end;
    return true;
  }
  return false;
}

// A dash between two times: '-', or the en or em dash in UTF-8.
bool read_dash(std::string_view text, std::size_t& i) {
  if (i < text.size() && text[i] == '-') {
    ++i;
    return true;
  }
  for (std::string_view dash : {"\xE2\x80\x93", "\xE2\x80\x94"})
    if (text.substr(i, dash.size()) == dash) {
      i += dash.size();
      return true;
    }
  return false;
}

// "A-Bs" at `i` (also "As-Bs", "A – B sec"): returns {A, B}.
std::optional<std::pair<double, double>> read_range(std::string_view text, std::size_t i) {
  auto from = read_number(text, i);
  if (!from) return std::nullopt;
  skip_blanks(text, i);
  read_seconds_unit(text, i);
  skip_blanks(text, i);
  if (!read_dash(text, i)) return std::nullopt;
  skip_blanks(text, i);
  auto to = read_number(text, i);
  if (!to) return std::nullopt;
  skip_blanks(text, i);
  if (!read_seconds_unit(text, i)) return std::nullopt;
  return std::pair{*from, *to};
}

// "Ns:" at the start of a beat: the beat's length.
std::optional<double> read_duration_beat(std::string_view text) {
  std::size_t i = 0;
  auto length = read_number(text, i);
  if (!length) return std::nullopt;
  skip_blanks(text, i);
  if (!read_seconds_unit(text, i)) return std::nullopt;
  skip_blanks(text, i);
  if (i >= text.size() || text[i] != ':') return std::nullopt;
  return length;
}

std::optional<double> timing_total(std::string_view original) {
  std::string lower = detail::ascii_lower(original); // "2S", "3 Sec"
  std::string_view text = lower;
  std::optional<double> total;
  double cursor = 0;
  auto end_at = [&](double end) {
    cursor = end;
    total = std::max(total.value_or(0), end);
  };
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t stop = text.find_first_of(";\n", start);
    if (stop == std::string_view::npos) stop = text.size();
    std::string_view beat = trim(text.substr(start, stop - start));
    start = stop + 1;
    if (beat.starts_with("- ") || beat.starts_with("* ")) beat = trim(beat.substr(2));
    if (auto length = read_duration_beat(beat)) {
      end_at(cursor + *length);
      continue;
    }
    for (std::size_t i = 0; i < beat.size(); ++i) {
      if (!is_digit(beat[i]) || (i > 0 && (is_word_char(beat[i - 1]) || beat[i - 1] == '.')))
        continue;
      if (auto range = read_range(beat, i); range && range->second >= range->first)
        end_at(range->second);
      while (i < beat.size() && (is_digit(beat[i]) || beat[i] == '.'))
        ++i;
    }
  }
  return total;
}

std::string seconds_string(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", seconds);
  std::string out = buffer;
  while (out.back() == '0')
    out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out;
}

// A part's lines as one line: "; " between them, or a space after a line that ends in
// punctuation, so every part stays one labelled line.
std::string one_line(std::string_view text) {
  std::string out;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t stop = text.find('\n', start);
    if (stop == std::string_view::npos) stop = text.size();
    std::string_view line = trim(text.substr(start, stop - start));
    start = stop + 1;
    if (line.empty()) continue;
    if (!out.empty())
      out += std::string_view(".;,:!?").find(out.back()) == std::string_view::npos ? "; " : " ";
    out += line;
  }
  return out;
}

} // namespace

bool PromptParts::empty() const noexcept {
  if (!trim(free).empty()) return false;
  for (const auto& section : prompt_sections())
    if (!trim(this->*section.member).empty()) return false;
  return true;
}

const std::vector<PromptSection>& prompt_sections() {
  static const std::vector<PromptSection> sections{
      {"shot", "Shot", &PromptParts::shot},       {"action", "Action", &PromptParts::action},
      {"timing", "Timing", &PromptParts::timing}, {"lighting", "Lighting", &PromptParts::lighting},
      {"audio", "Audio", &PromptParts::audio},    {"keep", "Keep unchanged", &PromptParts::keep},
  };
  return sections;
}

std::string compose(const PromptParts& parts) {
  std::string out(trim(parts.free));
  bool labelled = false;
  for (const auto& section : prompt_sections()) {
    std::string_view text = trim(parts.*section.member);
    if (text.empty()) continue;
    labelled = true;
    if (!out.empty()) out += '\n';
    out += section.label;
    out += ": ";
    out += one_line(text);
  }
  return labelled ? out : parts.free;
}

Result<PromptParts> parse_prompt_file(std::string_view text, std::string_view source) {
  PromptParts parts;
  std::string* current = &parts.free;
  std::vector<std::pair<std::string_view, std::size_t>> seen; // section -> line
  bool sectioned = false;
  std::size_t line_number = 0;
  std::string names;
  for (const auto& section : prompt_sections())
    names += (names.empty()            ? "["
              : section.name == "keep" ? " and ["
                                       : ", [") +
             std::string(section.name) + "]";
  for (std::size_t start = 0; start < text.size();) {
    std::size_t stop = text.find('\n', start);
    if (stop == std::string_view::npos) stop = text.size();
    std::string_view line = text.substr(start, stop - start);
    start = stop + 1;
    ++line_number;
    if (line.ends_with('\r')) line.remove_suffix(1); // CRLF files
    std::string_view bare = trim(line);
    std::string_view inner = bare.size() >= 2 && bare.front() == '[' && bare.back() == ']'
                                 ? trim(bare.substr(1, bare.size() - 2))
                                 : std::string_view();
    bool header = !inner.empty() && is_ascii_letter(inner.front()) &&
                  std::all_of(inner.begin(), inner.end(), [](char c) {
                    return is_ascii_letter(c) || c == ' ' || c == '_' || c == '-';
                  });
    if (!header) {
      *current += line;
      *current += '\n';
      continue;
    }
    std::string name = detail::ascii_lower(inner);
    auto where = "line " + std::to_string(line_number) + " of " + std::string(source);
    const auto& sections = prompt_sections();
    auto section = std::find_if(sections.begin(), sections.end(),
                                [&](const PromptSection& s) { return s.name == name; });
    if (section == sections.end())
      return unexpected(
          ErrorCode::invalid_argument, "Unknown section [" + name + "] on " + where + ".",
          "Sections are " + names + "; text before the first section is the free prompt.");
    for (const auto& [earlier, at] : seen)
      if (earlier == section->name)
        return unexpected(ErrorCode::invalid_argument,
                          "Section [" + name + "] on " + where + " already appeared on line " +
                              std::to_string(at) + ".",
                          "Put everything for [" + name + "] in one section.");
    seen.emplace_back(section->name, line_number);
    sectioned = true;
    current = &(parts.*section->member);
  }
  if (!sectioned) {
    // A plain prompt, as before sections existed: only trailing line breaks are removed.
    parts.free = text;
    while (!parts.free.empty() && (parts.free.back() == '\n' || parts.free.back() == '\r'))
      parts.free.pop_back();
    return parts;
  }
  parts.free = trim(parts.free);
  for (const auto& section : prompt_sections())
    parts.*section.member = std::string(trim(parts.*section.member));
  return parts;
}

PromptParts merge_prompt_parts(PromptParts base, const PromptParts& overrides) {
  if (!overrides.free.empty()) base.free = overrides.free;
  for (const auto& section : prompt_sections())
    if (!(overrides.*section.member).empty()) base.*section.member = overrides.*section.member;
  return base;
}

std::optional<double> timing_total_seconds(const PromptParts& parts) {
  std::string_view timing = trim(parts.timing);
  return timing_total(timing.empty() ? std::string_view(parts.free) : timing);
}

std::vector<PromptWarning> lint_prompt(const PromptParts& parts, std::optional<double> seconds) {
  std::vector<PromptWarning> warnings;
  auto warn = [&](std::string_view code, std::string message) {
    warnings.push_back({std::string(code), std::move(message)});
  };
  std::string composed = compose(parts);
  if (trim(composed).empty()) {
    warn(k_lint_empty, "The prompt is empty. Describe the video with `prompt`, or with the "
                       "parts of the shot (`shot`, `action`, `timing`, `lighting`, `audio`).");
    return warnings;
  }
  std::size_t length = utf8_length(composed).value_or(composed.size());
  if (length > k_max_prompt_chars)
    warn(k_lint_too_long, "The prompt is " + std::to_string(length) +
                              " characters; the API accepts at most " +
                              std::to_string(k_max_prompt_chars) + ". Shorten it by " +
                              std::to_string(length - k_max_prompt_chars) + " characters.");

  auto all_words = words_of(composed);
  std::vector<bool> all_used(all_words.size(), false);
  if (mark_camera_phrases(all_words, all_used) == 0)
    warn(k_lint_no_camera,
         "The prompt does not say what the camera does. Add a move to the shot (pan, tilt, dolly, "
         "truck, crane, orbit, push in, pull out, zoom), or say it holds still ('static shot', "
         "'locked-off camera').");

  // Vague verbs count only where the motion is described: the free text and the action.
  auto motion = words_of(parts.free + "\n" + parts.action);
  std::vector<bool> used(motion.size(), false);
  std::string vague = mark_vague_phrases(motion, used);
  mark_camera_phrases(motion, used);
  if (!vague.empty()) {
    std::size_t concrete = 0;
    for (std::size_t i = 0; i < motion.size(); ++i)
      if (!used[i] && !is_filler(motion[i])) ++concrete;
    if (concrete < 3)
      warn(k_lint_vague, "\"" + vague +
                             "\" alone gives the model nothing to follow. Say who or what moves, "
                             "how and where, e.g. `action` \"she turns to the window and "
                             "smiles\".");
  }

  if (auto total = timing_total_seconds(parts); total && seconds && *total > *seconds + 1e-9) {
    std::string fix;
    for (const auto& option : supported_seconds())
      if (std::stod(option) + 1e-9 >= *total) {
        fix = "Pass `seconds` " + option + ", or end the last beat by " + seconds_string(*seconds) +
              "s.";
        break;
      }
    if (fix.empty())
      fix = "End the last beat by " + seconds_string(*seconds) +
            "s, or split the shot into several videos.";
    warn(k_lint_timing, "The timing runs to " + seconds_string(*total) + "s but the video is " +
                            seconds_string(*seconds) + "s long. " + fix);
  }
  return warnings;
}

} // namespace sora
