// `sora status`: show where one or more jobs are.
#include "commands/commands.hpp"
#include "exit_codes.hpp"
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
            auto client = ctx.client();
            if (!client) return ctx.fail(client.error());
            int code = k_exit_ok;
            for (const auto& reference : *ids) {
              auto resolved = ctx.resolve_id(reference);
              if (!resolved) return ctx.fail(resolved.error());
              const std::string& id = *resolved;
              auto video = (*client)->retrieve(id);
              if (!video) {
                int failed = ctx.fail(video.error());
                if (code == k_exit_ok) code = failed;
                if (failed == k_exit_interrupted) return failed;
                continue;
              }
              print_line(ctx.options.json ? video->raw_json : video_row(*video));
            }
            return code;
          }};
}

} // namespace sora::cli
