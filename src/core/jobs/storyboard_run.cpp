// Running a storyboard: shots that are not done run through the job pipeline (independent ones
// concurrently, a continued one once its source's clip is saved), each recorded in the state file
// as soon as its clip is complete; then the clips are joined into the film by stream copy.
#include <sora/storyboard.hpp>

#include <unistd.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace sora {
namespace {

namespace fs = std::filesystem;

/// Passes events on one at a time (workers report from their own threads).
class SerialObserver : public JobObserver {
public:
  explicit SerialObserver(JobObserver& inner) : m_inner(inner) {}
  Result<void> on_event(const JobEvent& event) override {
    const std::lock_guard lock(m_mutex);
    return m_inner.on_event(event);
  }

private:
  JobObserver& m_inner;
  std::mutex m_mutex;
};

/// The state shared by the workers of one run.
struct Run {
  const Film& film;
  const StoryboardOptions& options;
  const ShotRunner& runner;
  SerialObserver observer;
  std::vector<PlannedShot> plan;
  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::string, bool> finished; ///< label -> clip ready (done before, or made now)
  std::vector<bool> started;
  int running = 0;
  std::optional<Error> failure;
  StoryboardReport report;
};

/// The shot's first frame when it continues from the last frame of another: that frame, exact,
/// as a PNG in the temp folder (fitted to the shot's size by the pipeline).
Result<fs::path> last_frame_png(const Run& run, const Shot& shot) {
  const auto& source = *std::find_if(run.film.shots.begin(), run.film.shots.end(),
                                     [&](const Shot& s) { return s.label == shot.after; });
  auto frame = read_frame(clip_path(run.film, source), FramePick{FramePick::Kind::last, 0});
  if (!frame) return unexpected(frame.error());
  auto png = run.options.temp_dir /
             ("sora-storyboard-" + std::to_string(::getpid()) + "-" + shot.label + "-first.png");
  if (auto ok = write_png(png, *frame); !ok) return unexpected(ok.error());
  return png;
}

Result<JobSpec> job_for(Run& run, const Shot& shot, std::optional<fs::path>& temp_image) {
  JobSpec job;
  job.label = shot.label;
  job.output = clip_path(run.film, shot);
  job.wait = true;
  job.overwrite = true;
  job.wait_timeout = run.options.wait_timeout;
  const auto prompt = compose(shot.prompt);
  if (shot.start == ShotStart::remix || shot.start == ShotStart::extend) {
    const std::lock_guard lock(run.mutex);
    const auto* source = run.report.state.find(shot.after);
    if (!source || source->video_id.empty())
      return unexpected(ErrorCode::invalid_argument,
                        "Shot '" + shot.label + "' needs the video id of '" + shot.after + "'.");
    job.kind = shot.start == ShotStart::remix ? JobKind::remix : JobKind::extend;
    job.source_id = source->video_id;
    job.prompt = prompt;
    job.seconds = shot.seconds;
    return job;
  }
  job.kind = JobKind::create;
  job.create.prompt = prompt;
  if (!shot.model.empty()) job.create.model = shot.model;
  if (!shot.size.empty()) job.create.size = shot.size;
  if (!shot.seconds.empty()) job.create.seconds = shot.seconds;
  if (shot.start == ShotStart::last_frame) {
    auto png = last_frame_png(run, shot);
    if (!png) return unexpected(png.error());
    temp_image = *png;
    job.create.image = *png;
  } else if (shot.image) {
    job.create.image = *shot.image;
  }
  if (job.create.image && !shot.size.empty()) {
    const auto size = parse_size(shot.size);
    FitOptions fit;
    fit.width = size ? size->first : 0;
    fit.height = size ? size->second : 0;
    fit.temp_dir = run.options.temp_dir;
    job.fit = fit;
  }
  return job;
}

void finish_shot(Run& run, const PlannedShot& planned, const JobOutcome& outcome) {
  const auto& shot = *planned.shot;
  const auto clip = clip_path(run.film, shot);
  ShotRecord record{shot.label,           planned.identity,         outcome.video_id,
                    compose(shot.prompt), clip.filename().string(), false};
  if (auto provenance = read_provenance(clip)) record.manifest = provenance->present;
  const std::lock_guard lock(run.mutex);
  auto& shots = run.report.state.shots;
  std::erase_if(shots, [&](const ShotRecord& r) { return r.label == shot.label; });
  shots.push_back(record);
  if (auto ok = write_storyboard_state(state_path(run.film), run.report.state); !ok)
    run.failure = ok.error();
  run.finished[shot.label] = true;
  run.report.generated.push_back(shot.label);
}

void run_shot(Run& run, const PlannedShot& planned) {
  std::optional<fs::path> temp_image;
  auto job = job_for(run, *planned.shot, temp_image);
  std::optional<Error> error;
  if (!job) {
    error = job.error();
  } else {
    const auto outcome = run.runner(*job, run.observer);
    if (outcome.error) {
      error = *outcome.error;
    } else {
      finish_shot(run, planned, outcome);
    }
  }
  if (temp_image) {
    std::error_code ignored;
    fs::remove(*temp_image, ignored);
  }
  const std::lock_guard lock(run.mutex);
  if (error && !run.failure) {
    run.failure = *error;
    run.failure->message = "Shot '" + planned.shot->label + "': " + run.failure->message;
  }
  --run.running;
  run.changed.notify_all();
}

/// The next shot whose source is ready, or nullopt (with `more` telling whether to wait).
std::optional<std::size_t> next_shot(Run& run, bool& more) {
  more = false;
  for (std::size_t i = 0; i < run.plan.size(); ++i) {
    if (run.started[i]) continue;
    more = true;
    const auto& shot = *run.plan[i].shot;
    if (shot.after.empty() || run.finished[shot.after]) return i;
  }
  return std::nullopt;
}

void worker(Run& run) {
  std::unique_lock lock(run.mutex);
  while (true) {
    bool more = false;
    const auto index = run.failure ? std::nullopt : next_shot(run, more);
    if (index) {
      run.started[*index] = true;
      ++run.running;
      lock.unlock();
      run_shot(run, run.plan[*index]);
      lock.lock();
      continue;
    }
    if (!more || run.failure || run.running == 0) return;
    run.changed.wait(lock);
  }
}

/// The film's clips in order: an extension's clip holds its source, so it takes its place, and
/// the source's chapters come first in it (up to the source clip's length).
std::vector<StitchClip> film_clips(const Film& film) {
  std::vector<StitchClip> clips;
  std::map<std::string, std::size_t> position;
  for (const auto& shot : film.shots) {
    StitchClip clip{clip_path(film, shot), shot.label};
    if (shot.start == ShotStart::extend && position.count(shot.after)) {
      const auto at = position[shot.after];
      const auto source = inspect_media(clips[at].file);
      clip.leading = clips[at].leading;
      if (source) clip.leading.emplace_back(clips[at].label, source->duration_seconds);
      clips[at] = clip;
      position[shot.label] = at;
      continue;
    }
    position[shot.label] = clips.size();
    clips.push_back(clip);
  }
  return clips;
}

/// Shots made at two sizes make clips that cannot be joined by stream copy: refused before
/// anything is sent unless re-encoding is allowed. (Remixes and extensions keep their source's
/// size; a shot without a size gets the server's default.)
Result<void> check_sizes(const Film& film, bool reencode) {
  if (reencode) return {};
  const Shot* first = nullptr;
  for (const auto& shot : film.shots) {
    if (shot.size.empty() || shot.start == ShotStart::remix || shot.start == ShotStart::extend)
      continue;
    if (!first) {
      first = &shot;
    } else if (shot.size != first->size) {
      Error error;
      error.code = ErrorCode::invalid_argument;
      error.message = "Shot '" + shot.label + "' is " + shot.size + " and shot '" + first->label +
                      "' is " + first->size +
                      ": their clips cannot be joined without re-encoding. Nothing was sent.";
      error.hint = "Give every shot the same `size`, or allow a re-encode (`reencode`).";
      error.setting = "reencode";
      return unexpected(std::move(error));
    }
  }
  return {};
}

} // namespace

