// `sora storyboard`: a multi-shot film from one TOML file: checked first, planned (--dry-run),
// shown (--status), run through the job pipeline, joined by stream copy.
#include "commands/capabilities.hpp"
#include "commands/commands.hpp"
#include "commands/cost_guard.hpp"
#include "commands/job_flow.hpp"
#include "commands/provider_options.hpp"
#include "exit_codes.hpp"
#include "job_observer.hpp"
#include "output.hpp"

#include <sora/job.hpp>
#include <sora/profile.hpp>
#include <sora/storyboard.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <set>

namespace sora::cli {
namespace {

struct StoryboardCommandOptions {
  std::string file;
  std::string output;
  CostOptions cost;
  bool status = false;
  bool reencode = false;
  int concurrency = 2;
  std::string contact_sheet;
};

Error make_error(ErrorCode code, std::string message, std::string hint) {
  Error error;
  error.code = code;
  error.message = std::move(message);
  error.hint = std::move(hint);
  return error;
}

/// A shot's setting as its storyboard table names it.
std::string shot_key(const std::string& what) {
  if (what == "duration") return "seconds =";
  if (what == "first frame") return "image =";
  if (what == "audio") return "audio =";
  return what + " =";
}

/// A shot that continues with extend or remix on a profile known not to have that operation:
/// refused before anything is sent (not even a `sora models` lookup), naming the shot's line.
Result<void> check_continuations(AppContext& ctx, const Film& film) {
  auto settings = ctx.settings();
  if (!settings) return unexpected(settings.error());
  for (const auto& shot : film.shots) {
    if (shot.start != ShotStart::extend && shot.start != ShotStart::remix) continue;
    auto operation = shot.start == ShotStart::extend ? Operation::extend : Operation::remix;
    auto ok = check_operation((*settings)->effective, operation);
    if (ok) continue;
    Error e = ok.error();
    const std::string name(to_string(operation));
    e.message = film.source.string() + ":" + std::to_string(shot.line) + ": shot '" + shot.label +
                "' continues with " + name + ", which the profile '" + (*settings)->profile +
                "' is known not to have. Nothing was sent.";
    std::string with;
    for (const auto& p : e.hint_values)
      with += (with.empty() ? "" : ", ") + p;
    e.hint = "Use continue = \"last-frame\" (the shot starts from the exact last frame of '" +
             shot.after + "'), or a profile whose server has " + name + " (" + with + ").";
    return unexpected(std::move(e));
  }
  return {};
}

/// Every shot that creates a video, checked before anything is sent as create checks its
/// request: the profile's model capabilities (`sora models`), and an audio part, which asks for
/// an audio track where the profile and the model take one. Returns the labels of those shots.
/// The server's published prices join `prices` for models the table has none for.
Result<std::set<std::string>> check_shots(AppContext& ctx, const Film& film, bool offline,
                                          PriceTable& prices) {
  if (auto ok = check_continuations(ctx, film); !ok) return unexpected(ok.error());
  std::set<std::string> with_audio;
  for (const auto& shot : film.shots) {
    if (shot.start == ShotStart::remix || shot.start == ShotStart::extend) continue;
    CreateRequest request;
    request.prompt = compose(shot.prompt);
    if (!shot.model.empty()) request.model = shot.model;
    if (!shot.size.empty()) request.size = shot.size;
    if (!shot.seconds.empty()) request.seconds = shot.seconds;
    if (shot.image || shot.start == ShotStart::last_frame)
      request.image = shot.image.value_or(clip_path(film, shot)); // only its presence counts
    request.audio_described = shot.prompt.audio.find_first_not_of(" \t\r\n") != std::string::npos;
    auto ok = check_request_capabilities(ctx, request, offline, shot_key);
    if (!ok) {
      Error e = ok.error();
      e.message = film.source.string() + ":" + std::to_string(shot.line) + ": shot '" + shot.label +
                  "': " + e.message;
      return unexpected(std::move(e));
    }
    ask_for_described_audio(ctx, request, offline);
    if (request.audio) with_audio.insert(shot.label);
    add_published_price(ctx, prices, request, offline);
  }
  return with_audio;
}

/// The estimate of every shot that is not done, and their total (nullopt when any is unknown).
struct PlanCost {
  std::vector<CostEstimate> shots;
  std::optional<double> total = 0.0;
};

PlanCost estimate_plan(const std::vector<PlannedShot>& plan, const PriceTable& prices) {
  PlanCost cost;
  for (const auto& p : plan) {
    const auto& shot = *p.shot;
    auto e = estimate(prices, shot.model.empty() ? std::nullopt : std::optional(shot.model),
                      shot.size.empty() ? std::nullopt : std::optional(shot.size),
                      shot.seconds.empty() ? std::nullopt : std::optional(shot.seconds));
    if (p.status == ShotStatus::done) {
      e.usd = 0.0;
    } else if (!e.usd) {
      cost.total.reset();
    } else if (cost.total) {
      *cost.total += *e.usd;
    }
    cost.shots.push_back(e);
  }
  return cost;
}

std::string shot_line(const PlannedShot& p, const CostEstimate& e) {
  const auto& shot = *p.shot;
  std::string line(static_cast<std::size_t>(p.depth) * 3, ' ');
  line += p.depth > 0 ? "└─ " : "● ";
  line += shot.label;
  if (shot.start != ShotStart::fresh)
    line += " (" + std::string(to_string(shot.start)) + " after " + shot.after + ")";
  line += "  " + (shot.seconds.empty() ? std::string("4") : shot.seconds) + " s";
  if (!shot.size.empty()) line += " " + shot.size;
  line += "  [" + std::string(to_string(p.status)) + "]";
  line += p.status == ShotStatus::done ? "  reused" : "  " + describe_estimate(e);
  return line;
}

nlohmann::ordered_json plan_json(const Film& film, const std::vector<PlannedShot>& plan,
                                 const PlanCost& cost) {
  nlohmann::ordered_json shots = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const auto& p = plan[i];
    shots.push_back(
        {{"label", p.shot->label},
         {"id", p.identity},
         {"status", to_string(p.status)},
         {"start", to_string(p.shot->start)},
         {"after", p.shot->after.empty() ? nlohmann::ordered_json(nullptr)
                                         : nlohmann::ordered_json(p.shot->after)},
         {"seconds", p.shot->seconds},
         {"clip", clip_path(film, *p.shot).string()},
         {"estimated_usd", cost.shots[i].usd ? nlohmann::ordered_json(*cost.shots[i].usd)
                                             : nlohmann::ordered_json(nullptr)}});
  }
  return {{"film", film.output.string()},
          {"shots", shots},
          {"estimated_usd",
           cost.total ? nlohmann::ordered_json(*cost.total) : nlohmann::ordered_json(nullptr)}};
}

void print_plan(AppContext& ctx, const Film& film, const std::vector<PlannedShot>& plan,
                const PlanCost& cost, bool dry_run) {
  if (ctx.options.json) {
    print_line(plan_json(film, plan, cost).dump());
    return;
  }
  print_line("Storyboard " + film.source.string() + " -> " + film.output.string());
  for (std::size_t i = 0; i < plan.size(); ++i)
    print_line(shot_line(plan[i], cost.shots[i]));
  if (dry_run) {
    print_line("Estimated total: " + (cost.total ? format_usd(*cost.total)
                                                 : std::string("unknown (a shot has no price)")));
    ctx.note("Dry run: nothing was sent.");
  }
}

/// Progress for people, and the write-ahead journal of every shot's job: the intent (fsynced)
/// before it is sent, the job record the moment its id is known, as for any other command.
class ProgressObserver : public JobObserver {
public:
  ProgressObserver(AppContext& ctx, std::string host) : m_ctx(ctx), m_host(std::move(host)) {}
  Result<void> on_event(const JobEvent& event) override {
    const auto& label = event.spec->label;
    {
      std::lock_guard lock(m_journal_mutex); // shots run on several threads
      if (auto ok = journal_event(m_ctx, m_host, "storyboard", event); !ok) return ok;
    }
    switch (event.stage) {
    case JobStage::submitted:
      m_ctx.note("shot " + label + ": started " + event.video_id);
      break;
    case JobStage::completed:
      m_ctx.note("shot " + label + ": finished on the server");
      break;
    case JobStage::saved:
      m_ctx.note("shot " + label + ": saved " +
                 (event.saved_path ? event.saved_path->string() : std::string()));
      break;
    case JobStage::failed:
      m_ctx.note("shot " + label + ": failed");
      break;
    default:
      break;
    }
    return {};
  }

private:
  AppContext& m_ctx;
  std::string m_host;
  std::mutex m_journal_mutex;
};

int write_sheet(AppContext& ctx, const Film& film, const std::string& path) {
  auto rows = storyboard_contact_rows(film);
  if (!rows) return ctx.fail(rows.error());
  if (auto ok = write_contact_sheet(*rows, path); !ok) return ctx.fail(ok.error());
  ctx.note("Contact sheet: " + path);
  return k_exit_ok;
}

/// What the shots' jobs carry beyond the storyboard runner's own request.
struct ShotSettings {
  std::set<std::string> with_audio;             ///< labels whose audio part asks for audio
  std::map<std::string, double> estimates = {}; ///< USD by label, journaled with the job
};

int run_shots(AppContext& ctx, const StoryboardCommandOptions& o, const Film& film,
              const ShotSettings& settings) {
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  ClientConfig config = (*client)->config();
  // One throttle for every shot's client: a rate limit slows them all, and the jobs they create
  // are known to each other when a lost answer is reconciled.
  if (!config.throttle) config.throttle = std::make_shared<Throttle>();
  // A shot an interrupted run already sent is followed, not paid for again: its intent is found
  // in the journal by the request's fingerprint, and its job in the server's list (as a rerun of
  // `sora create` does). One shot at a time looks, since the journal is shared.
  auto journal_mutex = std::make_shared<std::mutex>();
  const ShotRunner runner = [config, settings, &ctx, journal_mutex](const JobSpec& job,
                                                                    JobObserver& observer) {
    Client worker(config);
    JobSpec spec = job;
    if (auto it = settings.estimates.find(job.label); it != settings.estimates.end())
      spec.estimate_usd = it->second;
    // Its audio part asks for an audio track (check_shots).
    if (job.kind == JobKind::create && settings.with_audio.contains(job.label))
      spec.create.audio = true;
    if (auto print = fingerprint(spec); print) {
      const std::lock_guard lock(*journal_mutex);
      const auto earlier = resolve_earlier_attempt(ctx, worker, spec, *print);
      if (earlier.video) spec.video_id = earlier.video->id;
      spec.idempotency_key = earlier.idempotency_key;
      spec.fingerprint = std::move(*print);
    }
    return sora::run_job(worker, spec, observer);
  };
  StoryboardOptions options;
  options.concurrency = o.concurrency;
  options.reencode = o.reencode;
  options.temp_dir = temp_folder();
  ProgressObserver observer(ctx, journal_host(config.base_url));
  auto report = run_storyboard(film, options, runner, observer);
  if (!report) {
    Error error = report.error();
    if (error.setting == "reencode")
      error.hint = "Add --reencode to re-encode the clips into one H.264 film (the clips are "
                   "kept), or make the shots with the same model and size.";
    else if (error.hint.empty())
      error.hint = "Run the same command again: finished shots are kept and not paid for twice.";
    return ctx.fail(error);
  }
  if (ctx.options.json) {
    print_line(
        nlohmann::ordered_json{{"film", film.output.string()},
                               {"state", state_path(film).string()},
                               {"generated", report->generated},
                               {"reused", report->reused},
                               {"duration", report->film ? report->film->duration_seconds : 0},
                               {"reencoded", report->film && report->film->reencoded}}
            .dump());
  } else {
    print_line(film.output.string());
  }
  if (report->film && report->film->reencoded)
    ctx.note("The clips' codec parameters differ: the film was re-encoded as H.264 at the first "
             "shot's size and frame rate.");
  ctx.note(std::to_string(report->generated.size()) + " shot(s) generated, " +
           std::to_string(report->reused.size()) + " reused. The clips stay next to the film " +
           "with their C2PA manifests (a stitched film cannot carry them); see " +
           state_path(film).string() + ".");
  return o.contact_sheet.empty() ? k_exit_ok : write_sheet(ctx, film, o.contact_sheet);
}

int run_storyboard_command(const StoryboardCommandOptions& o, AppContext& ctx) {
  auto film = load_storyboard(o.file);
  if (!film) return ctx.fail(film.error());
  if (!o.output.empty()) film->output = o.output;
  if (ctx.options.profile.empty()) ctx.options.profile = film->profile;
  auto state = read_storyboard_state(state_path(*film));
  if (!state) return ctx.fail(state.error());
  auto plan = plan_storyboard(*film, *state);
  if (!plan) return ctx.fail(plan.error());
  if (o.status) {
    print_plan(ctx, *film, *plan, estimate_plan(*plan, PriceTable{}), false);
    return o.contact_sheet.empty() ? k_exit_ok : write_sheet(ctx, *film, o.contact_sheet);
  }
  auto prices = load_prices(ctx, o.cost.prices);
  if (!prices) return ctx.fail(prices.error());
  auto with_audio = check_shots(ctx, *film, o.cost.dry_run, *prices);
  if (!with_audio) return ctx.fail(with_audio.error());
  const auto cost = estimate_plan(*plan, *prices);
  if (o.cost.dry_run) print_plan(ctx, *film, *plan, cost, true);
  if (o.cost.max_cost > 0 && (!cost.total || *cost.total > o.cost.max_cost)) {
    return ctx.fail(make_error(
        ErrorCode::invalid_argument,
        "The storyboard's estimated cost " +
            (cost.total ? format_usd(*cost.total)
                        : std::string("is unknown (a shot has no price)")) +
            (cost.total ? " is above --max-cost " + format_usd(o.cost.max_cost) : std::string()) +
            ". Nothing was sent.",
        "Raise --max-cost, or shorten or drop shots (done shots cost nothing)."));
  }
  if (o.cost.dry_run) return k_exit_ok;
  ShotSettings settings{*with_audio, {}};
  for (std::size_t i = 0; i < plan->size(); ++i)
    if (cost.shots[i].usd) settings.estimates[(*plan)[i].shot->label] = *cost.shots[i].usd;
  return run_shots(ctx, o, *film, settings);
}

} // namespace

