// What goes to stdout: result rows, JSON documents, and file names made from server data.
#pragma once

#include <sora/batch.hpp>
#include <sora/error.hpp>
#include <sora/redact.hpp>
#include <sora/video.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sora::cli {

/// What sora adds to a video's JSON (docs/json.md): each key appears only when set.
struct JsonExtras {
  std::optional<std::string> file;         ///< `file`: where the video was saved
  std::optional<std::uint64_t> bytes;      ///< `bytes`: how many bytes were saved
  std::optional<std::string> variant;      ///< `variant`: which file was saved
  std::optional<double> cost_usd;          ///< `cost`: {estimate, currency "USD"}
  std::optional<std::string> label;        ///< `label`: the batch manifest's id for the job
  std::optional<std::string> batch_status; ///< `batch_status`: where the job stands in a batch
  std::optional<bool> earlier_run;         ///< `earlier_run`: a batch outcome from an earlier run
  std::optional<Error> failure;            ///< sora's own failure for this job (fills `error`)
  bool failure_kind_unknown = false;       ///< `error.kind` is null: the kind was not recorded
};

/// Extras of a video saved to `file`.
JsonExtras saved_file(std::string file);

/// The one JSON document of a video for --json (docs/json.md): OpenAI's video fields at the top
/// level with normalised values, then what sora adds, then the server's own object under `server`.
std::string video_json(const Video& video, const JsonExtras& extras = {});
/// The JSON of a job known only by its id (a saved file, a batch line): the video fields sora
/// knows, null for the rest, `status` from `status` when given.
std::string video_json(std::string_view id, std::optional<VideoStatus> status,
                       const JsonExtras& extras);
/// The JSON of one batch job's outcome: the video fields sora knows, `label`, `batch_status`,
/// `file`, `earlier_run`, and `error` when the job did not succeed.
std::string batch_job_json(const BatchJobState& job);
/// The JSON of a saved file of a finished job (`download --json`): `id`, `status` completed,
/// `file`, `variant`, `bytes`.
std::string download_json(std::string_view id, Variant variant, const std::string& file,
                          std::uint64_t bytes);
/// The JSON of a deletion receipt: `id`, `object` ("video.deleted"), `deleted`, `server`.
std::string deleted_json(const DeletedVideo& deleted);
/// The status words --json uses: queued, in_progress, completed, failed, cancelled, expired.
std::string_view json_status(VideoStatus status) noexcept;

/// "ID  STATUS  PROGRESS%  MODEL  SIZE  SECONDSs  CREATED" for one video.
std::string video_row(const Video& video);
/// The rows of several videos with their columns aligned.
std::vector<std::string> video_table(const std::vector<Video>& videos);
/// The secrets every printed line is cleaned of (set once the settings are known).
void set_output_redactor(Redactor redactor);
const Redactor& output_redactor();
/// Text from a server or a file as it may be shown: secrets masked, control characters and
/// invalid UTF-8 made visible (terminal_safe). Valid JSON stays valid JSON with the same meaning.
std::string shown(std::string_view text);
/// The same for several lines: line feeds are kept.
std::string shown_lines(std::string_view text);
/// Writes one line (adds the newline) to stdout and flushes it, as shown().
void print_line(std::string_view line);
/// Writes text that may span lines (a composed prompt), as shown_lines(), then a newline.
void print_text(std::string_view text);
/// A file name made from a server-provided id: letters, digits, - _ . + = (others become
/// '_'), no leading dots, secrets redacted, at most 120 bytes.
std::string safe_file_name(std::string_view id);
/// "1.4 MB", "512 B".
std::string human_bytes(std::uint64_t bytes);
/// "2026-11-24T22:00:00Z" from unix seconds.
std::string iso_time(std::int64_t unix_seconds);

} // namespace sora::cli
