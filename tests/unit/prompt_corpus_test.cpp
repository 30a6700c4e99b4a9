// The prompt lint on a corpus of real prompts (tests/data/prompts/<language>.json): every entry
// must give exactly its findings, so a change to a rule or a table shows what it breaks.
#include "hints.hpp"

#include <sora/prompt.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <ostream>

namespace sora {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct CorpusEntry {
  std::string id; ///< <language>_<name>
  json entry;
};

// Failures name the entry, not its bytes.
void PrintTo(const CorpusEntry& entry, std::ostream* out) {
  *out << entry.id;
}

std::vector<CorpusEntry> load_corpus() {
  std::vector<CorpusEntry> entries;
  fs::path folder = fs::path(SORA_TEST_DATA) / "prompts";
  std::vector<fs::path> files;
  for (const auto& file : fs::directory_iterator(folder))
    if (file.path().extension() == ".json") files.push_back(file.path());
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    json doc = json::parse(std::string(std::istreambuf_iterator<char>(in), {}), nullptr, false);
    if (doc.is_discarded() || !doc.contains("prompts")) {
      entries.push_back({"unreadable_" + path.stem().string(), json()});
      continue;
    }
    for (const auto& entry : doc["prompts"])
      entries.push_back({path.stem().string() + "_" + entry.value("name", "unnamed"), entry});
  }
  return entries;
}

PromptParts parts_of(const json& entry) {
  PromptParts parts;
  if (entry.contains("prompt")) parts.free = entry["prompt"].get<std::string>();
  if (entry.contains("parts")) {
    const json& p = entry["parts"];
    parts.free = p.value("free", "");
    for (const auto& section : prompt_sections())
      parts.*section.member = p.value(std::string(section.name), "");
  }
  return parts;
}

using Lint = std::function<std::vector<PromptWarning>(const PromptParts&, std::optional<double>,
                                                      const std::vector<std::string>&)>;

/// What is wrong with the lint's answer for one entry: "" when it is right.
std::string check_entry(const json& entry, const Lint& lint) {
  if (!entry.is_object() || !entry.contains("findings")) return "the entry has no findings";
  PromptParts parts = parts_of(entry);
  std::optional<double> seconds;
  if (entry.contains("seconds") && entry["seconds"].is_number())
    seconds = entry["seconds"].get<double>();
  auto allow = entry.value("allow", std::vector<std::string>{});
  auto warnings = lint(parts, seconds, allow);
  std::vector<std::string> got;
  for (const auto& w : warnings)
    got.push_back(w.code);
  auto want = entry["findings"].get<std::vector<std::string>>();
  std::string problems;
  if (got != want) {
    problems += "findings: got [";
    for (const auto& w : warnings)
      problems += "\n  " + w.code + ": " + w.message;
    problems += "\n], want " + entry["findings"].dump() + "\n";
  }
  if (entry.contains("timing_total")) {
    auto total = timing_total_seconds(parts);
    const json& t = entry["timing_total"];
    bool same = t.is_null() ? !total : total && std::abs(*total - t.get<double>()) < 1e-9;
    if (!same)
      problems += "timing_total: got " + (total ? std::to_string(*total) : "none") + ", want " +
                  t.dump() + "\n";
  }
  const json messages = entry.value("messages", json::object());
  for (const auto& [code, texts] : messages.items())
    for (const auto& text : texts) {
      auto it = std::find_if(warnings.begin(), warnings.end(),
                             [&](const PromptWarning& w) { return w.code == code; });
      // As people read it: the core names settings (`seconds`), the CLI says --seconds.
      if (it == warnings.end() ||
          sora::cli::cli_words(it->message).find(text.get<std::string>()) == std::string::npos)
        problems += code + ": the message lacks \"" + text.get<std::string>() + "\"\n";
    }
  return problems;
}

std::vector<PromptWarning> real_lint(const PromptParts& parts, std::optional<double> seconds,
                                     const std::vector<std::string>& allow) {
  return lint_prompt(parts, seconds, allow);
}

class PromptCorpus : public testing::TestWithParam<CorpusEntry> {};

TEST_P(PromptCorpus, GivesExactlyItsFindings) {
  std::string problems = check_entry(GetParam().entry, real_lint);
  EXPECT_EQ(problems, "") << GetParam().entry.dump(2);
}

INSTANTIATE_TEST_SUITE_P(Prompts, PromptCorpus, testing::ValuesIn(load_corpus()),
                         [](const testing::TestParamInfo<CorpusEntry>& param) {
                           return param.param.id;
                         });

TEST(PromptCorpusFiles, CoverEveryLanguageAndEveryRule) {
  auto entries = load_corpus();
  std::vector<std::string> languages, codes;
  for (const auto& e : entries) {
    ASSERT_TRUE(e.entry.is_object()) << e.id;
    languages.push_back(e.id.substr(0, e.id.find('_')));
    for (const auto& code : e.entry["findings"])
      codes.push_back(code.get<std::string>());
  }
  for (const char* language : {"en", "ja", "zh"})
    EXPECT_NE(std::find(languages.begin(), languages.end(), language), languages.end()) << language;
  for (auto rule : lint_rules())
    if (rule != k_lint_empty && rule != k_lint_too_long) { // covered by prompt_test.cpp
      EXPECT_NE(std::find(codes.begin(), codes.end(), rule), codes.end()) << rule;
    }
}

// A test of the test: a lint that has lost a rule, or says too much, fails entries.
TEST(PromptCorpusFiles, CatchALintThatLostOrGainedARule) {
  auto entries = load_corpus();
  for (auto lost : {k_lint_no_camera, k_lint_timing, k_lint_duration_mismatch}) {
    Lint broken = [&](const PromptParts& p, std::optional<double> s,
                      const std::vector<std::string>& allow) {
      auto warnings = lint_prompt(p, s, allow);
      std::erase_if(warnings, [&](const PromptWarning& w) { return w.code == lost; });
      return warnings;
    };
    int failed = 0;
    for (const auto& e : entries)
      failed += check_entry(e.entry, broken).empty() ? 0 : 1;
    EXPECT_GT(failed, 0) << "losing " << lost << " went unnoticed";
  }
  Lint noisy = [](const PromptParts& p, std::optional<double> s,
                  const std::vector<std::string>& allow) {
    auto warnings = lint_prompt(p, s, allow);
    warnings.push_back({std::string(k_lint_no_camera), "always"});
    return warnings;
  };
  int failed = 0;
  for (const auto& e : entries)
    failed += check_entry(e.entry, noisy).empty() ? 0 : 1;
  EXPECT_EQ(failed, static_cast<int>(entries.size())) << "a finding too many must fail";
}

} // namespace
} // namespace sora
