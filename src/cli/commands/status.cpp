// `sora status`: show where one or more jobs are.
#include "commands/commands.hpp"
#include "commands/job_flow.hpp"
#include "output.hpp"

#include <CLI/CLI.hpp>

#include <memory>

namespace sora::cli {

Command register_status(CLI::App& app, AppContext& ctx) {
  auto ids = std::make_shared<std::vector<std::string>>();
  auto* sub = app.add_subcommand("status", "Show the status of videos");
  sub->add_option("ids", *ids, "Video ids (or @last, @N)")->required()->type_name("ID...");
  sub->footer("One line per video: id, status, progress, model, size, duration, creation time.\n"
              "With several ids, every one is shown; the exit code is that of the first failure.");
  return {sub, [ids, &ctx] {
            return for_each_id(ctx, *ids,
                               [&](Client& client, const std::string& id) -> Result<std::string> {
                                 auto video = client.retrieve(id);
                                 if (!video) return unexpected(std::move(video).error());
                                 return ctx.options.json ? video_json(*video) : video_row(*video);
                               });
          }};
}

} // namespace sora::cli
