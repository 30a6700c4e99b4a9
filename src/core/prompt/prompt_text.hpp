// Text helpers of the prompt lint: UTF-8 decoding, folding (case, full-width forms) and words.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sora::detail {

/// The code point starting at `text[i]` and its length in bytes (1 for an invalid byte, whose
/// value is then the byte itself), so a scan always advances.
struct CodePoint {
  char32_t value;
  std::size_t size;
};
CodePoint code_point_at(std::string_view text, std::size_t i) noexcept;

/// `text` folded for matching: ASCII letters in lower case, full-width ASCII forms (U+FF01-FF5E:
/// "２秒", "：") as ASCII, the ideographic space as a space and the wave dashes 〜/～ as '~'.
/// Everything else is kept byte for byte, so UTF-8 stays valid.
std::string fold(std::string_view text);

/// `text` without ASCII white space: Japanese and Chinese phrases match across the spaces
/// writers put between scripts ("カメラは 2 秒かけて").
std::string without_spaces(std::string_view text);

/// True for the code points of scripts written without spaces: CJK ideographs, kana, Hangul,
/// and CJK punctuation. These split English words ("镜头pan left" has the word "pan").
bool is_cjk(char32_t c) noexcept;

/// ASCII letters and digits.
bool is_ascii_alnum(char c) noexcept;

/// The words of folded text: runs of ASCII letters and digits and of non-CJK letters beyond
/// ASCII ("café"); anything else (punctuation, dashes, curly quotes, CJK) separates them.
std::vector<std::string> words_of(std::string_view folded);

} // namespace sora::detail
