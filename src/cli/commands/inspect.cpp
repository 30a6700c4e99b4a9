// `sora inspect`: what a media file holds (container, streams, chapters) and its C2PA manifest.
#include "commands/commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

#include <sora/media.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

namespace sora::cli {
namespace {

struct InspectOptions {
  std::string file;
};

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

nlohmann::ordered_json to_json(const std::string& file, const MediaInfo& info) {
  nlohmann::ordered_json out{{"file", file},
                             {"container", info.container},
                             {"bytes", info.file_bytes},
                             {"duration", info.duration_seconds}};
  if (info.has_video) {
    out["video"] = {{"codec", info.video_codec},
                    {"profile", info.video_profile},
                    {"width", info.width},
                    {"height", info.height},
                    {"frame_rate", info.frame_rate},
                    {"frames", info.frames},
                    {"pixel_format", info.pixel_format}};
  } else {
    out["video"] = nullptr;
  }
  if (info.has_audio) {
    out["audio"] = {{"codec", info.audio_codec},
                    {"sample_rate", info.sample_rate},
                    {"channels", info.channels}};
  } else {
    out["audio"] = nullptr;
  }
  out["chapters"] = info.chapters;
  const auto& c2pa = info.provenance;
  out["c2pa"] = {{"present", c2pa.present},
                 {"claim_generator", c2pa.claim_generator.empty()
                                         ? nlohmann::ordered_json(nullptr)
                                         : nlohmann::ordered_json(c2pa.claim_generator)},
                 {"title", c2pa.title.empty() ? nlohmann::ordered_json(nullptr)
                                              : nlohmann::ordered_json(c2pa.title)}};
  return out;
}

void print_text(const std::string& file, const MediaInfo& info) {
  print_line(file + ": " + info.container + ", " + human_bytes(info.file_bytes) + ", " +
             fixed(info.duration_seconds, 3) + " s");
  if (info.has_video) {
    print_line("  video: " + info.video_codec +
               (info.video_profile.empty() ? "" : " (" + info.video_profile + ")") + " " +
               std::to_string(info.width) + "x" + std::to_string(info.height) + ", " +
               fixed(info.frame_rate, 3) + " fps" +
               (info.frames > 0 ? ", " + std::to_string(info.frames) + " frames" : "") +
               (info.pixel_format.empty() ? "" : ", " + info.pixel_format));
  } else {
    print_line("  video: none");
  }
  if (info.has_audio) {
    print_line("  audio: " + info.audio_codec + " " + std::to_string(info.sample_rate) + " Hz, " +
               std::to_string(info.channels) + (info.channels == 1 ? " channel" : " channels"));
  } else {
    print_line("  audio: none");
  }
  if (!info.chapters.empty()) {
    std::string list;
    for (const auto& title : info.chapters)
      list += (list.empty() ? "" : ", ") + title;
    print_line("  chapters: " + list);
  }
  const auto& c2pa = info.provenance;
  if (!c2pa.present) {
    print_line("  C2PA manifest: none");
    return;
  }
  print_line("  C2PA manifest: present");
  if (!c2pa.claim_generator.empty()) print_line("    claim generator: " + c2pa.claim_generator);
  if (!c2pa.title.empty()) print_line("    title: " + c2pa.title);
}

int run_inspect(const InspectOptions& o, AppContext& ctx) {
  auto info = inspect_media(o.file);
  if (!info) return ctx.fail(info.error());
  if (ctx.options.json) {
    print_line(to_json(o.file, *info)
                   .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  } else {
    print_text(o.file, *info);
  }
  return k_exit_ok;
}

} // namespace

Command register_inspect(CLI::App& app, AppContext& ctx) {
  auto options = std::make_shared<InspectOptions>();
  auto* sub = app.add_subcommand(
      "inspect", "Show a video file's container, streams, chapters and C2PA provenance");
  sub->add_option("file", options->file, "The media file")->required()->type_name("FILE");
  sub->footer(
      "Reads the file only (nothing is sent). The C2PA manifest is looked for in the MP4's\n"
      "top-level boxes; its claim generator and title are shown when readable.\n"
      "With --json: {\"file\", \"container\", \"bytes\", \"duration\", \"video\", "
      "\"audio\", \"chapters\", \"c2pa\"}.\n"
      "Example: sora inspect clip.mp4 --json");
  return {sub, [options, &ctx] { return run_inspect(*options, ctx); }};
}

} // namespace sora::cli
