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
  std::string output; ///< -o: download the video as soon as it is done (one id only)
  bool force = false;
  int concurrency = k_default_id_concurrency;
};

// `wait ID -o PATH`: result URLs are often signed and expire, so the file is fetched the moment
// the job is done (tolerance rule 24).
int wait_and_save(const WaitCommandOptions& o, AppContext& ctx) {
  if (o.ids.size() != 1) {
    Error e;
    e.code = ErrorCode::invalid_argument;
    e.message = "-o takes exactly one video id.";
    e.hint = "Run one 'sora wait ID -o PATH' per video.";
    return ctx.fail(e);
  }
  auto id = ctx.resolve_id(o.ids.front());
  if (!id) return ctx.fail(id.error());
  if (auto ok = check_output(o.output, o.force); !ok) return ctx.fail(ok.error());
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  auto video = wait_for(ctx, **client, *id, o.timeout);
  if (!video) return ctx.fail(video.error());
  return save_content(ctx, **client, *id, Variant::video, o.output, o.force, true);
}

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
  sub->add_option("-o,--output", o->output,
                  "Download the video to PATH ('-' for stdout) as soon as it is done (one id)")
      ->type_name("PATH");
  sub->add_flag("-f,--force", o->force, "With -o: replace the output file if it exists");
  add_concurrency_option(*sub, o->concurrency);
  sub->footer(
      "Prints each video's status line when it is done (with -o, the saved path), in the order\n"
      "given; several ids are waited for --concurrency at a time, all within --wait-timeout.\n"
      "Exit 6 if a job failed, 7 if it was refused by content policy, 8 on timeout; with\n"
      "several ids, the first failure's.");
  return {sub, [o, &ctx] {
            if (!o->output.empty()) return wait_and_save(*o, ctx);
            auto deadline = std::chrono::steady_clock::now() +
                            std::chrono::milliseconds(static_cast<std::int64_t>(o->timeout * 1000));
            bool one = o->ids.size() == 1; // several: one "N of M done" line instead
            return for_each_id(
                ctx, o->ids,
                [&](Client& client, const std::string& id) -> Result<std::string> {
                  double left =
                      std::chrono::duration<double>(deadline - std::chrono::steady_clock::now())
                          .count();
                  auto video = wait_for(ctx, client, id, std::max(left, 0.001), one);
                  if (!video) return unexpected(std::move(video).error());
                  return ctx.options.json ? video_json(*video) : video_row(*video);
                },
                [](const Error& error, const std::vector<std::string>& unfinished) {
                  int code = exit_code_for(error);
                  bool resumable = code == k_exit_wait_timeout || code == k_exit_interrupted ||
                                   code == k_exit_unavailable;
                  return resumable ? "sora wait " + joined_ids(unfinished) : std::string();
                },
                o->concurrency);
          }};
}

} // namespace sora::cli
