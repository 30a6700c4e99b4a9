// `sora batch`: run every job of a manifest, concurrently, resumably, never paying twice.
#include "commands/capabilities.hpp"
#include "commands/commands.hpp"
#include "commands/cost_guard.hpp"
#include "commands/job_flow.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "progress.hpp"

#include <sora/batch.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
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

int batch_exit_code(const BatchReport& report) {
  if (report.failed > 0) return k_exit_job_failed;
  if (report.refused > 0) return k_exit_moderation;
  for (const auto& job : report.jobs)
    if (job.status != BatchStatus::downloaded)
      return job.exit_code ? job.exit_code : k_exit_internal;
  return k_exit_ok;
}

int run_batch_command(const BatchCommandOptions& o, AppContext& ctx) {
  auto settings = ctx.settings();
  if (!settings) return ctx.fail(settings.error());
  auto jobs = load_manifest(o.manifest, o.out_dir, (*settings)->effective.style.openai_enums);
  if (!jobs) return ctx.fail(jobs.error());
  // The same checks as create, before any job is sent: the profile's fields, the model's
  // capabilities.
  for (const auto& job : *jobs) {
    auto ok = check_portable_options(ctx, job.request);
    if (ok) ok = check_request_capabilities(ctx, job.request, o.dry_run);
    if (!ok) {
      Error e = ok.error();
      e.message = "line " + std::to_string(job.line) + ": " + e.message;
      return ctx.fail(e);
    }
  }
  if (!o.shard.empty()) {
    auto shard = parse_shard(o.shard);
    if (!shard) return ctx.fail(shard.error());
    *jobs = select_shard(*jobs, shard->first, shard->second);
  }
  BatchState state(o.state.empty() ? fs::path(o.out_dir) / ".sora-batch.json" : fs::path(o.state));
  if (auto ok = state.load(); !ok) return ctx.fail(ok.error());

  // Outputs that exist but this batch did not write are never replaced without --force.
  std::string clashes;
  for (const auto& job : *jobs) {
    auto it = state.jobs().find(job.label);
    bool ours = it != state.jobs().end() && it->second.status == BatchStatus::downloaded;
    std::error_code ec;
    if (!ours && !o.force && fs::exists(job.output, ec))
      clashes += "\n  line " + std::to_string(job.line) + ": " + job.output.string();
  }
  if (!clashes.empty())
    return ctx.fail(unexpected(ErrorCode::invalid_argument,
                               "These outputs already exist:" + clashes,
                               "Move them aside, choose another --out-dir, or pass --force.")
                        .error);

  auto prices = load_prices(ctx, o.prices);
  if (!prices) return ctx.fail(prices.error());
  BatchCost cost = estimate_batch(ctx, *jobs, state, o.retry_failed, *prices);

  if (o.dry_run) {
    std::size_t index = 0;
    for (const auto& job : *jobs) {
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
    ctx.note(std::to_string(jobs->size()) + " jobs; nothing was sent (--dry-run).");
    if (o.max_cost > 0)
      if (auto ok = check_batch_cost(cost, o.max_cost); !ok) return ctx.fail(ok.error());
    return k_exit_ok;
  }
  if (o.max_cost > 0)
    if (auto ok = check_batch_cost(cost, o.max_cost); !ok) return ctx.fail(ok.error());

  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  ClientConfig config = (*client)->config();

  ctx.note(describe_total(cost));
  Progress progress(ctx.show_progress());
  std::mutex lock;
  std::map<std::string, BatchStatus> now;
  for (const auto& [label, s] : state.jobs())
    now[label] = s.status;
  auto started = std::chrono::steady_clock::now();
  std::size_t total = jobs->size();
  BatchOptions options;
  options.concurrency = o.concurrency;
  options.retry_failed = o.retry_failed;
  options.overwrite = o.force;
  options.temp_dir = temp_folder();
  options.wait_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(o.wait_timeout * 1000));
  options.on_change = [&](const BatchJobState& s) {
    std::lock_guard guard(lock);
    BatchStatus before = now.count(s.label) ? now[s.label] : BatchStatus::pending;
    now[s.label] = s.status;
    if (s.status == BatchStatus::created && before != BatchStatus::created) {
      const auto& job = *std::find_if(jobs->begin(), jobs->end(),
                                      [&](const BatchJob& j) { return j.label == s.label; });
      Video v;
      v.id = s.video_id;
      v.model = job.request.model.value_or("");
      v.size = job.request.size.value_or("");
      v.seconds = job.request.seconds.value_or("");
      ctx.record_job("batch", v, job.request.prompt, s.output);
    }
    int queued = 0, running = 0, done = 0, failed = 0;
    for (const auto& job : *jobs) {
      auto status = now.count(job.label) ? now[job.label] : BatchStatus::pending;
      switch (status) {
      case BatchStatus::pending:
        ++queued;
        break;
      case BatchStatus::created:
      case BatchStatus::completed:
        ++running;
        break;
      case BatchStatus::downloaded:
        ++done;
        break;
      default:
        ++failed;
        break;
      }
    }
    auto elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::string eta;
    if (done > 0 && static_cast<std::size_t>(done + failed) < total) {
      auto left = elapsed / done * static_cast<double>(total - done - failed);
      eta = ", ETA " + std::to_string(static_cast<int>(left)) + "s";
    }
    bool milestone = s.status == BatchStatus::downloaded || s.status == BatchStatus::failed ||
                     s.status == BatchStatus::refused || s.status == BatchStatus::error;
    progress.status(
        "batch: " + std::to_string(queued) + " queued, " + std::to_string(running) + " running, " +
            std::to_string(done) + " done, " + std::to_string(failed) + " failed of " +
            std::to_string(total) + eta +
            (milestone ? "  (" + s.label + ": " + std::string(to_string(s.status)) + ")" : ""),
        milestone);
  };
  auto report = run_batch(config, *jobs, state, options, exit_code_for);
  progress.finish();
  if (!report)
    return ctx.fail(report.error(), "sora batch " + o.manifest + " (finished jobs are skipped)");

  if (ctx.options.json) {
    for (const auto& s : report->jobs)
      print_line(batch_job_json(s));
  } else {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::size_t> widths(4, 0);
    for (const auto& s : report->jobs) {
      rows.push_back({s.label, std::string(to_string(s.status)) + (s.from_earlier_run ? "*" : ""),
                      s.video_id.empty() ? "-" : s.video_id, s.error.empty() ? s.output : s.error});
      for (std::size_t i = 0; i < 4; ++i)
        widths[i] = std::max(widths[i], rows.back()[i].size());
    }
    for (const auto& row : rows) {
      std::string line;
      for (std::size_t i = 0; i < row.size(); ++i)
        line +=
            row[i] + (i + 1 < row.size() ? std::string(widths[i] - row[i].size() + 2, ' ') : "");
      print_line(line);
    }
  }
  ctx.note(std::to_string(report->completed) + " downloaded, " + std::to_string(report->failed) +
           " failed, " + std::to_string(report->refused) + " refused, " +
           std::to_string(report->errors) + " unfinished; " + std::to_string(report->requests) +
           " requests; state in " + state.path().string() +
           (std::any_of(report->jobs.begin(), report->jobs.end(),
                        [](const BatchJobState& s) { return s.from_earlier_run; })
                ? " (* from an earlier run)"
                : ""));
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
  sub->add_option("--state", o->state, "State file (default DIR/.sora-batch.json)")
      ->type_name("FILE");
  sub->add_option("--shard", o->shard, "Run shard K of N (every N-th job from the K-th)")
      ->type_name("K/N");
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
  sub->add_flag("--retry-failed", o->retry_failed, "Create failed or refused jobs anew");
  sub->add_flag("-f,--force", o->force, "Replace output files that already exist");
  sub->add_option("--wait-timeout", o->wait_timeout, "Give up waiting for a job after SECONDS")
      ->type_name("SECONDS")
      ->check(positive_seconds)
      ->capture_default_str();
  sub->footer(
      "The whole manifest is checked before anything is sent. A rerun skips finished jobs,\n"
      "resumes started ones by id and never creates a job twice. Exit 0 when every job\n"
      "was downloaded, 6 if any failed, 7 if any was refused by content policy.\n"
      "The estimated total (jobs an earlier run created are not counted) is shown first.");
  return {sub, [o, &ctx] { return run_batch_command(*o, ctx); }};
}

} // namespace sora::cli
