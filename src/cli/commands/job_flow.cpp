// Shared steps of the job commands: reading prompts, checking outputs, waiting, downloading.
#include "commands/job_flow.hpp"

#include "exit_codes.hpp"
#include "job_observer.hpp"
#include "output.hpp"
#include "progress.hpp"

#include <sora/parallel.hpp>
#include <sora/validate.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <optional>

namespace sora::cli {

namespace fs = std::filesystem;

void add_prompt_options(CLI::App& sub, PromptOptions& options, bool required) {
  options.required = required;
  auto* group = sub.add_option_group("prompt", "The prompt (at most one of)");
  group->add_option("-p,--prompt", options.text, "What the video should show")->type_name("TEXT");
  group
      ->add_option("--prompt-file", options.file,
                   "Read the prompt from a file ('-' for stdin); lines such as [shot] start "
                   "sections")
      ->type_name("PATH");
  group->require_option(0, 1);
  auto* shot = sub.add_option_group(
      "directing the shot", "Parts composed after the prompt, in this order; each replaces the "
                            "same section of --prompt-file");
  auto& p = options.parts;
  shot->add_option("--shot", p.shot,
                   "Shot type and framing, e.g. \"medium close-up, slow dolly in\"")
      ->type_name("TEXT");
  shot->add_option("--action", p.action, "What happens, e.g. \"she turns and smiles\"")
      ->type_name("TEXT");
  shot->add_option("--timing", p.timing,
                   "Motion timing in beats, e.g. \"0-2s: hold; 2-4s: push in\"")
      ->type_name("TEXT");
  shot->add_option("--lighting", p.lighting, "Lighting and atmosphere, e.g. \"golden hour, haze\"")
      ->type_name("TEXT");
  shot->add_option("--audio", p.audio, "Audio cues, e.g. \"gulls, distant surf\"")
      ->type_name("TEXT");
  shot->add_option("--keep", p.keep, "What must not change: colours, props, identity")
      ->type_name("TEXT");
}

Result<PromptParts> read_prompt_parts(const PromptOptions& options, bool stdin_taken) {
  if (options.required && !options.given())
    return unexpected(ErrorCode::invalid_argument, "No prompt given.",
                      "Describe the video with --prompt TEXT, --prompt-file PATH, or the parts "
                      "of the shot (--shot, --action, --timing, --lighting, --audio, --keep).");
  PromptParts parts;
  parts.free = options.text;
  if (!options.file.empty()) {
    std::string text;
    if (options.file == "-" && stdin_taken)
      return unexpected(ErrorCode::invalid_argument,
                        "--prompt-file - and --api-key-file - both want standard input.",
                        "Put the key or the prompt in a file.");
    if (options.file == "-") {
      text.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
      std::error_code ec;
      if (fs::is_directory(options.file, ec))
        return unexpected(ErrorCode::invalid_argument,
                          "The prompt file " + options.file + " is a directory.",
                          "Give the path of a text file to --prompt-file.");
      std::ifstream in(options.file, std::ios::binary);
      if (!in)
        return unexpected(ErrorCode::invalid_argument,
                          "Cannot read the prompt file " + options.file + ".",
                          "Check the path given to --prompt-file.");
      text.assign(std::istreambuf_iterator<char>(in), {});
    }
    auto from_file = parse_prompt_file(text, options.file == "-" ? "standard input" : options.file);
    if (!from_file) return unexpected(from_file.error());
    parts = std::move(*from_file);
  }
  return merge_prompt_parts(std::move(parts), options.parts);
}

Result<std::string> composed_prompt(const PromptParts& parts) {
  std::string prompt = compose(parts);
  if (auto ok = validate_prompt(prompt); !ok) return unexpected(ok.error());
  return prompt;
}

Result<std::string> read_prompt(const PromptOptions& options, bool stdin_taken) {
  auto parts = read_prompt_parts(options, stdin_taken);
  if (!parts) return unexpected(parts.error());
  return composed_prompt(*parts);
}

void warn_about_prompt(const AppContext& ctx, const PromptParts& parts,
                       std::optional<double> seconds, bool remix) {
  if (ctx.options.quiet) return; // advice, not a problem: -q keeps scripts' stderr clean
  for (const auto& warning : lint_prompt(parts, seconds))
    if (!(remix && warning.code == k_lint_no_camera))
      ctx.warn(warning.message + " [" + warning.code + "]");
}

void add_follow_options(CLI::App& sub, FollowOptions& options) {
  sub.add_flag("-w,--wait", options.wait, "Wait until the video is finished");
  sub.add_option("-o,--output", options.output,
                 "Wait, then download the MP4 to PATH ('-' for stdout)")
      ->type_name("PATH");
  sub.add_option("--wait-timeout", options.wait_timeout,
                 "Give up waiting after this many seconds (the job keeps running)")
      ->type_name("SECONDS")
      ->check(positive_seconds)
      ->capture_default_str();
  sub.add_flag("-f,--force", options.force, "Replace the output file if it exists");
}

Result<void> check_output(const std::string& output, bool force) {
  if (output.empty() || output == "-") return {};
  fs::path path(output);
  std::error_code ec;
  if (fs::is_directory(path, ec))
    return unexpected(ErrorCode::invalid_argument, output + " is a directory. Nothing was sent.",
                      "Give a file path to -o, e.g. " + (path / "clip.mp4").string() + ".");
  if (fs::exists(path, ec) && !force)
    return unexpected(ErrorCode::invalid_argument, output + " already exists. Nothing was sent.",
                      "Choose another path with -o, or pass --force to replace it.");
  fs::path parent = path.parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec))
    return unexpected(ErrorCode::invalid_argument,
                      "The folder " + parent.string() + " does not exist. Nothing was sent.",
                      "Create it first, or choose another path with -o.");
  JobSpec spec; // the rest (a folder that cannot be written) as the pipeline checks it
  spec.output = path;
  spec.overwrite = force;
  if (auto ok = preflight_output(spec); !ok) {
    Error e = ok.error();
    e.hint = "Choose a folder you can write to with -o.";
    return unexpected(e);
  }
  return {};
}

