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
#include <string>
#include <vector>

namespace sora::cli {

int run_cli(int argc, char** argv) {
  CLI::App app("sora: create, follow and download videos with the Sora Videos API "
               "(or any server that speaks it).",
               "sora");
  app.set_version_flag("--version", "sora " + std::string(sora::version()));
  app.require_subcommand(1);
  app.footer(std::string("Environment: SORA_API_KEY (or the profile's key variable, e.g. "
                         "OPENAI_API_KEY), SORA_BASE_URL,\nSORA_PROFILE, SORA_CONFIG (default "
                         "~/.config/sora/config.toml), SORA_PRICES (a price file),\n"
                         "SORA_WEBHOOK_SECRET (sora listen).\n"
                         "Providers: docs/providers.md.\n\n") +
             k_exit_code_help + "\nDocs: docs/cli.md. Run 'sora COMMAND --help' for a command.");
  AppContext ctx;
  ctx.register_options(app);
  add_man_page_option(app); // hidden: the build writes sora.1 with it
  std::vector<Command> commands;
  for (auto register_command : k_commands) {
    commands.push_back(register_command(app, ctx));
    commands.back().app->fallthrough(); // global options may follow the subcommand
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

} // namespace sora::cli
