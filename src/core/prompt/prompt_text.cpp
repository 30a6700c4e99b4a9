// Text helpers of the prompt lint: UTF-8 decoding, folding and words.
#include "prompt/prompt_text.hpp"

namespace sora::detail {

CodePoint code_point_at(std::string_view text, std::size_t i) noexcept {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  std::size_t size = lead < 0x80           ? 1
                     : (lead >> 5) == 0x6  ? 2
                     : (lead >> 4) == 0xE  ? 3
                     : (lead >> 3) == 0x1E ? 4
                                           : 0;
  if (size <= 1 || i + size > text.size()) return {lead, 1};
  char32_t value = lead & (0x7F >> size);
  for (std::size_t k = 1; k < size; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {lead, 1};
    value = (value << 6) | (byte(i + k) & 0x3F);
  }
  return {value, size};
}

std::string fold(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    auto [c, size] = code_point_at(text, i);
    if (c >= 'A' && c <= 'Z')
      out += static_cast<char>(c - 'A' + 'a');
    else if (c >= 0xFF01 && c <= 0xFF5E && size == 3)
      out += fold(std::string(1, static_cast<char>(c - 0xFEE0))); // "Ａ" -> "a"
    else if (c == 0x3000 && size == 3)
      out += ' ';
    else if (c == 0x301C && size == 3)
      out += '~';
    else
      out.append(text.substr(i, size));
    i += size;
  }
  return out;
}

std::string without_spaces(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f') out += c;
  return out;
}

bool is_cjk(char32_t c) noexcept {
  return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
         (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFF);
}

bool is_ascii_alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

namespace {

// Letters beyond ASCII ("é", "ß", Cyrillic): not Latin-1 punctuation, not the general
// punctuation block (dashes, curly quotes), not the scripts written without spaces.
bool is_foreign_letter(char32_t c, std::size_t size) noexcept {
  return size > 1 && c >= 0xC0 && c != 0xD7 && c != 0xF7 && !(c >= 0x2000 && c <= 0x2BFF) &&
         !is_cjk(c);
}

} // namespace

std::vector<std::string> words_of(std::string_view folded) {
  std::vector<std::string> words;
  std::string word;
  for (std::size_t i = 0; i < folded.size();) {
    auto [c, size] = code_point_at(folded, i);
    bool letter = c < 0x80 ? is_ascii_alnum(static_cast<char>(c)) : is_foreign_letter(c, size);
    if (letter) {
      word.append(folded.substr(i, size));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
    i += size;
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

} // namespace sora::detail