std::string joined_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids)
    out += (out.empty() ? "" : " ") + id;
  return out;
}

void add_concurrency_option(CLI::App& sub, int& concurrency) {
  sub.add_option("-j,--concurrency", concurrency, "Ids handled at once")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
}

namespace {

// for_each_id's results, printed in the order of the ids as soon as the ones before are done,
// with a live "N of M done" line when several run. Thread-safe: workers report through done().
class OrderedResults {
public:
  OrderedResults(AppContext& ctx, const std::vector<std::string>& ids, const IdResume& resume)
      : m_ctx(ctx), m_ids(ids), m_resume(resume), m_results(ids.size()),
        m_progress(ctx.show_progress() && ids.size() > 1) {}

  void done(std::size_t item, Result<std::string> result) {
    std::lock_guard lock(m_mutex);
    m_results[item] = std::move(result);
    ++m_done;
    m_progress.finish();
    for (; m_next < m_results.size() && m_results[m_next]; ++m_next)
      print(m_next);
    m_progress.status(std::to_string(m_done) + " of " + std::to_string(m_ids.size()) + " done",
                      false);
  }

  // After the workers: what an interrupt left behind (in order), then the exit code.
  int finish() {
    std::lock_guard lock(m_mutex);
    m_progress.finish();
    for (; m_next < m_results.size(); ++m_next)
      if (m_results[m_next])
        print(m_next);
      else
        m_unfinished.push_back(m_ids[m_next]);
    if (m_unfinished.empty()) return m_code;
    Error error = m_interrupt.value_or(Error{});
    error.code = ErrorCode::interrupted;
    if (error.message.empty()) error.message = "Interrupted.";
    if (m_ids.size() > 1)
      error.message += " " + std::to_string(m_unfinished.size()) + " of " +
                       std::to_string(m_ids.size()) + " not finished.";
    return m_ctx.fail(error, m_resume ? m_resume(error, m_unfinished) : "");
  }

private:
  void print(std::size_t item) {
    const auto& result = *m_results[item];
    if (result) return print_line(*result);
    if (result.error().code == ErrorCode::interrupted) { // named with the others at the end
      if (!m_interrupt) m_interrupt = result.error();
      m_unfinished.push_back(m_ids[item]);
      return;
    }
    int failed =
        m_ctx.fail(result.error(), m_resume ? m_resume(result.error(), {m_ids[item]}) : "");
    if (m_code == k_exit_ok) m_code = failed;
  }

  AppContext& m_ctx;
  const std::vector<std::string>& m_ids;
  const IdResume& m_resume;
  std::vector<std::optional<Result<std::string>>> m_results;
  std::size_t m_next = 0; ///< the first id not printed yet
  std::size_t m_done = 0;
  std::vector<std::string> m_unfinished;
  std::optional<Error> m_interrupt;
  int m_code = k_exit_ok;
  Progress m_progress;
  std::mutex m_mutex;
};

} // namespace

