// Parse-only tests of the command tree: every command takes its documented options, bad flags are
// usage errors (exit 2) that name the command, and an unknown command names the closest one.
#include "cli_fixture.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace sora::test {
namespace {

using sora::cli::ParseOutcome;

struct Parsed {
  ParseOutcome outcome;
  std::string err;
};

class ParseTest : public CliTest {
protected:
  Parsed parse(std::vector<std::string> words) {
    words.insert(words.begin(), "sora");
    std::vector<char*> argv;
    for (auto& word : words)
      argv.push_back(word.data());
    Parsed parsed;
    {
      Redirect out(stdout, dir / "stdout");
      Redirect err(stderr, dir / "stderr");
      parsed.outcome = sora::cli::parse_cli(static_cast<int>(words.size()), argv.data());
    }
    parsed.err = read_file(dir / "stderr");
    return parsed;
  }
};

const std::string k_image = std::string(SORA_TEST_DATA) + "/photo-1280x720.png";

// One invocation per line of docs/cli.md's synopsis, with every option each command documents.
struct Invocation {
  std::string command;
  std::vector<std::string> args;
  std::vector<std::string> expect_options; // a few of the options that must have been seen
};

const std::vector<Invocation> k_invocations = {
    {"create",
     {"create",
      "-p",
      "a fox",
      "-m",
      "sora-2",
      "-s",
      "8",
      "--size",
      "1280x720",
      "-i",
      k_image,
      "--fit",
      "contain",
      "--pad-color",
      "#000000",
      "-w",
      "--wait-timeout",
      "60",
      "-o",
      "out.mp4",
      "-f",
      "--max-cost",
      "5",
      "--prices",
      "p.json",
      "--dry-run",
      "--field",
      "seed=1",
      "--field-json",
      "n=2"},
     {"--prompt", "--model", "--seconds", "--size", "--image", "--fit", "--field-json"}},
    {"create",
     {"create", "--prompt-file", "p.txt", "--shot", "wide", "--action", "runs", "--timing", "0-4s",
      "--lighting", "dusk", "--audio", "wind", "--keep", "red coat", "--image-url",
      "https://example.com/a.png"},
     {"--prompt-file", "--shot", "--keep", "--image-url"}},
    {"remix", {"remix", "video_1", "-p", "make it rain", "--wait", "-o", "r.mp4"}, {"--prompt"}},
    {"extend", {"extend", "@last", "-p", "and then", "-s", "4"}, {"--prompt"}},
    {"edit", {"edit", "video_1", "-p", "blue sky"}, {"--prompt"}},
    {"status", {"status", "video_1", "video_2", "--json"}, {}},
    {"wait", {"wait", "video_1", "--wait-timeout", "30", "-o", "x.mp4", "-f"}, {"--output"}},
    {"download",
     {"download", "video_1", "--variant", "thumbnail", "-o", "t.webp", "--force"},
     {"--variant", "--output", "--force"}},
    {"list",
     {"list", "--limit", "5", "--after", "video_1", "--order", "asc", "--all"},
     {"--limit", "--after", "--order", "--all"}},
    {"delete", {"delete", "video_1", "video_2"}, {}},
    {"batch",
     {"batch", "jobs.jsonl", "--out-dir", "out", "-j", "2", "--state", "s.json", "--shard", "1/2",
      "--retry-failed", "--max-cost", "10", "--dry-run", "--force"},
     {"--out-dir", "--concurrency", "--state", "--shard", "--retry-failed"}},
    {"batch",
     {"batch", "jobs.jsonl", "--out-dir", "out", "--report", "--shard", "2/3"},
     {"--out-dir", "--report", "--shard"}},
    {"history", {"history", "-n", "3"}, {"--count"}},
    {"history", {"history", "--limit", "3", "--cost"}, {"--count"}}, // as `sora list` says it
    {"prompt", {"prompt", "-p", "a fox", "--strict", "-s", "8"}, {"--strict"}},
    {"profiles", {"profiles", "--json"}, {}},
    {"config", {"config", "show"}, {}},
    {"completion", {"completion", "bash"}, {}},
    {"storyboard",
     {"storyboard", "film.toml", "-o", "film.mp4", "--dry-run", "--max-cost", "9", "--concurrency",
      "2", "--contact-sheet", "sheet.png"},
     {"--dry-run", "--max-cost", "--concurrency", "--contact-sheet"}},
    {"frames", {"frames", "clip.mp4", "--last", "-o", "last.png"}, {"--last"}},
    {"inspect", {"inspect", "clip.mp4", "--json"}, {}},
    {"listen",
     {"listen", "--port", "0", "--port-file", "p", "--secret-file", "s", "--download-dir", "d",
      "--once", "video_1", "--max-body", "4096"},
     {"--port", "--port-file", "--secret-file", "--download-dir", "--once", "--max-body"}},
    {"models", {"models", "--refresh", "--json"}, {"--refresh"}},
    {"cost", {"cost", "--since", "2026-11-01", "--by", "day"}, {"--since", "--by"}},
};

TEST_F(ParseTest, EveryCommandParsesItsDocumentedOptions) {
  for (const auto& invocation : k_invocations) {
    auto parsed = parse(invocation.args);
    ASSERT_TRUE(parsed.outcome.parsed) << invocation.args.front() << ": " << parsed.err;
    EXPECT_EQ(parsed.outcome.command, invocation.command);
    for (const auto& option : invocation.expect_options)
      EXPECT_NE(std::find(parsed.outcome.options.begin(), parsed.outcome.options.end(), option),
                parsed.outcome.options.end())
          << invocation.command << " did not see " << option;
  }
}

TEST_F(ParseTest, EveryListedCommandHasAnInvocationHere) {
  auto names = sora::cli::cli_command_names();
  ASSERT_GE(names.size(), 15u);
  for (const auto& name : names)
    EXPECT_TRUE(std::any_of(k_invocations.begin(), k_invocations.end(),
                            [&](const Invocation& i) { return i.command == name; }))
        << "no parse test for " << name;
}

TEST_F(ParseTest, GlobalOptionsGoBeforeOrAfterTheCommand) {
  auto before = parse({"--json", "--profile", "litellm", "--timeout", "5", "status", "v"});
  ASSERT_TRUE(before.outcome.parsed) << before.err;
  auto after = parse({"status", "v", "--json", "--base-url", "http://127.0.0.1:1/v1", "-vv"});
  ASSERT_TRUE(after.outcome.parsed) << after.err;
  EXPECT_EQ(after.outcome.command, "status");
}

TEST_F(ParseTest, ABadFlagIsAUsageErrorNamingTheCommand) {
  for (const auto& name : sora::cli::cli_command_names()) {
    auto parsed = parse({name, "--no-such-flag"});
    EXPECT_FALSE(parsed.outcome.parsed) << name;
    EXPECT_EQ(parsed.outcome.exit_code, 2) << name;
    EXPECT_NE(parsed.err.find("sora " + name + " --help"), std::string::npos)
        << name << ": " << parsed.err;
  }
}

TEST_F(ParseTest, ABadValueIsAUsageError) {
  for (std::vector<std::string> args : {std::vector<std::string>{"list", "--order", "sideways"},
                                        {"download", "v", "--variant", "poster"},
                                        {"create", "-p", "x", "--fit", "squash"},
                                        {"status"}, // the id is required
                                        {"--timeout", "0", "list"}}) {
    auto parsed = parse(args);
    EXPECT_FALSE(parsed.outcome.parsed) << args.front();
    EXPECT_EQ(parsed.outcome.exit_code, 2) << args.front() << ": " << parsed.err;
    EXPECT_NE(parsed.err.find("nothing was sent"), std::string::npos) << parsed.err;
  }
}

TEST_F(ParseTest, AnUnknownCommandIsNamedWithTheClosestOne) {
  auto typo = parse({"staus", "v"});
  EXPECT_EQ(typo.outcome.exit_code, 2);
  EXPECT_NE(typo.err.find("'staus' is not a sora command"), std::string::npos) << typo.err;
  EXPECT_NE(typo.err.find("did you mean 'sora status'?"), std::string::npos) << typo.err;
  EXPECT_EQ(typo.err.find("A subcommand is required"), std::string::npos) << typo.err;

  auto bogus = parse({"--json", "bogus"});
  EXPECT_EQ(bogus.outcome.exit_code, 2);
  EXPECT_NE(bogus.err.find("'bogus' is not a sora command"), std::string::npos) << bogus.err;
  EXPECT_NE(bogus.err.find("sora --help"), std::string::npos) << bogus.err;

  // A global option's value is not mistaken for the command.
  auto value = parse({"--profile", "litellm", "lst"});
  EXPECT_NE(value.err.find("'lst' is not a sora command"), std::string::npos) << value.err;
  EXPECT_NE(value.err.find("did you mean 'sora list'?"), std::string::npos) << value.err;
}

// Only the command on the command line is built (app.cpp); `--help` alone builds them all.
TEST_F(ParseTest, HelpListsEveryCommandAndACommandsHelpIsItsOwn) {
  auto all = parse({"--help"});
  EXPECT_EQ(all.outcome.exit_code, 0) << all.err;
  auto out = read_file(dir / "stdout");
  for (const auto& name : sora::cli::cli_command_names())
    EXPECT_NE(out.find("  " + name + " "), std::string::npos) << name << " missing from " << out;
  for (std::vector<std::string> args : {std::vector<std::string>{"--help", "status"},
                                        {"-qh", "status", "v"},
                                        {"status", "--help"}}) {
    auto one = parse(args);
    EXPECT_EQ(one.outcome.exit_code, 0) << one.err;
    EXPECT_NE(read_file(dir / "stdout").find("Usage: sora status"), std::string::npos)
        << args.front();
  }
}

TEST(ClosestName, PicksTheNearestWithinTwoEdits) {
  std::vector<std::string> names{"create", "remix", "status", "list", "delete", "download"};
  EXPECT_EQ(sora::cli::closest_name("craete", names), "create");
  EXPECT_EQ(sora::cli::closest_name("stat", names), "status");
  EXPECT_EQ(sora::cli::closest_name("dl", names), "");
  EXPECT_EQ(sora::cli::closest_name("down", names), "download");
  EXPECT_EQ(sora::cli::closest_name("zzzzzz", names), "");
}

} // namespace
} // namespace sora::test
