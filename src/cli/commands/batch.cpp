// `sora batch`: run every job of a manifest, concurrently, resumably, never paying twice.
#include "commands/batch_report.hpp"
#include "commands/capabilities.hpp"
#include "commands/commands.hpp"
#include "commands/cost_guard.hpp"
#include "commands/job_flow.hpp"
#include "commands/provider_options.hpp"
#include "exit_codes.hpp"
#include "job_observer.hpp"
#include "output.hpp"

#include <sora/batch.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

namespace sora::cli {
namespace {

namespace fs = std::filesystem;

struct BatchCommandOptions {
  std::string manifest;
  int concurrency = 4;
  std::string out_dir = ".";
  std::string state;
  std::string shard;
  bool dry_run = false;
  bool retry_failed = false;
  bool force = false;
  double wait_timeout = k_default_wait_timeout;
  double max_cost = 0; ///< USD; 0 when not given
  std::string prices;
  bool rerun_changed = false;
  bool report = false;      ///< --report: the merged state files, nothing sent
  ProviderOptions provider; ///< --field, --field-json: added to every create, as `sora create`
};

// What this run will pay for, job by job: nothing for jobs an earlier run already created (they
// are resumed), the create's estimate, or a remix at its source's settings (another job of the
// manifest, else the journal).
struct BatchCost {
  std::vector<std::optional<CostEstimate>> jobs; ///< nullopt: already created, nothing to pay
  double total = 0;
  std::size_t unknown = 0;
  std::string first_unknown;       ///< "LABEL: why"
  std::string first_unknown_model; ///< its model, when it is the price that is missing
};

BatchCost estimate_batch(const AppContext& ctx, const std::vector<BatchJob>& jobs,
                         const BatchState& state, bool retry_failed, const PriceTable& prices) {
  BatchCost cost;
  std::map<std::string, const BatchJob*> by_label;
  for (const auto& job : jobs)
    by_label[job.label] = &job;
  for (const auto& job : jobs) {
    auto it = state.jobs().find(job.label);
    bool settled = it != state.jobs().end() && (it->second.status == BatchStatus::failed ||
                                                it->second.status == BatchStatus::refused);
    if (it != state.jobs().end() && !it->second.video_id.empty() && !(settled && retry_failed)) {
      cost.jobs.emplace_back(std::nullopt);
      continue;
    }
    CostEstimate e;
    if (!job.remix_of) {
      e = estimate(prices, job.request.model, job.request.size, job.request.seconds);
    } else {
      const BatchJob* source = &job;
      for (int hops = 0; source->remix_of && by_label.contains(*source->remix_of) && hops < 1000;
           ++hops)
        source = by_label[*source->remix_of];
      if (!source->remix_of) {
        e = estimate(prices, source->request.model, source->request.size, source->request.seconds);
      } else {
        auto settings = source_settings(ctx, nullptr, *source->remix_of);
        e = estimate_from_source(prices, settings ? *settings : std::optional<SourceSettings>(),
                                 std::nullopt, "a remix");
      }
    }
    if (e.usd) {
      cost.total += *e.usd;
    } else if (cost.unknown++ == 0) {
      cost.first_unknown = job.label + ": " + e.unknown_reason;
      cost.first_unknown_model = e.model;
    }
    cost.jobs.emplace_back(std::move(e));
  }
  return cost;
}

std::string describe_total(const BatchCost& cost) {
  std::size_t paid = 0;
  for (const auto& job : cost.jobs)
    paid += job.has_value();
  std::size_t priced = paid - cost.unknown;
  std::string text = "Estimated total: " + format_usd(cost.total) + " for " +
                     std::to_string(priced) + (priced == 1 ? " job" : " jobs");
  if (paid < cost.jobs.size())
    text += " (" + std::to_string(cost.jobs.size() - paid) + " already created, not counted)";
  if (cost.unknown)
    text +=
        "; " + std::to_string(cost.unknown) + " unknown, not counted (" + cost.first_unknown + ")";
  return text;
}

Result<void> check_batch_cost(const BatchCost& cost, double limit) {
  if (cost.unknown) {
    CostEstimate unknown;
    unknown.model = cost.first_unknown_model;
    unknown.unknown_reason =
        std::to_string(cost.unknown) + " of the jobs have no estimate; " + cost.first_unknown;
    return check_max_cost(unknown, limit);
  }
  if (cost.total <= limit + 1e-9) return {};
  return unexpected(ErrorCode::invalid_argument,
                    "The estimated total " + format_usd(cost.total) + " is above --max-cost " +
                        format_usd(limit) + ". Nothing was sent.",
                    "Raise --max-cost, run part of the manifest (--shard), or ask for less.");
}

Result<std::pair<int, int>> parse_shard(const std::string& text) {
  int k = 0, n = 0;
  char slash = 0, extra = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &k, &slash, &n, &extra) != 3 || slash != '/' || n < 1 ||
      k < 1 || k > n)
    return unexpected(ErrorCode::invalid_argument,
                      "--shard " + text + " is not K/N with 1 <= K <= N.",
                      "For example --shard 2/4 runs the second of four shards.");
  return std::pair{k, n};
}

