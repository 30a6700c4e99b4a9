// remix, extend and edit: one registration and one run for the jobs that start from a finished
// video; each command is a table row (source_job.hpp).
#include "commands/source_job.hpp"

#include "commands/cost_guard.hpp"
#include "commands/job_flow.hpp"

#include <sora/profile.hpp>

#include <CLI/CLI.hpp>

#include <memory>

namespace sora::cli {
namespace {

struct SourceJobOptions {
  std::string id;
  PromptOptions prompt;
  std::string seconds;
  FollowOptions follow;
  CostOptions cost;
};

// What the request would send (checked before anything is sent), by kind.
Result<RequestPlan> plan_for(const Client& client, const JobSpec& spec) {
  switch (spec.kind) {
  case JobKind::extend:
    return client.plan_extend(ExtendRequest{spec.source_id, spec.prompt, spec.seconds});
  case JobKind::edit:
    return client.plan_edit(EditRequest{spec.source_id, spec.prompt});
  default:
    return client.plan_remix(spec.source_id, spec.prompt);
  }
}

Operation operation_of(JobKind kind) {
  switch (kind) {
  case JobKind::extend:
    return Operation::extend;
  case JobKind::edit:
    return Operation::edit;
  default:
    return Operation::remix;
  }
}

int run_source_job(const SourceJobCommand& command, const SourceJobOptions& o, AppContext& ctx) {
  auto parts = read_prompt_parts(o.prompt, ctx.options.api_key_file == "-");
  if (!parts) return ctx.fail(parts.error());
  auto prompt = composed_prompt(*parts);
  if (!prompt) return ctx.fail(prompt.error());
  if (auto ok = check_output(o.follow.output, o.follow.force); !ok) return ctx.fail(ok.error());
  // The duration is the source's, and its camera too unless the prompt changes it.
  if (command.lint) warn_about_prompt(ctx, *parts, std::nullopt, true);
  auto id = ctx.resolve_id(o.id);
  if (!id) return ctx.fail(id.error());
  // A profile known not to have the operation: refused here, --dry-run too (rule 25's "not
  // supported" answer stays for servers whose operations are unknown).
  auto settings = ctx.settings();
  if (!settings) return ctx.fail(settings.error());
  if (auto ok = check_operation((*settings)->effective, operation_of(command.kind)); !ok)
    return ctx.fail(ok.error());
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  JobSpec spec;
  spec.kind = command.kind;
  spec.label = std::string(command.name);
  spec.source_id = *id;
  spec.prompt = std::move(*prompt);
  spec.seconds = o.seconds;
  auto plan = plan_for(**client, spec);
  if (!plan) return ctx.fail(plan.error());
  // Priced at the source's model and size (an extension: the new segment's seconds).
  std::optional<std::string> seconds;
  if (command.takes_seconds) seconds = o.seconds;
  if (auto stop = guard_source_cost(ctx, o.cost, **client, *id, *plan, seconds, command.cost_noun))
    return *stop;
  return run_and_report(ctx, **client, std::move(spec), o.follow, std::string(command.name));
}

} // namespace

Command register_source_job(CLI::App& app, AppContext& ctx, const SourceJobCommand& command) {
  auto options = std::make_shared<SourceJobOptions>();
  auto* sub = app.add_subcommand(command.name, command.description);
  sub->add_option("id", options->id, command.id_help)->required()->type_name("ID");
  add_prompt_options(*sub, options->prompt, true);
  if (command.takes_seconds)
    sub->add_option("-s,--seconds", options->seconds, command.seconds_help)
        ->required()
        ->type_name("N");
  add_follow_options(*sub, options->follow);
  add_cost_options(*sub, options->cost);
  sub->footer(command.footer);
  return {sub, [options, &ctx, &command] { return run_source_job(command, *options, ctx); }};
}

} // namespace sora::cli