int for_each_id(AppContext& ctx, const std::vector<std::string>& references, const IdStep& step,
                const IdResume& resume, int concurrency) {
  std::vector<std::string> ids;
  for (const auto& reference : references) {
    auto id = ctx.resolve_id(reference);
    if (!id) return ctx.fail(id.error());
    ids.push_back(std::move(*id));
  }
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  // One client per worker (a client is not shared between threads), one throttle for all of
  // them: a rate limit seen by one slows every one.
  std::vector<std::unique_ptr<Client>> workers;
  int count = std::max(1, std::min(concurrency, static_cast<int>(ids.size())));
  if (count > 1) {
    ClientConfig config = (*client)->config();
    if (!config.throttle) config.throttle = std::make_shared<Throttle>();
    for (int w = 0; w < count; ++w)
      workers.push_back(ctx.make_client(config));
  }
  OrderedResults results(ctx, ids, resume);
  run_bounded(ids.size(), count, &g_interrupted, [&](int worker, std::size_t item) {
    Client& c = workers.empty() ? **client : *workers[static_cast<std::size_t>(worker)];
    results.done(item, step(c, ids[item]));
  });
  return results.finish();
}

std::filesystem::path temp_folder() {
  std::error_code ec;
  auto dir = std::filesystem::temp_directory_path(ec); // $TMPDIR
  return ec || dir.empty() ? std::filesystem::path("/tmp") : dir;
}

std::string default_output(const std::string& id, Variant variant) {
  return safe_file_name(id) + std::string(file_extension(variant));
}

Result<Video> wait_for(AppContext& ctx, Client& client, const std::string& id, double timeout_s,
                       bool show_progress) {
  Progress progress(show_progress && ctx.show_progress());
  WaitOptions options;
  options.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(timeout_s * 1000));
  options.on_poll = [&](const JobProgress& p) { progress.job(p); };
  auto video = client.wait(id, options);
  progress.finish();
  if (video) record_reported_cost(ctx, *video);
  return video;
}

int save_content(AppContext& ctx, Client& client, const std::string& id, Variant variant,
                 const std::string& output, bool force, bool print_result) {
  Progress progress(ctx.show_progress());
  if (output == "-") {
    auto bytes = client.download_to(
        id, variant,
        [](std::span<const char> chunk) -> Result<void> {
          if (std::fwrite(chunk.data(), 1, chunk.size(), stdout) != chunk.size())
            return unexpected(ErrorCode::io, "Cannot write to stdout.",
                              "Check what stdout is piped into.");
          return {};
        },
        [&](const TransferProgress& p) { progress.download(p, id); });
    progress.finish();
    std::fflush(stdout);
    if (!bytes) {
      int code = exit_code_for(bytes.error());
      bool resumable = code == k_exit_unavailable || code == k_exit_interrupted;
      return ctx.fail(bytes.error(), resumable ? "sora download " + id + " -o -" : "");
    }
    return k_exit_ok;
  }
  DownloadRequest request;
  request.variant = variant;
  request.output = output;
  request.overwrite = force;
  std::string label = fs::path(output).filename().string();
  request.on_progress = [&](const TransferProgress& p) { progress.download(p, label); };
  auto result = client.download(id, request);
  progress.finish();
  if (!result) {
    std::string resume = "sora download " + id + " -o " + output;
    if (variant != Variant::video) resume += " --variant " + std::string(to_string(variant));
    int code = exit_code_for(result.error());
    bool resumable = code == k_exit_unavailable || code == k_exit_interrupted;
    return ctx.fail(result.error(), resumable ? resume : "");
  }
  if (result->reported_cost) { // the job the download read to find its file says what it cost
    Video job;
    job.id = id;
    job.cost = result->reported_cost;
    record_reported_cost(ctx, job);
  }
  ctx.note("Saved " + output + " (" + human_bytes(result->bytes) +
           (result->resumed_from ? ", resumed from " + human_bytes(result->resumed_from) : "") +
           ")");
  if (print_result && !ctx.options.json) print_line(output);
  if (print_result && ctx.options.json)
    print_line(download_json(id, variant, output, result->bytes));
  return k_exit_ok;
}

