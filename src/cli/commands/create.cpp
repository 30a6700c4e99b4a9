// `sora create`: start a video from a prompt and optionally a first-frame image.
#include "commands/commands.hpp"
#include "commands/job_flow.hpp"
#include "exit_codes.hpp"
#include "progress.hpp"

#include <sora/validate.hpp>

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <memory>

namespace sora::cli {
namespace {

struct CreateOptions {
  PromptOptions prompt;
  std::string image;
  std::string model;
  std::string seconds;
  std::string size;
  FollowOptions follow;
};

// The duration the lint checks the timing against: --seconds, else the default of OpenAI's
// models (4); unknown for other models without --seconds.
std::optional<double> lint_seconds(const CreateRequest& request) {
  if (request.seconds) {
    char* end = nullptr;
    double seconds = std::strtod(request.seconds->c_str(), &end);
    if (end && *end == '\0' && end != request.seconds->c_str()) return seconds;
    return std::nullopt;
  }
  if (is_known_model(request.model.value_or("sora-2"))) return 4.0;
  return std::nullopt;
}

int run_create(const CreateOptions& o, AppContext& ctx) {
  auto parts = read_prompt_parts(o.prompt, ctx.options.api_key_file == "-");
  if (!parts) return ctx.fail(parts.error());
  auto prompt = composed_prompt(*parts);
  if (!prompt) return ctx.fail(prompt.error());
  if (auto ok = check_output(o.follow.output, o.follow.force); !ok) return ctx.fail(ok.error());

  CreateRequest request;
  request.prompt = std::move(*prompt);
  if (!o.model.empty()) request.model = o.model;
  if (!o.seconds.empty()) request.seconds = o.seconds;
  if (!o.size.empty()) request.size = o.size;
  std::optional<ImageInfo> image;
  if (!o.image.empty()) {
    auto info = probe_image(o.image);
    if (!info) return ctx.fail(info.error());
    image = *info;
    request.image = o.image;
  }
  if (auto ok = validate_create(request, image); !ok) return ctx.fail(ok.error());
  warn_about_prompt(ctx, *parts, lint_seconds(request));

  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  Progress progress(ctx.show_progress());
  std::string label = request.image ? request.image->filename().string() : "request";
  auto video = (*client)->create(request, [&](const TransferProgress& p) {
    if (request.image) progress.upload(p, label);
  });
  progress.finish();
  if (!video) return ctx.fail(video.error());
  ctx.record_job("create", *video, request.prompt, o.follow.output);
  return follow_job(ctx, **client, *video, o.follow);
}

} // namespace

Command register_create(CLI::App& app, AppContext& ctx) {
  auto options = std::make_shared<CreateOptions>();
  auto* sub = app.add_subcommand("create", "Start a video from a prompt (and a first-frame image)");
  add_prompt_options(*sub, options->prompt, true);
  sub->add_option("-i,--image", options->image,
                  "First frame: a JPEG, PNG or WebP image whose size is the video size")
      ->type_name("PATH");
  sub->add_option("-m,--model", options->model, "Model, e.g. sora-2 (default) or sora-2-pro")
      ->type_name("MODEL");
  sub->add_option("-s,--seconds", options->seconds, "Duration: 4 (default), 8, 12, 16 or 20")
      ->type_name("N");
  sub->add_option("--size", options->size,
                  "WxH: 720x1280 (default), 1280x720; sora-2-pro also 1024x1792, 1792x1024, "
                  "1080x1920, 1920x1080. Defaults to the image's size when it is one of these")
      ->type_name("WxH");
  add_follow_options(*sub, options->follow);
  sub->footer(
      "Prints the new video's id. With --wait, waits for it; with -o, also downloads it.\n"
      "The prompt is --prompt (or --prompt-file), then the parts of the shot; 'sora prompt' shows\n"
      "it and the lint warnings that create prints on stderr.\n"
      "Example: sora create --image photo.jpg --prompt \"slow dolly in\" -o clip.mp4\n"
      "         sora create -i photo.jpg --shot \"medium shot, slow push in\" --action \"she "
      "smiles\"");
  return {sub, [options, &ctx] { return run_create(*options, ctx); }};
}

} // namespace sora::cli
