// `sora prompt`: compose the prompt create and remix would send, and lint it; sends nothing.
#include "commands/commands.hpp"
#include "commands/job_flow.hpp"
#include "exit_codes.hpp"
#include "hints.hpp"
#include "output.hpp"

#include <sora/prompt.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace sora::cli {
namespace {

struct PromptCommandOptions {
  PromptOptions prompt;
  double seconds = 0; ///< 0: not given (the default of 4 applies)
  bool strict = false;
  std::vector<std::string> allow; ///< lint rules to silence
};

int run_prompt(const PromptCommandOptions& o, AppContext& ctx) {
  auto parts = read_prompt_parts(o.prompt, ctx.options.api_key_file == "-");
  if (!parts) return ctx.fail(parts.error());
  std::string prompt = compose(*parts);
  auto warnings = lint_prompt(*parts, o.seconds > 0 ? o.seconds : 4.0, o.allow);
  for (const auto& warning : warnings)
    ctx.warn(warning.message + " [" + warning.code + "]");
  if (ctx.options.json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& warning : warnings)
      list.push_back({{"code", warning.code}, {"message", cli_words(warning.message)}});
    print_line(nlohmann::ordered_json{{"prompt", prompt}, {"warnings", list}}.dump(
        -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  } else {
    print_text(prompt); // the user's own lines, kept
  }
  if (o.strict && !warnings.empty()) {
    Error error;
    error.code = ErrorCode::invalid_argument;
    error.message = "The prompt has " + std::to_string(warnings.size()) +
                    (warnings.size() == 1 ? " warning" : " warnings") + " (--strict).";
    error.hint = "Fix what the warnings say, or leave out --strict.";
    return ctx.fail(error);
  }
  return k_exit_ok;
}

} // namespace

Command register_prompt(CLI::App& app, AppContext& ctx) {
  auto options = std::make_shared<PromptCommandOptions>();
  auto* sub = app.add_subcommand("prompt",
                                 "Show the prompt create would send, and lint it (sends nothing)");
  add_prompt_options(*sub, options->prompt, true);
  sub->add_option("-s,--seconds", options->seconds,
                  "Duration the timing must fit in (default 4, as create's)")
      ->type_name("N")
      ->check(positive_seconds);
  sub->add_flag("--strict", options->strict, "Exit 2 when there is any warning");
  std::vector<std::string> rules(lint_rules().begin(), lint_rules().end());
  sub->add_option("--allow", options->allow,
                  "Silence one lint rule (by its code; repeatable), e.g. --allow no_camera_move")
      ->type_name("RULE")
      ->check(CLI::IsMember(rules));
  sub->footer("Prints the composed prompt on stdout (with --json: {\"prompt\", \"warnings\"}) and "
              "each warning on\nstderr as 'sora: warning: MESSAGE [CODE]'. Exit 0, or 2 with "
              "--strict and a warning.\n"
              "A line 'sora-lint: ignore=RULE' in the prompt silences RULE for that prompt\n"
              "wherever it is used (create, remix, batch); the line is never sent. See "
              "docs/prompting.md.\n"
              "Example: sora prompt --prompt-file examples/prompts/dolly-in.txt --seconds 8 "
              "--strict");
  return {sub, [options, &ctx] { return run_prompt(*options, ctx); }};
}

} // namespace sora::cli
