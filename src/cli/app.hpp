// The command tree of `sora`, as a library function: what main() runs, and what tests run in
// process.
#pragma once

#include "app_context.hpp"

#include <sora/clock.hpp>
#include <sora/transport.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sora::cli {

/// What a test may put in place of the real world: the transport (instead of libcurl) and the
/// clock the client sleeps on; and what runs `sora listen`.
struct CliHooks {
  std::shared_ptr<Transport> transport;
  std::shared_ptr<Clock> clock;
  /// sora-listen's HTTP server (serve_listen). Null in `sora`: `sora listen` then replaces the
  /// process with the companion sora-listen, given the same arguments (commands/listen.cpp).
  ListenServer listen = nullptr;
};

/// The main() of sora and sora-listen: SIGINT and SIGTERM set g_interrupted, SIGPIPE is ignored,
/// run_cli runs, and an exception that escapes it is an internal error (exit 1).
int run_main(int argc, char** argv, const CliHooks& hooks);

/// Parses `argv` and runs the chosen command; returns its exit code (docs/cli.md). Parse errors are
/// reported on stderr with exit 2. Exceptions other than CLI11's parse errors propagate.
int run_cli(int argc, char** argv);
int run_cli(int argc, char** argv, const CliHooks& hooks);

/// What parsing alone found: the command and the options given to it, or the usage error's exit
/// code (the error is printed on stderr as run_cli prints it). Nothing runs.
struct ParseOutcome {
  bool parsed = false;
  int exit_code = 0; ///< when not parsed: 2 for usage errors, 0 for --help and --version
  std::string command;
  std::vector<std::string> options; ///< the command's options that were given, by name
};
ParseOutcome parse_cli(int argc, char** argv);

/// The commands `sora --help` lists, in its order.
std::vector<std::string> cli_command_names();

/// The name in `names` closest to `word` (edit distance at most 2, or a prefix), or "".
std::string closest_name(std::string_view word, const std::vector<std::string>& names);

} // namespace sora::cli
