// Directed prompts: composing the parts, reading sectioned prompt files, and the prompt lint.
#include "common/text.hpp"
#include "prompt/camera_moves.hpp"
#include "prompt/durations.hpp"
#include "prompt/lint_directive.hpp"
#include "prompt/prompt_text.hpp"

#include <sora/prompt.hpp>
#include <sora/validate.hpp>

#include <algorithm>
#include <cmath>
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

bool is_ascii_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool one_of(const std::string& word, std::initializer_list<std::string_view> forms) {
  return std::find(forms.begin(), forms.end(), word) != forms.end();
}

std::vector<std::string> words_of(std::string_view text) {
  return detail::words_of(detail::fold(text));
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

void check_length(const std::string& composed, std::vector<PromptWarning>& warnings) {
  std::size_t length = utf8_length(composed).value_or(composed.size());
  if (length > k_max_prompt_chars)
    warnings.push_back({std::string(k_lint_too_long),
                        "The prompt is " + std::to_string(length) +
                            " characters; the API accepts at most " +
                            std::to_string(k_max_prompt_chars) + ". Shorten it by " +
                            std::to_string(length - k_max_prompt_chars) + " characters."});
}

bool has_cjk(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    auto [c, size] = detail::code_point_at(text, i);
    if (detail::is_cjk(c)) return true;
    i += size;
  }
  return false;
}

void check_camera(const std::string& composed, std::vector<PromptWarning>& warnings) {
  const auto& tables = detail::builtin_lint_tables();
  if (!detail::find_camera_moves(composed, tables).empty()) return;
  std::string message =
      "The prompt does not say what the camera does. Add a move to the shot (pan, tilt, dolly, "
      "truck, crane, orbit, push in, pull out, zoom), or say it holds still ('static shot', "
      "'locked-off camera').";
  // Writers of languages without spaces get examples in their own script.
  if (has_cjk(composed))
    for (const auto& table : tables)
      if (!table.words) message += " " + table.name + ": " + table.camera_hint + ".";
  warnings.push_back({std::string(k_lint_no_camera), std::move(message)});
}

void erase_all(std::string& text, std::string_view what) {
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p))
    text.erase(p, what.size());
}

// Languages without spaces: the first vague request of the "text" tables in `text` (folded,
// without spaces), or "".
std::string vague_in_text(std::string_view text) {
  for (const auto& table : detail::builtin_lint_tables())
    for (const auto& vague : table.vague)
      if (text.find(vague) != std::string_view::npos) return vague;
  return "";
}

// How many characters of languages without spaces `text` holds once vague requests, camera
// phrases, fillers and punctuation are set aside.
std::size_t concrete_characters(std::string rest) {
  for (const auto& table : detail::builtin_lint_tables()) {
    if (table.words) continue;
    for (const auto& vague : table.vague)
      erase_all(rest, vague);
    for (const auto& phrase : table.camera_moves)
      for (const auto& literal : phrase.slots.front())
        erase_all(rest, literal);
    for (const auto& filler : table.filler)
      erase_all(rest, filler);
  }
  std::size_t count = 0;
  for (std::size_t i = 0; i < rest.size();) {
    auto [c, size] = detail::code_point_at(rest, i);
    if (detail::is_cjk(c) && !(c >= 0x3000 && c <= 0x303F)) ++count;
    i += size;
  }
  return count;
}

// Vague verbs count only where the motion is described: the free text and the action. A vague
// request in any language is fine beside a concrete action in any language.
void check_vague(const PromptParts& parts, std::vector<PromptWarning>& warnings) {
  std::string text = detail::without_directives(parts.free + "\n" + parts.action);
  auto motion = words_of(text);
  std::vector<bool> used(motion.size(), false);
  std::string vague = mark_vague_phrases(motion, used);
  std::string folded = detail::without_spaces(detail::fold(text));
  if (vague.empty()) vague = vague_in_text(folded);
  if (vague.empty() || concrete_characters(std::move(folded)) >= 3) return;
  detail::mark_camera_words(motion, detail::builtin_lint_tables(), used);
  std::size_t concrete = 0;
  for (std::size_t i = 0; i < motion.size(); ++i)
    if (!used[i] && !is_filler(motion[i])) ++concrete;
  if (concrete < 3)
    warnings.push_back({std::string(k_lint_vague),
                        "\"" + vague +
                            "\" alone gives the model nothing to follow. Say who or what moves, "
                            "how and where, e.g. `action` \"she turns to the window and "
                            "smiles\"."});
}