std::string head(const std::string& text, std::size_t n) {
  std::string out = text.substr(0, n);
  for (char& c : out)
    if (c == '\n' || c == '\t') c = ' ';
  return out.size() < text.size() ? out + "…" : out;
}

// The exit code of a job's failure: from its error kind (older state files: the exit code).
int job_exit_code(const BatchJobState& job) {
  if (parse_error_kind(job.error_kind)) return exit_code_for_kind(job.error_kind);
  return job.exit_code ? job.exit_code : k_exit_internal;
}

int batch_exit_code(const BatchReport& report) {
  if (report.failed > 0) return k_exit_job_failed;
  if (report.refused > 0) return k_exit_moderation;
  for (const auto& job : report.jobs)
    if (job.status != BatchStatus::downloaded) return job_exit_code(job);
  return k_exit_ok;
}

// A batch job gets what the same `sora create` would: the profile's model, size and seconds,
// the --field values, and the prompt lint's warnings (one line each, with the job's line).
Result<void> complete_jobs(AppContext& ctx, const BatchCommandOptions& o,
                           std::vector<BatchJob>& jobs) {
  for (auto& job : jobs) {
    if (job.remix_of) continue; // model, size and seconds are the source's
    // The same checks as create, before any job is sent: the profile's defaults and fields, the
    // model's capabilities.
    auto checked = apply_provider_options(ctx, o.provider, job.request);
    // A manifest's callback_url goes only to a profile that takes per-job callbacks.
    for (auto& field : job.request.fields)
      if (checked && field.name == "callback_url") {
        auto callback = callback_field(ctx, field.value);
        if (callback)
          field = *callback;
        else
          checked = unexpected(callback.error());
      }
    if (checked) checked = check_portable_options(ctx, job.request);
    if (checked) checked = check_request_capabilities(ctx, job.request, o.dry_run);
    if (!checked) {
      Error e = checked.error();
      e.message = "line " + std::to_string(job.line) + ": " + e.message;
      return unexpected(std::move(e));
    }
    if (ctx.options.quiet) continue;
    PromptParts parts;
    parts.free = job.request.prompt;
    std::optional<double> seconds;
    if (job.request.seconds) seconds = std::strtod(job.request.seconds->c_str(), nullptr);
    for (const auto& warning : lint_prompt(parts, seconds))
      ctx.warn("line " + std::to_string(job.line) + " (" + job.label + "): " + warning.message +
               " [" + warning.code + "]");
  }
  return {};
}

// Manifest lines that changed since an earlier run finished (or started) their job.
void warn_changed(const AppContext& ctx, const std::vector<BatchJob>& jobs, const BatchState& state,
                  bool rerun_changed) {
  for (const auto& label : changed_jobs(jobs, state)) {
    auto job =
        std::find_if(jobs.begin(), jobs.end(), [&](const BatchJob& j) { return j.label == label; });
    ctx.warn("line " + std::to_string(job->line) + " (" + label + ") asks for another " +
             "prompt or settings than the job an earlier run made for it; " +
             (rerun_changed ? "making it anew (--rerun-changed)."
                            : "keeping the earlier job. --rerun-changed makes it anew."));
  }
}

// The command that resumes this very run: every option given, shell-quoted, in place.
std::string resume_command(const CLI::App& root, const CLI::App& sub) {
  std::string text = "sora";
  auto add = [&](const CLI::App& app) {
    for (const CLI::Option* opt : app.get_options()) {
      if (opt->count() == 0 || opt->get_positional()) continue;
      std::string name = opt->get_lnames().empty() ? "-" + opt->get_snames().front()
                                                   : "--" + opt->get_lnames().front();
      if (opt->get_expected_min() == 0) {
        std::size_t times = name == "--verbose" ? opt->count() : 1;
        for (std::size_t i = 0; i < times; ++i)
          text += " " + name;
        continue;
      }
      for (const auto& value : opt->results())
        text += " " + name + " " + shell_quote(value);
    }
  };
  add(root);
  text += " " + sub.get_name();
  for (const CLI::Option* opt : sub.get_options())
    if (opt->get_positional())
      for (const auto& value : opt->results())
        text += " " + shell_quote(value);
  add(sub);
  return text;
}

