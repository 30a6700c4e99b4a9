// sora: the command-line client for the Sora Videos API.
#include "app_context.hpp"
#include "commands/commands.hpp"
#include "exit_codes.hpp"
#include "manpage.hpp"

#include <sora/client.hpp>

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <exception>
#include <vector>

namespace {

extern "C" void on_signal(int) {
  sora::cli::g_interrupted.store(true);
}

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::signal(SIGPIPE, SIG_IGN); // a closed pipe is a write error, not a silent death
}

int run(int argc, char** argv) {
  using namespace sora::cli;
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

} // namespace

int main(int argc, char** argv) {
  install_signal_handlers();
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sora: internal error: %s\n  hint: please report this as a bug.\n",
                 e.what());
    return sora::cli::k_exit_internal;
  }
}
