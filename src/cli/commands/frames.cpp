// `sora frames`: one exact frame of a video (first, last, or at a time) as a PNG.
#include "commands/commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

#include <sora/media.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <memory>

namespace sora::cli {
namespace {

struct FramesOptions {
  std::string video;
  std::string output;
  bool first = false;
  bool last = false;
  double at = -1;
  bool force = false;
};

int run_frames(const FramesOptions& o, AppContext& ctx) {
  FramePick pick;
  if (o.last) pick.kind = FramePick::Kind::last;
  if (o.at >= 0) pick = FramePick{FramePick::Kind::at, o.at};
  auto frame = read_frame(o.video, pick);
  if (!frame) return ctx.fail(frame.error());
  if (auto written = write_png(o.output, *frame, o.force); !written) {
    Error error = written.error();
    if (error.code == ErrorCode::invalid_argument) error.hint = "Give -f/--force to replace it.";
    return ctx.fail(error);
  }
  if (ctx.options.json) {
    print_line(nlohmann::ordered_json{
        {"output", o.output}, {"width", frame->width}, {"height", frame->height}}
                   .dump());
  } else if (!ctx.options.quiet) {
    print_line(o.output);
  }
  return k_exit_ok;
}

} // namespace

Command register_frames(CLI::App& app, AppContext& ctx) {
  auto options = std::make_shared<FramesOptions>();
  auto* sub = app.add_subcommand("frames", "Save one exact frame of a video as a PNG");
  sub->add_option("video", options->video, "The video file")->required()->type_name("VIDEO");
  auto* first = sub->add_flag("--first", options->first, "The first frame");
  auto* last = sub->add_flag("--last", options->last,
                             "The last frame (the whole video is decoded: exact, not a seek)");
  auto* at = sub->add_option("--at", options->at, "The frame shown at SECONDS from the start")
                 ->type_name("SECONDS")
                 ->check(CLI::NonNegativeNumber);
  first->excludes(last)->excludes(at);
  last->excludes(at);
  sub->add_option("-o,--output", options->output, "Where to write the PNG")
      ->required()
      ->type_name("IMAGE.png");
  sub->add_flag("-f,--force", options->force, "Replace the output file if it exists");
  sub->callback([first, last, at] {
    if (first->count() + last->count() + at->count() == 0)
      throw CLI::RequiredError("one of --first, --last or --at SECONDS");
  });
  sub->footer("The frame is converted to RGB and written atomically (IMAGE.png.part, renamed).\n"
              "Prints the path (with --json: {\"output\", \"width\", \"height\"}).\n"
              "Example: sora frames clip.mp4 --last -o last.png");
  return {sub, [options, &ctx] { return run_frames(*options, ctx); }};
}

} // namespace sora::cli
