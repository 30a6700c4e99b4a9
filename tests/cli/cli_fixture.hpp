// Runs the sora command tree in process with a clean environment, a fake transport and a fake
// clock, and captures what it writes to stdout and stderr.
#pragma once

#include "app.hpp"
#include "support/fake_clock.hpp"
#include "support/fake_transport.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace sora::test {

/// What one run printed and returned.
struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Points a standard stream (1 or 2) at a file until destroyed.
class Redirect {
public:
  Redirect(std::FILE* stream, const std::filesystem::path& file) : m_stream(stream) {
    std::fflush(m_stream);
    m_fd = fileno(m_stream);
    m_saved = dup(m_fd);
    std::FILE* target = std::fopen(file.c_str(), "wb");
    dup2(fileno(target), m_fd);
    std::fclose(target);
  }
  ~Redirect() {
    std::fflush(m_stream);
    dup2(m_saved, m_fd);
    close(m_saved);
  }
  Redirect(const Redirect&) = delete;
  Redirect& operator=(const Redirect&) = delete;

private:
  std::FILE* m_stream;
  int m_fd = -1;
  int m_saved = -1;
};

class CliTest : public ::testing::Test {
protected:
  void SetUp() override {
    for (const char* name : {"SORA_API_KEY", "OPENAI_API_KEY", "SORA_BASE_URL", "OPENAI_BASE_URL",
                             "SORA_PROFILE", "SORA_CONFIG", "SORA_PRICES", "NO_COLOR"})
      unsetenv(name);
    setenv("HOME", dir.path().c_str(), 1);
    setenv("XDG_CONFIG_HOME", (dir / "config").c_str(), 1);
    setenv("XDG_STATE_HOME", (dir / "state").c_str(), 1);
  }

  /// Runs `sora ARGS…` over the fake transport (a loopback base URL, so no key is needed).
  CliRun run(std::vector<std::string> args) {
    std::vector<std::string> words{"sora", "--base-url", "http://127.0.0.1:9/v1", "--no-progress"};
    words.insert(words.end(), args.begin(), args.end());
    return run_words(words, true);
  }

  /// Parses and runs exactly `words` (argv[0] included); `fake` puts the fake transport in place.
  CliRun run_words(std::vector<std::string> words, bool fake) {
    std::vector<char*> argv;
    for (auto& word : words)
      argv.push_back(word.data());
    argv.push_back(nullptr);
    CliRun result;
    {
      Redirect out(stdout, dir / "stdout");
      Redirect err(stderr, dir / "stderr");
      sora::cli::CliHooks hooks;
      if (fake) {
        hooks.transport = other_transport ? other_transport : transport;
        hooks.clock = clock;
      }
      result.exit_code = sora::cli::run_cli(static_cast<int>(words.size()), argv.data(), hooks);
    }
    result.out = read_file(dir / "stdout");
    result.err = read_file(dir / "stderr");
    return result;
  }

  TempDir dir;
  std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  /// When set, sent through instead of `transport` (one that several threads may share).
  std::shared_ptr<Transport> other_transport;
};

} // namespace sora::test
