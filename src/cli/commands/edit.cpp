// `sora edit`: start a new video that applies a change to a finished one.
#include "commands/commands.hpp"
#include "commands/cost_guard.hpp"
#include "commands/job_flow.hpp"

#include <CLI/CLI.hpp>

#include <memory>

namespace sora::cli {
namespace {

struct EditOptions {
  std::string id;
  PromptOptions prompt;
  FollowOptions follow;
  CostOptions cost;
};

int run_edit(const EditOptions& o, AppContext& ctx) {
  auto prompt = read_prompt(o.prompt, ctx.options.api_key_file == "-");
  if (!prompt) return ctx.fail(prompt.error());
  if (auto ok = check_output(o.follow.output, o.follow.force); !ok) return ctx.fail(ok.error());
  auto id = ctx.resolve_id(o.id);
  if (!id) return ctx.fail(id.error());
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  EditRequest request{*id, std::move(*prompt)};
  auto plan = (*client)->plan_edit(request); // checks the request before anything is sent
  if (!plan) return ctx.fail(plan.error());
  // An edit is as long as its source, at the source's model and size.
  if (auto stop = guard_source_cost(ctx, o.cost, **client, *id, *plan, std::nullopt, "an edit"))
    return *stop;
  auto video = (*client)->edit(request);
  if (!video) return ctx.fail(video.error());
  ctx.record_job("edit", *video, request.prompt, o.follow.output);
  return follow_job(ctx, **client, *video, o.follow);
}

} // namespace

Command register_edit(CLI::App& app, AppContext& ctx) {
  auto options = std::make_shared<EditOptions>();
  auto* sub = app.add_subcommand("edit", "Start a new video that changes part of a finished one");
  sub->add_option("id", options->id, "The finished video to change (or @last, @N)")
      ->required()
      ->type_name("ID");
  add_prompt_options(*sub, options->prompt, true);
  add_follow_options(*sub, options->follow);
  add_cost_options(*sub, options->cost);
  sub->footer("Prints the new video's id. The edit keeps the source's structure and length and\n"
              "applies the change the prompt asks for; model and size come from the source.\n"
              "Example: sora edit @last --prompt \"make the sky stormy\" --wait");
  return {sub, [options, &ctx] { return run_edit(*options, ctx); }};
}

} // namespace sora::cli
