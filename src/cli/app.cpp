// The sora command tree as a library: parses the arguments and runs one command. main.cpp and the
// in-process CLI tests both call run_cli.
#include "app.hpp"

#include "app_context.hpp"
#include "commands/commands.hpp"
#include "exit_codes.hpp"
#include "manpage.hpp"

#include <sora/client.hpp>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstring>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sora::cli {
namespace {

// The names k_commands registers, in its order. Only the command being run is registered:
// building every option of every command was most of what `sora status ID` did before its
// request. A name that does not match what its function registers falls back to all of them.
constexpr std::string_view k_command_names[] = {
    "create", "remix", "extend",  "edit",   "status",   "wait",   "download",  "list",
    "delete", "batch", "history", "prompt", "profiles", "config", "completion"};
static_assert(std::size(k_command_names) == std::size(k_commands));

// The global options that take a value as the next argument.
bool takes_value(std::string_view arg) {
  for (std::string_view name : {"--profile", "--base-url", "--api-key-file", "--timeout",
                                "--connect-timeout", "--stall-timeout", "--max-retries"})
    if (arg == name) return true;
  return false;
}

// Which command of k_commands the arguments run, when that is all that needs registering;
// nullopt for help, the man page, completions (they read every command) and anything unclear.
std::optional<std::size_t> only_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.empty() || arg == "--") return std::nullopt;
    if (arg[0] == '-') {
      if (arg == "-h" || arg == "--help" || arg == "--version" || arg == "--generate-man")
        return std::nullopt;
      if (takes_value(arg)) ++i;
      continue;
    }
    for (std::size_t n = 0; n < std::size(k_command_names); ++n)
      if (arg == k_command_names[n] && arg != "completion") return n;
    return std::nullopt;
  }
  return std::nullopt;
}

int run(int argc, char** argv, std::optional<std::size_t> only) {
  CLI::App app("sora: create, follow and download videos with the Sora Videos API "
               "(or any server that speaks it).",
               "sora");
  app.set_version_flag("--version", "sora " + std::string(sora::version()));
  app.require_subcommand(1);
  app.footer(std::string("Environment: SORA_API_KEY (or the profile's key variable, e.g. "
                         "OPENAI_API_KEY), SORA_BASE_URL,\nSORA_PROFILE, SORA_CONFIG (default "
                         "~/.config/sora/config.toml), SORA_PRICES (a price file).\n"
                         "Providers: docs/providers.md.\n\n") +
             k_exit_code_help + "\nDocs: docs/cli.md. Run 'sora COMMAND --help' for a command.");
  AppContext ctx;
  ctx.register_options(app);
  add_man_page_option(app); // hidden: the build writes sora.1 with it
  std::vector<Command> commands;
  for (std::size_t n = 0; n < std::size(k_commands); ++n) {
    if (only && n != *only) continue;
    commands.push_back(k_commands[n](app, ctx));
    commands.back().app->fallthrough(); // global options may follow the subcommand
    if (only && commands.back().app->get_name() != k_command_names[n])
      return run(argc, argv, std::nullopt); // the names above are out of date
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e); // --help, --version
    std::string where;
    for (const auto& command : commands)
      if (command.app->parsed()) where = command.app->get_name() + " ";
    std::fprintf(stderr, "sora: error: %s\n  hint: see 'sora %s--help'; nothing was sent.\n",
                 e.what(), where.c_str());
    return k_exit_usage;
  }
  for (const auto& command : commands)
    if (command.app->parsed()) return command.run();
  return k_exit_usage;
}

} // namespace

int run_cli(int argc, char** argv) {
  return run(argc, argv, only_command(argc, argv));
}

} // namespace sora::cli
