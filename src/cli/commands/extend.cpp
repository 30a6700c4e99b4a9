// `sora extend`: start a new video that continues a finished one with a new segment.
#include "commands/commands.hpp"
#include "commands/cost_guard.hpp"
#include "commands/job_flow.hpp"

#include <CLI/CLI.hpp>

#include <memory>

namespace sora::cli {
namespace {

struct ExtendOptions {
  std::string id;
  PromptOptions prompt;
  std::string seconds;
  FollowOptions follow;
  CostOptions cost;
};

int run_extend(const ExtendOptions& o, AppContext& ctx) {
  auto prompt = read_prompt(o.prompt, ctx.options.api_key_file == "-");
  if (!prompt) return ctx.fail(prompt.error());
  if (auto ok = check_output(o.follow.output, o.follow.force); !ok) return ctx.fail(ok.error());
  auto id = ctx.resolve_id(o.id);
  if (!id) return ctx.fail(id.error());
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  ExtendRequest request{*id, std::move(*prompt), o.seconds};
  auto plan = (*client)->plan_extend(request); // checks the request before anything is sent
  if (!plan) return ctx.fail(plan.error());
  // The new segment is priced at the source's model and size.
  if (auto stop = guard_source_cost(ctx, o.cost, **client, *id, *plan, o.seconds, "an extension"))
    return *stop;
  auto video = (*client)->extend(request);
  if (!video) return ctx.fail(video.error());
  ctx.record_job("extend", *video, request.prompt, o.follow.output);
  return follow_job(ctx, **client, *video, o.follow);
}

} // namespace

Command register_extend(CLI::App& app, AppContext& ctx) {
  auto options = std::make_shared<ExtendOptions>();
  auto* sub = app.add_subcommand("extend", "Start a new video that continues a finished one");
  sub->add_option("id", options->id, "The finished video to continue (or @last, @N)")
      ->required()
      ->type_name("ID");
  add_prompt_options(*sub, options->prompt, true);
  sub->add_option("-s,--seconds", options->seconds, "Length of the new segment: 4, 8, 12, 16 or 20")
      ->required()
      ->type_name("N");
  add_follow_options(*sub, options->follow);
  add_cost_options(*sub, options->cost);
  sub->footer("Prints the new video's id; the new video is the source plus the new segment\n"
              "(its seconds is the stitched total, at most 120). Model and size come from the\n"
              "source; the estimate prices the new segment at them.\n"
              "Example: sora extend @last --prompt \"the boat sails into fog\" --seconds 8 -o "
              "longer.mp4");
  return {sub, [options, &ctx] { return run_extend(*options, ctx); }};
}

} // namespace sora::cli
