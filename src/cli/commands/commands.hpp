// The table of subcommands: each registers its options and returns how to run it.
#pragma once

#include "app_context.hpp"

#include <functional>
#include <string_view>

namespace CLI {
class App;
}

namespace sora::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command register_create(CLI::App& app, AppContext& ctx);
Command register_remix(CLI::App& app, AppContext& ctx);
Command register_extend(CLI::App& app, AppContext& ctx);
Command register_edit(CLI::App& app, AppContext& ctx);
Command register_status(CLI::App& app, AppContext& ctx);
Command register_wait(CLI::App& app, AppContext& ctx);
Command register_download(CLI::App& app, AppContext& ctx);
Command register_list(CLI::App& app, AppContext& ctx);
Command register_delete(CLI::App& app, AppContext& ctx);
Command register_history(CLI::App& app, AppContext& ctx);
Command register_batch(CLI::App& app, AppContext& ctx);
/// `sora frames`: one exact frame of a video as a PNG.
Command register_frames(CLI::App& app, AppContext& ctx);
/// `sora inspect`: a media file's streams and C2PA manifest.
Command register_inspect(CLI::App& app, AppContext& ctx);
/// `sora storyboard`: a multi-shot film from one TOML file.
Command register_storyboard(CLI::App& app, AppContext& ctx);
/// `sora models`: the server's video models and what each accepts.
Command register_models(CLI::App& app, AppContext& ctx);
/// `sora cost`: spend from the journal, estimate against actual.
Command register_cost(CLI::App& app, AppContext& ctx);
/// `sora listen`: finishes jobs from signed webhook deliveries.
Command register_listen(CLI::App& app, AppContext& ctx);
/// `sora prompt`: the composed prompt and its lint warnings; sends nothing.
Command register_prompt(CLI::App& app, AppContext& ctx);
/// `sora profiles`: the provider profiles, built-in and from the config file.
Command register_profiles(CLI::App& app, AppContext& ctx);
/// `sora config show`: the effective settings and their sources.
Command register_config(CLI::App& app, AppContext& ctx);
/// `sora completion SHELL`: a completion script generated from the other commands' definitions.
Command register_completion(CLI::App& app, AppContext& ctx);

/// A command's name (as its register function names it) and its register function.
struct CommandEntry {
  std::string_view name;
  Command (*add)(CLI::App& app, AppContext& ctx);
};

/// In the order `--help` lists them. The names let `sora status ID` build only `status`
/// (app.cpp); a name that differs from the registered one fails every parse test of that command.
inline constexpr CommandEntry k_commands[] = {
    {"create", register_create},         {"remix", register_remix},
    {"extend", register_extend},         {"edit", register_edit},
    {"status", register_status},         {"wait", register_wait},
    {"download", register_download},     {"list", register_list},
    {"delete", register_delete},         {"batch", register_batch},
    {"storyboard", register_storyboard}, {"frames", register_frames},
    {"inspect", register_inspect},       {"listen", register_listen},
    {"history", register_history},       {"cost", register_cost},
    {"models", register_models},         {"prompt", register_prompt},
    {"profiles", register_profiles},     {"config", register_config},
    {"completion", register_completion}};

} // namespace sora::cli
