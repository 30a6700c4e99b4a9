// `sora status`: show where one or more jobs are.
#include "commands/commands.hpp"
#include "commands/job_flow.hpp"
#include "job_observer.hpp"
#include "output.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <memory>

namespace sora::cli {

Command register_status(CLI::App& app, AppContext& ctx) {
  auto ids = std::make_shared<std::vector<std::string>>();
  auto concurrency = std::make_shared<int>(k_default_id_concurrency);
  auto* sub = app.add_subcommand("status", "Show the status of videos");
  sub->add_option("ids", *ids, "Video ids (or @last, @N)")->required()->type_name("ID...");
  add_concurrency_option(*sub, *concurrency);
  sub->footer("One line per video: id, status, progress, model, size, duration, creation time.\n"
              "With several ids, every one is shown, in the order given (--concurrency at once);\n"
              "the exit code is that of the first failure.\n"
              "With @last or @N, a create that was interrupted before its id was recorded is\n"
              "looked up in the server's list first (see sora history).");
  return {sub, [ids, concurrency, &ctx] {
            // An interrupted create may have started a job the journal never heard of: find it
            // first, so @last names it.
            bool by_reference = std::any_of(ids->begin(), ids->end(), [](const std::string& id) {
              return id.starts_with("@");
            });
            if (by_reference) {
              auto client = ctx.client();
              if (!client) return ctx.fail(client.error());
              resolve_pending_intents(ctx, **client);
            }
            return for_each_id(
                ctx, *ids,
                [&](Client& client, const std::string& id) -> Result<std::string> {
                  auto video = client.retrieve(id);
                  if (!video) return unexpected(std::move(video).error());
                  record_reported_cost(ctx, *video); // a finished job's cost
                  return ctx.options.json ? video_json(*video) : video_row(*video);
                },
                [](const Error& error, const std::vector<std::string>& unfinished) {
                  return error.code == ErrorCode::interrupted
                             ? "sora status " + joined_ids(unfinished)
                             : std::string();
                },
                *concurrency);
          }};
}

} // namespace sora::cli
