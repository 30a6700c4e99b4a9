// `sora remix`: start a new video that changes a finished one.
#include "commands/commands.hpp"
#include "commands/cost_guard.hpp"
#include "commands/job_flow.hpp"

#include <CLI/CLI.hpp>

#include <memory>

namespace sora::cli {
namespace {

struct RemixOptions {
  std::string id;
  PromptOptions prompt;
  FollowOptions follow;
  CostOptions cost;
};

int run_remix(const RemixOptions& o, AppContext& ctx) {
  auto parts = read_prompt_parts(o.prompt, ctx.options.api_key_file == "-");
  if (!parts) return ctx.fail(parts.error());
  auto prompt = composed_prompt(*parts);
  if (!prompt) return ctx.fail(prompt.error());
  if (auto ok = check_output(o.follow.output, o.follow.force); !ok) return ctx.fail(ok.error());
  warn_about_prompt(ctx, *parts, std::nullopt, true); // the duration is the original's
  auto id = ctx.resolve_id(o.id);
  if (!id) return ctx.fail(id.error());
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  auto plan = (*client)->plan_remix(*id, *prompt);
  if (!plan) return ctx.fail(plan.error());
  // A remix inherits model, size and duration from its source.
  if (auto stop = guard_source_cost(ctx, o.cost, **client, *id, *plan, std::nullopt, "a remix"))
    return *stop;
  auto video = (*client)->remix(*id, *prompt);
  if (!video) return ctx.fail(video.error());
  ctx.record_job("remix", *video, *prompt, o.follow.output);
  return follow_job(ctx, **client, *video, o.follow);
}

} // namespace

Command register_remix(CLI::App& app, AppContext& ctx) {
  auto options = std::make_shared<RemixOptions>();
  auto* sub = app.add_subcommand("remix", "Start a new video that changes a finished one");
  sub->add_option("id", options->id, "The finished video to change (or @last, @N)")
      ->required()
      ->type_name("ID");
  add_prompt_options(*sub, options->prompt, true);
  add_follow_options(*sub, options->follow);
  add_cost_options(*sub, options->cost);
  sub->footer("Prints the new video's id. Model, size and duration come from the original, so\n"
              "the estimate needs them: from the journal (jobs sora started), else --max-cost\n"
              "asks the server (a free GET); --dry-run never asks and may say 'unknown'.\n"
              "Say what changes with --prompt or --action, and what must not with --keep.");
  return {sub, [options, &ctx] { return run_remix(*options, ctx); }};
}

} // namespace sora::cli