// The shortest supported length that holds `needed` seconds, or "".
std::string shortest_fitting(double needed) {
  for (const auto& option : supported_seconds())
    if (std::stod(option) + 1e-9 >= needed) return option;
  return "";
}

void check_timing(const PromptParts& parts, std::optional<double> seconds,
                  std::vector<PromptWarning>& warnings) {
  auto total = timing_total_seconds(parts);
  if (!total || !seconds || *total <= *seconds + 1e-9) return;
  std::string option = shortest_fitting(*total);
  std::string fix = option.empty() ? "End the last beat by " + seconds_string(*seconds) +
                                         "s, or split the shot into several videos."
                                   : "Pass `seconds` " + option + ", or end the last beat by " +
                                         seconds_string(*seconds) + "s.";
  warnings.push_back({std::string(k_lint_timing), "The timing runs to " + seconds_string(*total) +
                                                      "s but the video is " +
                                                      seconds_string(*seconds) + "s long. " + fix});
}

void check_clip_length(const std::string& composed, std::optional<double> seconds,
                       std::vector<PromptWarning>& warnings) {
  if (!seconds) return;
  for (double named : detail::clip_lengths(composed, detail::builtin_lint_tables())) {
    if (std::abs(named - *seconds) < 1e-9) continue;
    std::string option = shortest_fitting(named);
    std::string fix = "Say " + seconds_string(*seconds) + " seconds in the prompt";
    fix += option.empty() ? ", or split the shot into several videos."
                          : ", or request " + option + " seconds.";
    warnings.push_back(
        {std::string(k_lint_duration_mismatch), "The prompt asks for a " + seconds_string(named) +
                                                    "s clip but the video requested is " +
                                                    seconds_string(*seconds) + "s long. " + fix});
    return;
  }
}

std::string rule_list() {
  std::string out;
  for (auto rule : lint_rules())
    out += (out.empty() ? "" : ", ") + std::string(rule);
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
  std::string free = detail::without_directives(parts.free); // `sora-lint:` lines are not sent
  std::string out(trim(free));
  bool labelled = false;
  for (const auto& section : prompt_sections()) {
    std::string part = detail::without_directives(parts.*section.member);
    std::string_view text = trim(part);
    if (text.empty()) continue;
    labelled = true;
    if (!out.empty()) out += '\n';
    out += section.label;
    out += ": ";
    out += one_line(text);
  }
  return labelled ? out : free;
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
  return detail::beats_total(timing.empty() ? std::string_view(parts.free) : timing,
                             detail::builtin_lint_tables());
}

const std::vector<std::string_view>& lint_rules() {
  static const std::vector<std::string_view> rules{
      k_lint_empty,  k_lint_too_long,          k_lint_no_camera,   k_lint_vague,
      k_lint_timing, k_lint_duration_mismatch, k_lint_unknown_rule};
  return rules;
}

std::vector<PromptWarning> lint_prompt(const PromptParts& parts, std::optional<double> seconds,
                                       const std::vector<std::string>& allow) {
  std::vector<PromptWarning> warnings;
  std::string composed = compose(parts);
  if (trim(composed).empty()) {
    warnings.push_back({std::string(k_lint_empty),
                        "The prompt is empty. Describe the video with `prompt`, or with the "
                        "parts of the shot (`shot`, `action`, `timing`, `lighting`, `audio`)."});
  } else {
    check_length(composed, warnings);
    check_camera(composed, warnings);
    check_vague(parts, warnings);
    check_timing(parts, seconds, warnings);
    check_clip_length(composed, seconds, warnings);
  }
  // Silenced rules: --allow-style names from the caller, and the prompt's own directives.
  std::vector<std::string> ignored = allow;
  std::string all_text = parts.free;
  for (const auto& section : prompt_sections())
    all_text += "\n" + parts.*section.member;
  for (auto& rule : detail::directive_rules(all_text)) {
    bool known = std::find(lint_rules().begin(), lint_rules().end(), rule) != lint_rules().end();
    if (!known)
      warnings.push_back({std::string(k_lint_unknown_rule),
                          "The prompt's sora-lint line names \"" + rule +
                              "\", which is not a lint rule. Write 'sora-lint: ignore=RULE' "
                              "with one of: " +
                              rule_list() + "."});
    ignored.push_back(std::move(rule));
  }
  std::erase_if(warnings, [&](const PromptWarning& w) {
    return std::find(ignored.begin(), ignored.end(), w.code) != ignored.end();
  });
  return warnings;
}

} // namespace sora