Command register_storyboard(CLI::App& app, AppContext& ctx) {
  auto options = std::make_shared<StoryboardCommandOptions>();
  auto* sub = app.add_subcommand("storyboard", "Make a film of several shots from a TOML file");
  sub->add_option("file", options->file, "The storyboard (see docs/storyboard.md)")
      ->required()
      ->type_name("FILE");
  sub->add_option("-o,--output", options->output, "The film (default: [film] output)")
      ->type_name("FILM.mp4");
  add_cost_options(*sub, options->cost);
  sub->add_flag("--status", options->status,
                "Show each shot as done, stale or missing; send nothing");
  sub->add_option("--contact-sheet", options->contact_sheet,
                  "Write each shot's first and last frame in a grid with its label")
      ->type_name("FILE.png");
  sub->add_option("--concurrency", options->concurrency, "Shots run at once (independent ones)")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  sub->add_flag("--reencode", options->reencode,
                "When the clips' codec parameters differ, re-encode them into one H.264 film");
  sub->footer("Checks the whole file first (exit 2 with FILE:LINE). Shots whose identity (prompt, "
              "settings, input\nframe) is unchanged and whose clip exists are reused; the others "
              "and the shots continuing\nfrom them are generated. Clips: FILM.LABEL.mp4; state: "
              "FILM.storyboard.json.\nExample: sora storyboard examples/storyboard.toml --dry-run");
  return {sub, [options, &ctx] { return run_storyboard_command(*options, ctx); }};
}

} // namespace sora::cli
