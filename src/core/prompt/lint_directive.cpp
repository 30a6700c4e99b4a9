// `sora-lint: ignore=RULE` lines: silencing lint rules for one prompt.
#include "prompt/lint_directive.hpp"

#include "common/text.hpp"

namespace sora::detail {
namespace {

constexpr std::string_view k_prefix = "sora-lint:";

std::string_view skip_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  return text;
}

template <typename F> void for_each_line(std::string_view text, F&& visit) {
  for (std::size_t start = 0; start < text.size();) {
    std::size_t stop = text.find('\n', start);
    std::size_t next = stop == std::string_view::npos ? text.size() : stop + 1;
    visit(text.substr(start, next - start));
    start = next;
  }
}

} // namespace

bool is_lint_directive(std::string_view line) {
  line = skip_blanks(line);
  return ascii_lower(line.substr(0, k_prefix.size())) == k_prefix;
}

std::string without_directives(std::string_view text) {
  if (ascii_lower(text).find(k_prefix) == std::string::npos) return std::string(text);
  std::string out;
  for_each_line(text, [&](std::string_view line) {
    if (!is_lint_directive(line)) out += line;
  });
  // The directive was the last line: the text ends where it did before it.
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
    out.pop_back();
  return out;
}

std::vector<std::string> directive_rules(std::string_view text) {
  std::vector<std::string> rules;
  for_each_line(text, [&](std::string_view line) {
    if (!is_lint_directive(line)) return;
    std::string rest = ascii_lower(skip_blanks(skip_blanks(line).substr(k_prefix.size())));
    while (!rest.empty() && (rest.back() == '\n' || rest.back() == '\r' || rest.back() == ' '))
      rest.pop_back();
    if (!rest.starts_with("ignore")) {
      rules.push_back(rest);
      return;
    }
    std::string name;
    for (char c : rest.substr(6) + ",") {
      if (c == ',' || c == ' ' || c == '=' || c == '\t') {
        if (!name.empty()) rules.push_back(name);
        name.clear();
      } else {
        name += c;
      }
    }
  });
  return rules;
}

} // namespace sora::detail
