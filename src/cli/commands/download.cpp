// `sora download`: save a finished video (or its thumbnail or spritesheet).
#include "commands/commands.hpp"
#include "commands/job_flow.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <set>

namespace sora::cli {
namespace {

struct DownloadOptions {
  std::vector<std::string> ids;
  std::string output;
  std::string variant = "video";
  bool force = false;
  int concurrency = k_default_id_concurrency;
};

Error usage_error(std::string message, std::string hint) {
  Error e;
  e.code = ErrorCode::invalid_argument;
  e.message = std::move(message);
  e.hint = std::move(hint);
  return e;
}

int download_one(const DownloadOptions& o, Variant variant, AppContext& ctx) {
  auto id = ctx.resolve_id(o.ids.front());
  if (!id) return ctx.fail(id.error());
  std::string output = o.output.empty() ? default_output(*id, variant) : o.output;
  if (auto ok = check_output(output, o.force); !ok) return ctx.fail(ok.error());
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  return save_content(ctx, **client, *id, variant, output, o.force, true);
}

// Several ids: each to its default name (ID.mp4 …), --concurrency at a time, every output checked
// before anything is sent. Each file is still written to its .part and renamed when complete.
int download_several(const DownloadOptions& o, Variant variant, AppContext& ctx) {
  if (!o.output.empty())
    return ctx.fail(usage_error("-o takes exactly one video id.",
                                "Leave -o out: each video is saved as ID.mp4 (or .webp, .jpg)."));
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (const auto& reference : o.ids) {
    auto id = ctx.resolve_id(reference);
    if (!id) return ctx.fail(id.error());
    if (!seen.insert(*id).second)
      return ctx.fail(usage_error(*id + " is given twice. Nothing was sent.",
                                  "Name each video once (@N and its id are the same video)."));
    if (auto ok = check_output(default_output(*id, variant), o.force); !ok)
      return ctx.fail(ok.error());
    ids.push_back(std::move(*id));
  }
  std::string suffix =
      variant == Variant::video ? "" : " --variant " + std::string(to_string(variant));
  return for_each_id(
      ctx, ids,
      [&](Client& client, const std::string& id) -> Result<std::string> {
        DownloadRequest request;
        request.variant = variant;
        request.output = default_output(id, variant);
        request.overwrite = o.force;
        auto saved = client.download(id, request);
        if (!saved) return unexpected(std::move(saved).error());
        if (ctx.options.json) return download_json(id, variant, request.output, saved->bytes);
        return request.output.string();
      },
      [&](const Error& error, const std::vector<std::string>& unfinished) {
        int code = exit_code_for(error);
        bool resumable = code == k_exit_unavailable || code == k_exit_interrupted;
        return resumable ? "sora download " + joined_ids(unfinished) + suffix : std::string();
      },
      o.concurrency);
}

} // namespace

Command register_download(CLI::App& app, AppContext& ctx) {
  auto options = std::make_shared<DownloadOptions>();
  auto* sub = app.add_subcommand("download", "Save finished videos, thumbnails or spritesheets");
  sub->add_option("ids", options->ids, "The videos (or @last, @N)")->required()->type_name("ID...");
  sub->add_option("-o,--output", options->output,
                  "Where to save it ('-' for stdout; one id); default ID.mp4, ID.webp or ID.jpg")
      ->type_name("PATH");
  sub->add_option("--variant", options->variant, "video, thumbnail or spritesheet")
      ->check(CLI::IsMember({"video", "thumbnail", "spritesheet"}))
      ->capture_default_str();
  sub->add_flag("-f,--force", options->force, "Replace the output file if it exists");
  add_concurrency_option(*sub, options->concurrency);
  sub->footer("Writes to PATH.part first and renames it when complete; an interrupted download\n"
              "resumes from the .part the next time. Prints the path. With several ids, each is\n"
              "saved as ID.mp4 (ID.webp, ID.jpg), --concurrency at a time, the paths printed in\n"
              "the order given; the exit code is that of the first failure.");
  return {sub, [options, &ctx] {
            auto variant = parse_variant(options->variant);
            if (options->ids.size() == 1) return download_one(*options, *variant, ctx);
            return download_several(*options, *variant, ctx);
          }};
}

} // namespace sora::cli