// Outputs that exist but this batch did not write are never replaced without --force.
Result<void> check_clashes(const std::vector<BatchJob>& jobs, const BatchState& state, bool force) {
  std::string clashes;
  for (const auto& job : jobs) {
    auto it = state.jobs().find(job.label);
    bool ours = it != state.jobs().end() && it->second.status == BatchStatus::downloaded;
    std::error_code ec;
    if (!ours && !force && fs::exists(job.output, ec))
      clashes += "\n  line " + std::to_string(job.line) + ": " + job.output.string();
  }
  if (clashes.empty()) return {};
  return unexpected(ErrorCode::invalid_argument, "These outputs already exist:" + clashes,
                    "Move them aside, choose another --out-dir, or pass --force.");
}

// --dry-run: one line per job on stdout, the total on stderr.
int print_plan(AppContext& ctx, const BatchCommandOptions& o, const std::vector<BatchJob>& jobs,
               const BatchState& state, const BatchCost& cost) {
  std::size_t index = 0;
  for (const auto& job : jobs) {
    const auto& job_cost = cost.jobs[index++];
    auto it = state.jobs().find(job.label);
    std::string action = job.remix_of ? "remix " + *job.remix_of : "create";
    if (it != state.jobs().end() && !it->second.video_id.empty())
      action = it->second.status == BatchStatus::downloaded ? "done " + it->second.video_id
                                                            : "resume " + it->second.video_id;
    std::string line = job.label + "  " + action + "  \"" + head(job.request.prompt, 40) + "\"";
    if (job.request.image) line += "  image " + job.request.image->string();
    if (job.fit) line += "  fit " + std::string(to_string(job.fit->mode));
    if (job.request.model) line += "  " + *job.request.model;
    if (job.request.size) line += "  " + *job.request.size;
    if (job.request.seconds) line += "  " + *job.request.seconds + "s";
    line += "  -> " + job.output.string();
    if (job_cost) line += job_cost->usd ? "  " + format_usd(*job_cost->usd) : "  cost unknown";
    print_line(line);
  }
  // The total is a summary, on stderr, so stdout stays one line per job.
  ctx.note(describe_total(cost));
  ctx.note(std::to_string(jobs.size()) + " jobs; nothing was sent (--dry-run).");
  if (o.max_cost > 0)
    if (auto ok = check_batch_cost(cost, o.max_cost); !ok) return ctx.fail(ok.error());
  return k_exit_ok;
}

// The manifest's jobs and the shard asked for ({1, 1} without --shard).
Result<std::vector<BatchJob>> load_shard(AppContext& ctx, const BatchCommandOptions& o,
                                         std::pair<int, int>& shard) {
  auto settings = ctx.settings();
  if (!settings) return unexpected(settings.error());
  shard = {1, 1};
  if (!o.shard.empty()) {
    auto parsed = parse_shard(o.shard);
    if (!parsed) return unexpected(parsed.error());
    shard = *parsed;
  }
  auto jobs = load_manifest(o.manifest, o.out_dir, (*settings)->effective.style.openai_enums);
  if (!jobs) return unexpected(jobs.error());
  if (shard.second > 1) *jobs = select_shard(*jobs, shard.first, shard.second);
  return jobs;
}

// The state a run keeps: --state, else its own file in DIR (one per shard). A run whose own file
// does not exist yet takes over its jobs from the file older versions kept in DIR.
Result<BatchState> open_state(const BatchCommandOptions& o, const std::vector<BatchJob>& jobs,
                              std::pair<int, int> shard) {
  if (!o.state.empty()) {
    BatchState state{fs::path(o.state)};
    if (auto ok = state.load(); !ok) return unexpected(ok.error());
    return state;
  }
  BatchState state(default_state_file(o.out_dir, shard.first, shard.second));
  std::error_code ec;
  if (!fs::exists(state.path(), ec) && fs::exists(legacy_state_file(o.out_dir), ec)) {
    BatchState legacy(legacy_state_file(o.out_dir));
    if (auto ok = legacy.load(); !ok) return unexpected(ok.error());
    for (const auto& job : jobs)
      if (auto it = legacy.jobs().find(job.label); it != legacy.jobs().end())
        state.jobs()[job.label] = it->second;
    return state;
  }
  if (auto ok = state.load(); !ok) return unexpected(ok.error());
  return state;
}