int follow_job(AppContext& ctx, Client& client, const Video& video, const FollowOptions& options) {
  bool download = !options.output.empty();
  if (!options.wait && !download) {
    print_line(ctx.options.json ? video_json(video) : video.id);
    return k_exit_ok;
  }
  ctx.note("Created " + video.id + (video.model.empty() ? "" : " (" + video.model) +
           (video.size.empty() ? "" : ", " + video.size) +
           (video.seconds.empty() ? "" : ", " + video.seconds + "s") +
           (video.model.empty() ? "" : ")") + "; waiting for it to finish");
  auto done = wait_for(ctx, client, video.id, options.wait_timeout);
  if (!done) {
    std::string resume = "sora wait " + video.id;
    if (download) resume += " && sora download " + video.id + " -o " + options.output;
    bool resumable = done.error().code == ErrorCode::wait_timeout ||
                     done.error().code == ErrorCode::interrupted ||
                     exit_code_for(done.error()) == k_exit_unavailable;
    return ctx.fail(done.error(), resumable ? resume : "");
  }
  if (download) {
    int code = save_content(ctx, client, video.id, Variant::video, options.output, options.force,
                            !ctx.options.json && options.output != "-");
    if (code != k_exit_ok) return code;
    if (ctx.options.json && options.output != "-")
      print_line(video_json(*done, saved_file(options.output)));
    return k_exit_ok;
  }
  print_line(ctx.options.json ? video_json(*done) : done->id);
  return k_exit_ok;
}

} // namespace sora::cli

namespace sora::cli {
namespace {

// The result of a run that ended well, printed as follow_job prints it.
int print_outcome(AppContext& ctx, Client& client, const JobOutcome& outcome,
                  const FollowOptions& options) {
  const Video& video = *outcome.video;
  if (options.output == "-")
    return save_content(ctx, client, video.id, Variant::video, "-", options.force, false);
  if (outcome.saved) {
    ctx.note("Saved " + options.output + " (" + human_bytes(outcome.saved->bytes) +
             (outcome.saved->resumed_from
                  ? ", resumed from " + human_bytes(outcome.saved->resumed_from)
                  : "") +
             ")");
    if (outcome.saved->restarted_reason.size())
      ctx.note("Started " + options.output + ".part over: " + outcome.saved->restarted_reason);
    print_line(ctx.options.json ? video_json(video, saved_file(options.output)) : options.output);
    return k_exit_ok;
  }
  print_line(ctx.options.json ? video_json(video) : video.id);
  return k_exit_ok;
}

// A failure: after the job exists, with its id and the command that finishes it; before, with
// what may have happened to a create whose answer never came.
int report_failure(AppContext& ctx, const JobOutcome& outcome, const JobSpec& spec) {
  Error error = *outcome.error;
  std::string output = spec.output ? spec.output->string() : std::string();
  if (!outcome.video_id.empty()) {
    std::string finish = finishing_command(outcome, output);
    if (!finish.empty() && error.message.find(outcome.video_id) == std::string::npos)
      error.message += " (video " + outcome.video_id + ")";
    return ctx.fail(error, finish);
  }
  bool maybe_created = error.request_sent &&
                       (error.code == ErrorCode::interrupted || error.code == ErrorCode::network ||
                        error.code == ErrorCode::timeout || error.code == ErrorCode::server);
  if (maybe_created && !ctx.options.no_journal)
    error.hint = "The job may have been created before the answer was lost; it is recorded as "
                 "an intent: sora history shows it, and sora status @last (or running the same "
                 "command again) finds it before anything is paid for twice.";
  return ctx.fail(error);
}

} // namespace

int run_and_report(AppContext& ctx, Client& client, JobSpec spec, const FollowOptions& options,
                   const std::string& command) {
  spec.wait = options.wait || !options.output.empty();
  if (!options.output.empty() && options.output != "-") spec.output = options.output;
  spec.overwrite = options.force;
  spec.wait_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(options.wait_timeout * 1000));
  if (auto print = fingerprint(spec); print) {
    EarlierAttempt earlier = resolve_earlier_attempt(ctx, client, spec, *print);
    if (earlier.video) return follow_job(ctx, client, *earlier.video, options);
    spec.idempotency_key = earlier.idempotency_key;
    spec.fingerprint = std::move(*print); // the image is read once, not again by run_job
  }
  CliJobObserver observer(ctx, client, command);
  JobOutcome outcome = run_job(client, spec, observer);
  observer.finish();
  if (outcome.error) return report_failure(ctx, outcome, spec);
  return print_outcome(ctx, client, outcome, options);
}

} // namespace sora::cli
