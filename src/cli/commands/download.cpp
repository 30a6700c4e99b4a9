// `sora download`: save a finished video (or its thumbnail or spritesheet).
#include "commands/commands.hpp"
#include "commands/job_flow.hpp"

#include <CLI/CLI.hpp>

#include <memory>

namespace sora::cli {
namespace {

struct DownloadOptions {
  std::string id;
  std::string output;
  std::string variant = "video";
  bool force = false;
};

int run_download(const DownloadOptions& o, AppContext& ctx) {
  auto variant = parse_variant(o.variant);
  auto id = ctx.resolve_id(o.id);
  if (!id) return ctx.fail(id.error());
  std::string output = o.output.empty() ? default_output(*id, *variant) : o.output;
  if (auto ok = check_output(output, o.force); !ok) return ctx.fail(ok.error());
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  return save_content(ctx, **client, *id, *variant, output, o.force, true);
}

} // namespace

Command register_download(CLI::App& app, AppContext& ctx) {
  auto options = std::make_shared<DownloadOptions>();
  auto* sub = app.add_subcommand("download", "Save a finished video, thumbnail or spritesheet");
  sub->add_option("id", options->id, "The video (or @last, @N)")->required()->type_name("ID");
  sub->add_option("-o,--output", options->output,
                  "Where to save it ('-' for stdout); default ID.mp4, ID.webp or ID.jpg")
      ->type_name("PATH");
  sub->add_option("--variant", options->variant, "video, thumbnail or spritesheet")
      ->check(CLI::IsMember({"video", "thumbnail", "spritesheet"}))
      ->capture_default_str();
  sub->add_flag("-f,--force", options->force, "Replace the output file if it exists");
  sub->footer("Writes to PATH.part first and renames it when complete; an interrupted download\n"
              "resumes from the .part the next time. Prints the path.");
  return {sub, [options, &ctx] { return run_download(*options, ctx); }};
}

} // namespace sora::cli
