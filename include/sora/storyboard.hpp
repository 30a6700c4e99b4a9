// Storyboards: a film of several shots from one TOML file. Parsed and checked before anything is
// sent; each shot has an identity (a hash of everything that shapes it) so a rerun regenerates
// only the shots that changed and those that continue from them; shots run through the job
// pipeline; the clips are joined by stream copy, one chapter per shot.
#pragma once

#include <sora/job.hpp>
#include <sora/media.hpp>
#include <sora/prompt.hpp>
#include <sora/result.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sora {

/// How a shot begins.
enum class ShotStart {
  fresh,      ///< a new create (with `image` as its first frame, if any)
  last_frame, ///< a create whose first frame is the exact last frame of `after`
  extend,     ///< the server's extension of `after` (its clip then replaces `after`'s in the film)
  remix,      ///< a remix of `after`
};
/// "fresh", "last-frame", "extend", "remix".
std::string_view to_string(ShotStart start) noexcept;

/// One shot, film defaults applied.
struct Shot {
  std::string label;
  PromptParts prompt;
  std::string model;
  std::string size;
  std::string seconds;
  std::optional<std::filesystem::path> image; ///< resolved against the storyboard's folder
  std::string after;                          ///< the label it continues from (not fresh)
  ShotStart start = ShotStart::fresh;
  int line = 0; ///< where its [[shot]] table starts in the file
};

/// A storyboard as read: [film] defaults and the shots in order.
struct Film {
  std::filesystem::path source; ///< the storyboard file
  std::string model;
  std::string size;
  std::string seconds;
  std::string profile;
  std::filesystem::path output; ///< the film (relative paths: against the storyboard's folder)
  std::vector<Shot> shots;
};

/// Parses and checks a storyboard's text: known keys and types, labels unique and non-empty,
/// `after` naming an earlier shot, `continue` only with `after`, a prompt for every shot, images
/// that exist. Errors are invalid_argument, "FILE:LINE: what" with a hint.
Result<Film> parse_storyboard(std::string_view text, const std::filesystem::path& source);
/// Reads and parses `path` (io when it cannot be read).
Result<Film> load_storyboard(const std::filesystem::path& path);

/// The clip of a shot: next to the film, "FILM.LABEL.mp4".
std::filesystem::path clip_path(const Film& film, const Shot& shot);
/// The state file: "FILM.storyboard.json" next to the film.
std::filesystem::path state_path(const Film& film);

/// Each shot's identity (hex), in shot order: a hash of its start, composed prompt, model, size,
/// seconds, the bytes of its image, and the identity of the shot it continues from (which stands
/// for its input frame: the last frame of that shot's clip). io when an image cannot be read.
Result<std::vector<std::string>> shot_identities(const Film& film);

/// What the state file remembers of a finished shot.
struct ShotRecord {
  std::string label;
  std::string identity;
  std::string video_id;
  std::string prompt;
  std::string clip;
  bool manifest = false; ///< the clip carries a C2PA manifest
};

/// The state file: the shots of the last run (and the film, once joined).
struct StoryboardState {
  std::vector<ShotRecord> shots;
  std::string film;
  bool film_manifest = false;
  const ShotRecord* find(std::string_view label) const;
};
/// Reads the state file; an absent file is an empty state, a damaged one an invalid_argument.
Result<StoryboardState> read_storyboard_state(const std::filesystem::path& path);
/// Writes it atomically (temp file, fsync, rename).
Result<void> write_storyboard_state(const std::filesystem::path& path,
                                    const StoryboardState& state);

/// Where a shot stands against the state file and the clips on disk.
enum class ShotStatus {
  done,    ///< its clip exists and was made from the same identity
  stale,   ///< a clip exists, but the shot (or one it continues from) changed since
  missing, ///< no clip yet
};
std::string_view to_string(ShotStatus status) noexcept;

/// One line of a plan.
struct PlannedShot {
  const Shot* shot = nullptr;
  std::string identity;
  ShotStatus status = ShotStatus::missing;
  int depth = 0; ///< 0 for shots that start fresh; one more than the shot they continue from
};
/// The plan: every shot, its identity and status. Shots after a stale one are stale too.
Result<std::vector<PlannedShot>> plan_storyboard(const Film& film, const StoryboardState& state);

/// How to run a storyboard.
struct StoryboardOptions {
  int concurrency = 2;   ///< shots that depend on nothing run this many at a time
  bool overwrite = true; ///< replace the film when it exists
  bool reencode = false; ///< clips that differ are re-encoded (reencode_clips), not refused
  std::filesystem::path temp_dir; ///< where last frames and fitted images are written
  std::chrono::milliseconds wait_timeout{30 * 60 * 1000};
};

/// Runs one job (the CLI binds a client and the job pipeline, run_job). Called from worker
/// threads, one job per call.
using ShotRunner = std::function<JobOutcome(const JobSpec& job, JobObserver& observer)>;

/// What a run did.
struct StoryboardReport {
  std::vector<std::string> generated; ///< labels of shots made this run
  std::vector<std::string> reused;    ///< labels of shots whose clips were kept
  std::optional<StitchResult> film;
  StoryboardState state;
};

/// Refuses (invalid_argument, `setting` "reencode", nothing sent) shots of different sizes unless
/// `options.reencode`. Runs the shots that are not done (a continued shot starts once its source's
/// clip is on disk), records each in the state file the moment it is saved, then joins the clips
/// into the film by stream copy (or re-encodes them when they differ and `options.reencode`). A
/// failed shot stops the run (its error, with the shots that finished); rerunning resumes.
/// `observer` sees every job's transitions (from worker threads, serialised).
Result<StoryboardReport> run_storyboard(const Film& film, const StoryboardOptions& options,
                                        const ShotRunner& runner, JobObserver& observer);

/// Each shot's first and last frame, from its clip, as contact-sheet rows (shots without a clip
/// are left out).
Result<std::vector<ContactRow>> storyboard_contact_rows(const Film& film);

} // namespace sora
