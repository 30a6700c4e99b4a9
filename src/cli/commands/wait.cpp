// `sora wait`: wait until jobs finish.
#include "commands/commands.hpp"
#include "commands/job_flow.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

#include <CLI/CLI.hpp>

#include <memory>

namespace sora::cli {
namespace {

struct WaitCommandOptions {
  std::vector<std::string> ids;
  double timeout = k_default_wait_timeout;
};

} // namespace

Command register_wait(CLI::App& app, AppContext& ctx) {
  auto o = std::make_shared<WaitCommandOptions>();
  auto* sub = app.add_subcommand("wait", "Wait until videos are finished");
  sub->add_option("ids", o->ids, "Video ids (or @last, @N)")->required()->type_name("ID...");
  sub->add_option("--wait-timeout", o->timeout,
                  "Give up after this many seconds in all (the jobs keep running)")
      ->type_name("SECONDS")
      ->check(positive_seconds)
      ->capture_default_str();
  sub->footer(
      "Prints each video's status line when it is done. Exit 6 if a job failed, 7 if it\n"
      "was refused by content policy, 8 on timeout; with several ids, the first failure's.");
  return {sub, [o, &ctx] {
            auto deadline = std::chrono::steady_clock::now() +
                            std::chrono::milliseconds(static_cast<std::int64_t>(o->timeout * 1000));
            return for_each_id(
                ctx, o->ids,
                [&](Client& client, const std::string& id) -> Result<std::string> {
                  double left =
                      std::chrono::duration<double>(deadline - std::chrono::steady_clock::now())
                          .count();
                  auto video = wait_for(ctx, client, id, std::max(left, 0.001));
                  if (!video) return unexpected(std::move(video).error());
                  return ctx.options.json ? video->raw_json : video_row(*video);
                },
                [](const Error& error, const std::string& id) {
                  int code = exit_code_for(error);
                  bool resumable = code == k_exit_wait_timeout || code == k_exit_interrupted ||
                                   code == k_exit_unavailable;
                  return resumable ? "sora wait " + id : std::string();
                });
          }};
}

} // namespace sora::cli
