// `sora create`: start a video from a prompt and optionally a first-frame image.
#include "commands/capabilities.hpp"
#include "commands/commands.hpp"
#include "commands/cost_guard.hpp"
#include "commands/job_flow.hpp"
#include "commands/provider_options.hpp"
#include "exit_codes.hpp"
#include "progress.hpp"

#include <sora/fit.hpp>
#include <sora/validate.hpp>

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>

namespace sora::cli {
namespace {

struct CreateOptions {
  PromptOptions prompt;
  std::string image;
  std::string model;
  std::string seconds;
  std::string size;
  std::string fit;       ///< cover | contain | stretch; empty: send the image as it is
  std::string pad_color; ///< contain's padding (default black)
  FollowOptions follow;
  CostOptions cost;
  ProviderOptions provider;
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

// The image as it will be sent: probed, fitted (--fit) or converted (HEIC/AVIF without --fit),
// and the request validated for it. `fit` is what run_job must do to the image, if anything.
Result<std::optional<FitOptions>> plan_image(const CreateOptions& o, AppContext& ctx,
                                             CreateRequest& request, std::string& note) {
  std::optional<ImageInfo> image;
  if (!o.image.empty()) {
    // With --fit, sizes are those of the image as displayed (EXIF orientation applied).
    auto info = o.fit.empty() ? probe_image(o.image) : probe_displayed_image(o.image);
    if (!info) return unexpected(info.error());
    image = *info;
    request.image = o.image;
  }
  std::string name = std::filesystem::path(o.image).filename().string();
  // HEIC and AVIF are converted (not resized) when no --fit is given: the API takes neither.
  if (o.fit.empty() && image && needs_conversion(image->type)) {
    auto shown = probe_displayed_image(o.image);
    if (!shown) return unexpected(shown.error());
    FitOptions fit = conversion_fit(*shown);
    fit.temp_dir = temp_folder();
    ImageInfo sent{ImageType::jpeg, shown->width, shown->height}; // validated as what is sent
    if (auto ok = validate_for_profile(ctx, request, sent); !ok) return unexpected(ok.error());
    note = "Converting " + name + " (" + size_string(*shown) +
           ") for the upload (the API takes JPEG, PNG or WebP)";
    return std::optional<FitOptions>(fit);
  }
  if (o.fit.empty()) {
    if (auto ok = validate_for_profile(ctx, request, image); !ok) return unexpected(ok.error());
    return std::optional<FitOptions>();
  }
  FitOptions fit;
  auto mode = parse_fit_mode(o.fit);
  if (!mode) return unexpected(mode.error());
  fit.mode = *mode;
  if (!o.pad_color.empty()) {
    auto color = parse_color(o.pad_color);
    if (!color) return unexpected(color.error());
    fit.pad = *color;
  }
  fit.temp_dir = temp_folder();
  if (auto ok = plan_fit(request, *image, fit); !ok) return unexpected(ok.error());
  note =
      "Fitting " + name + " (" + size_string(*image) + ") to " + *request.size + " (" + o.fit + ")";
  return std::optional<FitOptions>(fit);
}

// The estimate (the server's published price when the local table has none), journaled with the
// job; for --dry-run, the plan as it would be sent (the fitted image made for it); for
// --max-cost, the refusal. nullopt: go on and send.
std::optional<int> guard_cost(const CreateOptions& o, AppContext& ctx, Client& client,
                              const CreateRequest& request, const std::optional<FitOptions>& fit,
                              std::optional<double>& usd) {
  const bool guarded = o.cost.dry_run || o.cost.max_cost > 0;
  auto prices = load_prices(ctx, o.cost.prices);
  if (!prices && guarded) return ctx.fail(prices.error());
  if (!prices) return std::nullopt; // the job goes without an estimate in the journal
  add_published_price(ctx, *prices, request, o.cost.dry_run);
  auto cost = estimate(*prices, request.model, request.size, request.seconds);
  usd = cost.usd;
  if (!guarded) return std::nullopt;
  if (o.cost.dry_run) {
    std::optional<FittedImage> fitted; // the plan shows the fitted image, as it would be sent
    CreateRequest planned = request;
    if (fit) {
      auto made = fit_image(o.image, *fit);
      if (!made) return ctx.fail(made.error());
      fitted = std::move(*made);
      planned.image = fitted->file.path();
    }
    auto plan = client.plan_create(planned);
    if (!plan) return ctx.fail(plan.error());
    return print_dry_run(ctx, *plan, cost, o.cost.max_cost);
  }
  if (auto ok = check_max_cost(cost, o.cost.max_cost); !ok) return ctx.fail(ok.error());
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
  request.audio_described = parts->audio.find_first_not_of(" \t\r\n") != std::string::npos;
  if (!o.model.empty()) request.model = o.model;
  if (!o.seconds.empty()) request.seconds = o.seconds;
  if (!o.size.empty()) request.size = o.size;
  if (o.fit.empty() && !o.pad_color.empty())
    return ctx.fail(unexpected(ErrorCode::invalid_argument, "--pad-color needs --fit.",
                               "Add --fit contain to pad the image with that colour.")
                        .error);
  if (!o.fit.empty() && o.image.empty())
    return ctx.fail(unexpected(ErrorCode::invalid_argument,
                               "--fit resizes the --image, but none is given.",
                               "Add --image PATH, or leave --fit out.")
                        .error);
  if (auto ok = apply_provider_options(ctx, o.provider, request, o.cost.dry_run); !ok)
    return ctx.fail(ok.error());
  std::string note;
  auto fit = plan_image(o, ctx, request, note);
  if (!fit) return ctx.fail(fit.error());
  warn_about_prompt(ctx, *parts, lint_seconds(request));

  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  if (!note.empty()) ctx.note(note);
  std::optional<double> estimate_usd;
  if (auto done = guard_cost(o, ctx, **client, request, *fit, estimate_usd)) return *done;
  JobSpec spec;
  spec.estimate_usd = estimate_usd;
  spec.label = o.image.empty() ? "create" : std::filesystem::path(o.image).filename().string();
  spec.create = std::move(request);
  spec.fit = *fit;
  return run_and_report(ctx, **client, std::move(spec), o.follow, "create");
}

} // namespace

Command register_create(CLI::App& app, AppContext& ctx) {
  auto options = std::make_shared<CreateOptions>();
  auto* sub = app.add_subcommand("create", "Start a video from a prompt (and a first-frame image)");
  add_prompt_options(*sub, options->prompt, true);
  auto* image =
      sub->add_option("-i,--image", options->image,
                      "First frame: a JPEG, PNG, WebP, HEIC or AVIF image whose size is the video "
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
                  "1080x1920, 1920x1080. Defaults to the image's size when it is one of these. "
                  "auto: the size closest to the image's aspect (with --fit, the default)")
      ->type_name("WxH|auto");
  sub->add_option("--fit", options->fit,
                  "Resize the image to --size first: cover (scale and centre-crop), contain "
                  "(scale and pad), stretch. The resized copy is a temporary file, always removed")
      ->check(CLI::IsMember({"cover", "contain", "stretch"}))
      ->type_name("MODE");
  sub->add_option("--pad-color", options->pad_color,
                  "Padding for --fit contain: #RRGGBB, RRGGBB, or black (default), white, gray")
      ->type_name("COLOR");
  add_follow_options(*sub, options->follow);
  add_cost_options(*sub, options->cost);
  sub->footer(
      "Prints the new video's id. With --wait, waits for it; with -o, also downloads it.\n"
      "The prompt is --prompt (or --prompt-file), then the parts of the shot; 'sora prompt' shows\n"
      "it and the lint warnings that create prints on stderr.\n"
      "Example: sora create --image photo.jpg --prompt \"slow dolly in\" -o clip.mp4\n"
      "         sora create -i photo.jpg --shot \"medium shot, slow push in\" --action \"she "
      "smiles\"\n"
      "Any photo: sora create --image IMG_0042.jpg --fit cover --size auto -p \"...\"\n"
      "Cost first: sora create --prompt \"a lake\" --seconds 8 --dry-run");
  return {sub, [options, &ctx] { return run_create(*options, ctx); }};
}

} // namespace sora::cli