Result<StoryboardReport> run_storyboard(const Film& film, const StoryboardOptions& options,
                                        const ShotRunner& runner, JobObserver& observer) {
  if (auto ok = check_sizes(film, options.reencode); !ok) return unexpected(ok.error());
  auto state = read_storyboard_state(state_path(film));
  if (!state) return unexpected(state.error());
  auto plan = plan_storyboard(film, *state);
  if (!plan) return unexpected(plan.error());
  Run run{film, options, runner, SerialObserver(observer), std::move(*plan), {}, {}, {}, {},
          0,    {},      {}};
  run.report.state = std::move(*state);
  run.started.assign(run.plan.size(), false);
  for (std::size_t i = 0; i < run.plan.size(); ++i) {
    if (run.plan[i].status != ShotStatus::done) continue;
    run.started[i] = true;
    run.finished[run.plan[i].shot->label] = true;
    run.report.reused.push_back(run.plan[i].shot->label);
  }
  std::vector<std::thread> workers;
  for (int i = 0; i < std::max(1, options.concurrency); ++i)
    workers.emplace_back([&run] { worker(run); });
  for (auto& w : workers)
    w.join();
  if (run.failure) return unexpected(*run.failure);
  auto stitched = stitch_clips(film_clips(film), film.output, options.overwrite, options.reencode);
  if (!stitched) return unexpected(stitched.error());
  run.report.film = *stitched;
  run.report.state.film = film.output.filename().string();
  if (auto provenance = read_provenance(film.output))
    run.report.state.film_manifest = provenance->present;
  if (auto ok = write_storyboard_state(state_path(film), run.report.state); !ok)
    return unexpected(ok.error());
  return run.report;
}

Result<std::vector<ContactRow>> storyboard_contact_rows(const Film& film) {
  std::vector<ContactRow> rows;
  for (const auto& shot : film.shots) {
    const auto clip = clip_path(film, shot);
    std::error_code ec;
    if (!fs::exists(clip, ec)) continue;
    auto first = read_frame(clip, FramePick{FramePick::Kind::first, 0});
    if (!first) return unexpected(first.error());
    auto last = read_frame(clip, FramePick{FramePick::Kind::last, 0});
    if (!last) return unexpected(last.error());
    rows.push_back({shot.label, std::move(*first), std::move(*last)});
  }
  return rows;
}

} // namespace sora
