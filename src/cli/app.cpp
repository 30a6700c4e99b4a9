// The sora command tree as a library: parses the arguments and runs one command. main.cpp and the
// in-process CLI tests both call run_cli.
#include "app.hpp"

#include "app_context.hpp"
#include "commands/commands.hpp"
#include "exit_codes.hpp"
#include "manpage.hpp"

#include <sora/client.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace sora::cli {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// Where the first word that is neither an option nor an option's value is: the command the user
// meant. None when every word is accounted for (or after "--").
std::optional<int> command_word(const CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") return std::nullopt;
    if (arg.starts_with("-")) {
      auto name = std::string(arg.substr(0, arg.find('=')));
      const auto* option = app.get_option_no_throw(name);
      if (option && option->get_items_expected_min() > 0 && arg.find('=') == std::string_view::npos)
        ++i;
      continue;
    }
    return i;
  }
  return std::nullopt;
}

// The word meant as a command when it is none: "" when it is one (or there is none).
std::string unknown_command(const CLI::App& app, int argc, char** argv) {
  auto at = command_word(app, argc, argv);
  if (!at) return {};
  std::string word = argv[*at];
  auto subs = app.get_subcommands([](const CLI::App*) { return true; });
  if (std::any_of(subs.begin(), subs.end(),
                  [&](const CLI::App* sub) { return sub->check_name(word); }))
    return {};
  return word;
}

// The one command argv runs, when building only it gives the same result as building all: not
// for `completion` (it reads every command), nor without a known command word (`--help`,
// `--generate-man`, `--version`, a typo). Null when the whole tree is needed. Building all 21
// commands cost more instructions than the rest of a `sora status` (docs/adr/0015). CLI11
// shows the command's own help for `sora --help status` too, so help needs no exception.
const CommandEntry* only_command(const CLI::App& app, int argc, char** argv) {
  auto at = command_word(app, argc, argv);
  if (!at) return nullptr;
  std::string_view word = argv[*at];
  if (word == "completion") return nullptr;
  for (const auto& entry : k_commands)
    if (entry.name == word) return &entry;
  return nullptr;
}

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const auto* sub :
       app.get_subcommands([](const CLI::App* a) { return !a->get_name().empty(); }))
    if (!sub->get_group().empty()) names.push_back(sub->get_name()); // hidden commands: no group
  return names;
}

} // namespace

std::string closest_name(std::string_view word, const std::vector<std::string>& names) {
  std::string best;
  std::size_t best_distance = 3;
  for (const auto& name : names) {
    std::size_t d = edit_distance(word, name);
    if (word.size() >= 2 && name.starts_with(word)) d = std::min<std::size_t>(d, 1);
    if (d < best_distance) {
      best = name;
      best_distance = d;
    }
  }
  return best;
}

namespace {

// The command tree: the top-level app, the context every command shares, and the commands.
struct CommandTree {
  CLI::App app{"sora: create, follow and download videos with the Sora Videos API "
               "(or any server that speaks it).",
               "sora"};
  AppContext ctx;
  std::vector<Command> commands;

  // With argv, only the command it names is built when that is enough (only_command).
  explicit CommandTree(const CliHooks& hooks, int argc = 0, char** argv = nullptr) {
    app.set_version_flag("--version", "sora " + std::string(sora::version()));
    app.require_subcommand(1);
    app.footer(std::string("Environment: SORA_API_KEY (or the profile's key variable, e.g. "
                           "OPENAI_API_KEY), SORA_BASE_URL,\nSORA_PROFILE, SORA_CONFIG (default "
                           "~/.config/sora/config.toml), SORA_PRICES (a price file),\n"
                           "SORA_WEBHOOK_SECRET (sora listen).\n"
                           "Providers: docs/providers.md.\n\n") +
               k_exit_code_help + "\nDocs: docs/cli.md. Run 'sora COMMAND --help' for a command.");
    if (hooks.transport) ctx.use_transport(hooks.transport, hooks.clock);
    ctx.invocation = {argc, argv, hooks.listen};
    ctx.register_options(app);
    add_man_page_option(app); // hidden: the build writes sora.1 with it
    const CommandEntry* only = argc > 0 ? only_command(app, argc, argv) : nullptr;
    for (const auto& entry : k_commands) {
      if (only && &entry != only) continue;
      commands.push_back(entry.add(app, ctx));
      commands.back().app->fallthrough(); // global options may follow the subcommand
    }
  }

  const Command* parsed() const {
    for (const auto& command : commands)
      if (command.app->parsed()) return &command;
    return nullptr;
  }

  // Parses argv; on a parse error prints it (naming the command, or the closest command to an
  // unknown one) and returns its exit code.
  std::optional<int> parse(int argc, char** argv) {
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      if (e.get_exit_code() == 0) return app.exit(e); // --help, --version
      if (auto word = unknown_command(app, argc, argv); !word.empty()) {
        auto closest = closest_name(word, command_names(app));
        std::string hint = closest.empty()
                               ? "see 'sora --help' for the commands; nothing was sent."
                               : "did you mean 'sora " + closest + "'? Nothing was sent.";
        std::fprintf(stderr, "sora: error: '%s' is not a sora command.\n  hint: %s\n", word.c_str(),
                     hint.c_str());
        return k_exit_usage;
      }
      const Command* command = parsed();
      std::string where = command ? command->app->get_name() + " " : "";
      std::fprintf(stderr, "sora: error: %s\n  hint: see 'sora %s--help'; nothing was sent.\n",
                   e.what(), where.c_str());
      return k_exit_usage;
    }
    return std::nullopt;
  }
};

} // namespace

int run_cli(int argc, char** argv) {
  return run_cli(argc, argv, CliHooks{});
}

int run_cli(int argc, char** argv, const CliHooks& hooks) {
  CommandTree tree(hooks, argc, argv);
  if (auto code = tree.parse(argc, argv)) return *code;
  const Command* command = tree.parsed();
  return command ? command->run() : k_exit_usage;
}

ParseOutcome parse_cli(int argc, char** argv) {
  CommandTree tree(CliHooks{}, argc, argv);
  ParseOutcome outcome;
  if (auto code = tree.parse(argc, argv)) {
    outcome.exit_code = *code;
    return outcome;
  }
  const Command* command = tree.parsed();
  if (!command) {
    outcome.exit_code = k_exit_usage;
    return outcome;
  }
  outcome.parsed = true;
  outcome.command = command->app->get_name();
  // The command's own options and those of its option groups (which CLI11 keeps as nameless
  // subcommands).
  std::vector<const CLI::App*> scopes{command->app};
  for (const auto* group : command->app->get_subcommands([](const CLI::App*) { return true; }))
    scopes.push_back(group);
  for (const auto* scope : scopes)
    for (const auto* option : scope->get_options())
      if (option->count() > 0) outcome.options.push_back(option->get_name());
  return outcome;
}

namespace {

extern "C" void on_signal(int) {
  g_interrupted.store(true);
}

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::signal(SIGPIPE, SIG_IGN); // a closed pipe is a write error, not a silent death
}

} // namespace

int run_main(int argc, char** argv, const CliHooks& hooks) {
  install_signal_handlers();
  try {
    return run_cli(argc, argv, hooks);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sora: internal error: %s\n  hint: please report this as a bug.\n",
                 e.what());
    return k_exit_internal;
  }
}

std::vector<std::string> cli_command_names() {
  CommandTree tree(CliHooks{});
  return command_names(tree.app);
}

} // namespace sora::cli
