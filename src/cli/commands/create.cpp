// `sora create`: start a video from a prompt and optionally a first-frame image.
#include "commands/commands.hpp"
#include "commands/job_flow.hpp"
#include "commands/provider_options.hpp"
#include "exit_codes.hpp"
#include "progress.hpp"

#include <sora/validate.hpp>

#include <CLI/CLI.hpp>

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
  ProviderOptions provider;
};

int run_create(const CreateOptions& o, AppContext& ctx) {
  auto prompt = read_prompt(o.prompt, ctx.options.api_key_file == "-");
  if (!prompt) return ctx.fail(prompt.error());
  if (auto ok = check_output(o.follow.output, o.follow.force); !ok) return ctx.fail(ok.error());

  CreateRequest request;
  request.prompt = std::move(*prompt);
  if (!o.model.empty()) request.model = o.model;
  if (!o.seconds.empty()) request.seconds = o.seconds;
  if (!o.size.empty()) request.size = o.size;
  if (auto ok = apply_provider_options(ctx, o.provider, request); !ok) return ctx.fail(ok.error());
  std::optional<ImageInfo> image;
  if (!o.image.empty()) {
    auto info = probe_image(o.image);
    if (!info) return ctx.fail(info.error());
    image = *info;
    request.image = o.image;
  }
  if (auto ok = validate_for_profile(ctx, request, image); !ok) return ctx.fail(ok.error());

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
  auto* image = sub->add_option("-i,--image", options->image,
                                "First frame: a JPEG, PNG or WebP image whose size is the video "
                                "size")
                    ->type_name("PATH");
  add_provider_options(*sub, options->provider, image);
  sub->add_option("-m,--model", options->model,
                  "Model, e.g. sora-2 or sora-2-pro (default: the profile's, else the server's)")
      ->type_name("MODEL");
  sub->add_option("-s,--seconds", options->seconds,
                  "Duration in seconds (OpenAI: 4, 8, 12, 16 or 20)")
      ->type_name("N");
  sub->add_option("--size", options->size,
                  "WxH: 720x1280 (default), 1280x720; sora-2-pro also 1024x1792, 1792x1024, "
                  "1080x1920, 1920x1080. Defaults to the image's size when it is one of these")
      ->type_name("WxH");
  add_follow_options(*sub, options->follow);
  sub->footer("Prints the new video's id. With --wait, waits for it; with -o, also downloads it.\n"
              "Example: sora create --image photo.jpg --prompt \"slow dolly in\" -o clip.mp4");
  return {sub, [options, &ctx] { return run_create(*options, ctx); }};
}

} // namespace sora::cli