// --report: every job of the manifest (or of --shard) as the state files in DIR (or --state)
// tell, with the totals; nothing is sent. Exit 0 when all were downloaded, 6 when one failed, 7
// when one was refused, 8 while any is unfinished.
int print_merged_report(AppContext& ctx, const BatchCommandOptions& o) {
  std::pair<int, int> shard;
  auto jobs = load_shard(ctx, o, shard);
  if (!jobs) return ctx.fail(jobs.error());
  std::vector<fs::path> files =
      o.state.empty() ? state_files_in(o.out_dir) : std::vector<fs::path>{o.state};
  auto merged = merge_batch_states(files);
  if (!merged) return ctx.fail(merged.error());
  auto states = merged_jobs(*jobs, *merged);
  print_jobs(ctx, states);
  BatchTotals totals = count_jobs(states);
  ctx.note(describe_totals(totals) + " (from " + std::to_string(files.size()) + " state " +
           (files.size() == 1 ? "file" : "files") + " in " +
           (o.state.empty() ? o.out_dir : fs::path(o.state).parent_path().string()) + ")");
  if (totals.failed) return k_exit_job_failed;
  if (totals.refused) return k_exit_moderation;
  if (totals.downloaded < totals.total()) return k_exit_wait_timeout;
  return k_exit_ok;
}

// After a shard's run: the totals of every shard of the manifest sharing DIR.
void note_all_shards(AppContext& ctx, const BatchCommandOptions& o) {
  BatchCommandOptions whole = o;
  whole.shard.clear();
  std::pair<int, int> shard;
  auto all = load_shard(ctx, whole, shard);
  auto merged = merge_batch_states(state_files_in(o.out_dir));
  if (!all || !merged) return;
  ctx.note("All shards in " + o.out_dir + ": " +
           describe_totals(count_jobs(merged_jobs(*all, *merged))) + " (sora batch " +
           shell_quote(o.manifest) + " --out-dir " + shell_quote(o.out_dir) +
           " --report lists each job)");
}

// The manifest's jobs, sharded and completed with create's settings.
Result<std::vector<BatchJob>> load_jobs(AppContext& ctx, const BatchCommandOptions& o,
                                        std::pair<int, int>& shard) {
  auto jobs = load_shard(ctx, o, shard);
  if (!jobs) return unexpected(jobs.error());
  if (auto ok = complete_jobs(ctx, o, *jobs); !ok) return unexpected(ok.error());
  return jobs;
}

int run_batch_command(const BatchCommandOptions& o, AppContext& ctx, const std::string& resume) {
  if (o.report) return print_merged_report(ctx, o);
  std::pair<int, int> shard;
  auto jobs = load_jobs(ctx, o, shard);
  if (!jobs) return ctx.fail(jobs.error());
  auto opened = open_state(o, *jobs, shard);
  if (!opened) return ctx.fail(opened.error());
  BatchState& state = *opened;
  warn_changed(ctx, *jobs, state, o.rerun_changed);
  if (auto ok = check_clashes(*jobs, state, o.force); !ok) return ctx.fail(ok.error());
  auto prices = load_prices(ctx, o.prices);
  if (!prices) return ctx.fail(prices.error());
  for (const auto& job : *jobs) // --max-cost and the estimates use published prices too
    if (!job.remix_of) add_published_price(ctx, *prices, job.request, o.dry_run);
  BatchCost cost = estimate_batch(ctx, *jobs, state, o.retry_failed, *prices);
  for (std::size_t i = 0; i < jobs->size(); ++i)
    if (cost.jobs[i]) (*jobs)[i].estimate_usd = cost.jobs[i]->usd;
  if (o.dry_run) return print_plan(ctx, o, *jobs, state, cost);
  if (o.max_cost > 0)
    if (auto ok = check_batch_cost(cost, o.max_cost); !ok) return ctx.fail(ok.error());

  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  ClientConfig config = (*client)->config();
  ctx.note(describe_total(cost));
  BatchProgress progress(ctx, *jobs, state);
  BatchOptions options;
  options.concurrency = o.concurrency;
  options.retry_failed = o.retry_failed;
  options.rerun_changed = o.rerun_changed;
  options.overwrite = o.force;
  options.temp_dir = temp_folder();
  options.wait_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(o.wait_timeout * 1000));
  options.on_change = [&](const BatchJobState& s) { progress.changed(s); };
  // The journal: each create's intent before it is sent, its id the moment it is known.
  std::string host = journal_host(config.base_url);
  options.on_event = [&](const JobEvent& e) { return journal_event(ctx, host, "batch", e); };
  auto report = run_batch(config, *jobs, state, options);
  progress.finish();
  if (!report) return ctx.fail(report.error(), resume + "   (finished jobs are skipped)");
  print_report(ctx, *report, state);
  if (shard.second > 1 && o.state.empty()) note_all_shards(ctx, o);
  return batch_exit_code(*report);
}

} // namespace

