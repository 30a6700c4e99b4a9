// `sora delete`: remove videos and their files from the server.
#include "commands/commands.hpp"
#include "commands/job_flow.hpp"
#include "output.hpp"

#include <CLI/CLI.hpp>

#include <memory>

namespace sora::cli {

Command register_delete(CLI::App& app, AppContext& ctx) {
  auto ids = std::make_shared<std::vector<std::string>>();
  auto* sub = app.add_subcommand("delete", "Delete videos from the server");
  sub->add_option("ids", *ids, "Video ids (or @last, @N)")->required()->type_name("ID...");
  sub->footer("Prints each deleted id; with several ids, the exit code is the first failure's.");
  return {sub, [ids, &ctx] {
            return for_each_id(ctx, *ids,
                               [&](Client& client, const std::string& id) -> Result<std::string> {
                                 auto deleted = client.remove(id);
                                 if (!deleted) return unexpected(std::move(deleted).error());
                                 if (ctx.options.json) return deleted_json(*deleted);
                                 return deleted->id.empty() ? id : deleted->id;
                               });
          }};
}

} // namespace sora::cli
