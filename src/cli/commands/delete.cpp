// `sora delete`: remove videos and their files from the server.
#include "commands/commands.hpp"
#include "exit_codes.hpp"
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
            auto client = ctx.client();
            if (!client) return ctx.fail(client.error());
            int code = k_exit_ok;
            for (const auto& reference : *ids) {
              auto resolved = ctx.resolve_id(reference);
              if (!resolved) return ctx.fail(resolved.error());
              const std::string& id = *resolved;
              auto deleted = (*client)->remove(id);
              if (!deleted) {
                int failed = ctx.fail(deleted.error());
                if (code == k_exit_ok) code = failed;
                if (failed == k_exit_interrupted) return failed;
                continue;
              }
              print_line(ctx.options.json ? deleted->raw_json
                                          : (deleted->id.empty() ? id : deleted->id));
            }
            return code;
          }};
}

} // namespace sora::cli