Command register_batch(CLI::App& app, AppContext& ctx) {
  auto o = std::make_shared<BatchCommandOptions>();
  auto* sub = app.add_subcommand("batch", "Run every job of a manifest (JSON Lines or CSV)");
  sub->add_option("manifest", o->manifest,
                  "One job per line: prompt or prompt_file, image, "
                  "model, seconds, size, fit, pad_color, output, id, remix_of")
      ->required()
      ->type_name("MANIFEST");
  sub->add_option("-j,--concurrency", o->concurrency, "Jobs in flight at once")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  sub->add_option("--out-dir", o->out_dir, "Where outputs go (relative `output` paths too)")
      ->type_name("DIR")
      ->capture_default_str();
  sub->add_option("--state", o->state,
                  "State file (default DIR/.sora-batch.jsonl, or "
                  "DIR/.sora-batch.shard-K-of-N.jsonl with --shard)")
      ->type_name("FILE");
  sub->add_option("--shard", o->shard, "Run shard K of N (every N-th job from the K-th)")
      ->type_name("K/N");
  sub->add_flag("--report", o->report,
                "Print how every job stands, merged from the state files of all shards in DIR "
                "(or --state), with the totals; send nothing");
  sub->add_flag("--dry-run", o->dry_run,
                "Check the manifest and show the plan with each job's estimated cost and the "
                "total; send nothing");
  sub->add_option("--max-cost", o->max_cost,
                  "Refuse (exit 2, nothing sent) when the estimated total is above USD, or unknown")
      ->type_name("USD")
      ->check(positive_usd);
  sub->add_option("--prices", o->prices,
                  "Price file (JSON, USD per second by model and size) over the built-in prices; "
                  "env SORA_PRICES")
      ->type_name("FILE");
  sub->add_flag("--retry-failed", o->retry_failed,
                "Create failed or refused jobs anew (and send again, with the same "
                "Idempotency-Key, a create that may have been sent on a server that cannot list "
                "jobs)");
  sub->add_flag("--rerun-changed", o->rerun_changed,
                "Make anew the jobs whose manifest line changed since an earlier run made them");
  sub->add_option("--field", o->provider.fields,
                  "Extra request field NAME=VALUE for every create (repeatable), as sora create")
      ->type_name("NAME=VALUE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  sub->add_option("--field-json", o->provider.json_fields,
                  "Extra request field NAME=JSON for every create (repeatable), as sora create")
      ->type_name("NAME=JSON")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  sub->add_flag("-f,--force", o->force, "Replace output files that already exist");
  sub->add_option("--wait-timeout", o->wait_timeout, "Give up waiting for a job after SECONDS")
      ->type_name("SECONDS")
      ->check(positive_seconds)
      ->capture_default_str();
  sub->footer(
      "The whole manifest is checked before anything is sent. A rerun skips finished jobs,\n"
      "resumes started ones by id and never creates a job twice. Exit 0 when every job\n"
      "was downloaded, 6 if any failed, 7 if any was refused by content policy.\n"
      "The estimated total (jobs an earlier run created are not counted) is shown first.\n"
      "Each job gets the profile's model, size and seconds, --field values and the prompt\n"
      "lint, as sora create. A create is recorded (state file and journal) before it is sent;\n"
      "a rerun looks up a create that was cut off before its id came back instead of paying\n"
      "again. After Ctrl-C, the printed resume command continues the same run.");
  return {sub,
          [o, &ctx, &app, sub] { return run_batch_command(*o, ctx, resume_command(app, *sub)); }};
}

} // namespace sora::cli
