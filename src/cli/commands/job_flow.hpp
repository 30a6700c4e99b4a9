// What create and remix share after the job exists (wait, download), and what download shares.
#pragma once

#include "app_context.hpp"

#include <sora/client.hpp>
#include <sora/job.hpp>
#include <sora/prompt.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace sora::cli {

inline constexpr double k_default_wait_timeout = 1800;

struct PromptOptions {
  std::string text;
  std::string file;  ///< "-" reads stdin; may have sections ([shot], [action], …)
  PromptParts parts; ///< --shot, --action, --timing, --lighting, --audio, --keep
  bool required = false;
  /// Whether any prompt option was given.
  bool given() const { return !text.empty() || !file.empty() || !parts.empty(); }
};
/// --prompt | --prompt-file (at most one), and the parts of the shot beside or instead of them.
/// With `required`, read_prompt fails when none of them is given.
void add_prompt_options(CLI::App& sub, PromptOptions& options, bool required);
/// The prompt's parts: --prompt-file's (a plain file is the free text) or --prompt as the free
/// text, with the part flags replacing the file's sections of the same name.
/// `stdin_taken`: the API key is read from stdin, so the prompt cannot be.
Result<PromptParts> read_prompt_parts(const PromptOptions& options, bool stdin_taken);
/// The composed prompt, validated (1-32000 characters of UTF-8).
Result<std::string> composed_prompt(const PromptParts& parts);
/// read_prompt_parts, then composed_prompt.
Result<std::string> read_prompt(const PromptOptions& options, bool stdin_taken);
/// The prompt lint's warnings on stderr (not with --quiet); never blocks. `seconds`: the video's
/// duration when known. For a remix (`remix`), no_camera_move is left out: the camera is the
/// original's unless the prompt changes it.
void warn_about_prompt(const AppContext& ctx, const PromptParts& parts,
                       std::optional<double> seconds, bool remix = false);

struct FollowOptions {
  bool wait = false;
  std::string output; ///< empty: no download; "-": stdout
  double wait_timeout = k_default_wait_timeout;
  bool force = false;
};
void add_follow_options(CLI::App& sub, FollowOptions& options);

/// Checks, before anything is sent, that `output` can be written: not an existing file (unless
/// `force`), not a directory, in a folder that exists.
Result<void> check_output(const std::string& output, bool force);

/// After a create or remix: prints the id, or waits (and downloads) as the options ask.
int follow_job(AppContext& ctx, Client& client, const Video& video, const FollowOptions& options);

/// Runs a job through the pipeline (run_job) with the CLI's observer, as `options` ask (wait,
/// download), after resolving an interrupted earlier run of the same request; prints the result,
/// or the failure with the job's id and the command that finishes it. `command` names the job in
/// the journal ("create", "remix", …).
int run_and_report(AppContext& ctx, Client& client, JobSpec spec, const FollowOptions& options,
                   const std::string& command);

/// Waits for one job (with progress when `progress`); the error names how to resume.
Result<Video> wait_for(AppContext& ctx, Client& client, const std::string& id, double timeout_s,
                       bool progress = true);

/// Downloads a variant to `output` ("-" = stdout) with progress. Returns the exit code and
/// prints the path (unless `print_result` is false).
int save_content(AppContext& ctx, Client& client, const std::string& id, Variant variant,
                 const std::string& output, bool force, bool print_result);

/// What for_each_id runs for one id: the line to print, or the failure.
using IdStep = std::function<Result<std::string>(Client&, const std::string&)>;
/// The command that finishes `ids` after `error` (empty: none).
using IdResume = std::function<std::string(const Error&, const std::vector<std::string>&)>;

/// "ID1 ID2 …", for a resume command.
std::string joined_ids(const std::vector<std::string>& ids);

/// How many ids status, wait and download handle at once by default (--concurrency).
inline constexpr int k_default_id_concurrency = 8;
/// Adds -j,--concurrency N (1-64) to a command that takes several ids.
void add_concurrency_option(CLI::App& sub, int& concurrency);

/// Resolves every id (@last, @N) first, then runs `step` on each, `concurrency` at a time (each
/// worker with its own client), and prints the lines in the order of the ids as soon as the ones
/// before are done. A failure is reported (with the command `resume` gives, if any) and the other
/// ids still run; the result is the first failure's exit code, in the order of the ids. An
/// interrupt stops every request in flight and starts no other; the ids not finished are named
/// in one resume command, and the exit code is the interrupt's.
int for_each_id(AppContext& ctx, const std::vector<std::string>& references, const IdStep& step,
                const IdResume& resume = {}, int concurrency = 1);

/// Where temporary files (fitted images) go: $TMPDIR, else /tmp. The core reads no environment.
std::filesystem::path temp_folder();

/// "ID.mp4" etc., safe to use as a file name.
std::string default_output(const std::string& id, Variant variant);

} // namespace sora::cli
