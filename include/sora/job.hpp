// The job pipeline: one video from request to file, fit -> submit -> wait -> download, with every
// transition reported to an observer. Every command that starts or finishes a paid job (create,
// remix, extend, edit, batch, storyboard, listen) runs it through here, so the promises hold on
// every path: a paid job is never started twice, finished work is never lost, and the id of a
// paid job is always known.
#pragma once

#include <sora/client.hpp>
#include <sora/fit.hpp>
#include <sora/result.hpp>
#include <sora/video.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace sora {

/// How a job starts.
enum class JobKind { create, remix, extend, edit };
/// "create", "remix", "extend", "edit".
std::string_view to_string(JobKind kind) noexcept;

/// A job as a value: what to start, whether to wait, where the video goes.
struct JobSpec {
  std::string label; ///< how people and state files name it ("beach", a manifest line, a shot)
  JobKind kind = JobKind::create;
  CreateRequest create;  ///< JobKind::create: the request (its image is fitted first with `fit`)
  std::string source_id; ///< remix, extend, edit: the finished video it starts from
  std::string prompt;    ///< remix, extend, edit: the new prompt
  std::string seconds;   ///< extend: the new segment's length
  std::optional<FitOptions> fit; ///< create with an image: resize it first (temporary copy)
  bool wait = false;             ///< wait for the job to finish (implied by `output`)
  std::optional<std::filesystem::path> output; ///< download here when done (via OUTPUT.part)
  Variant variant = Variant::video;
  bool overwrite = false;
  /// The caller has already seen a file created in the output's folder (a batch tests each
  /// folder once, not once per job): preflight_output skips its write test.
  bool folder_writable = false;
  std::chrono::milliseconds wait_timeout{30 * 60 * 1000};
  /// Empty: a fresh key is made and recorded (write-ahead) before the request is sent. Set: a
  /// resend of an unresolved intent with the key it was first sent with.
  std::string idempotency_key;
  /// Set: the job exists already (an earlier run created it, e.g. a resumed batch job): fit,
  /// intent and submit are skipped, and the run waits for and downloads this job.
  std::string video_id;
  /// The caller's cost estimate in USD, recorded with the job (the journal's estimate_usd).
  std::optional<double> estimate_usd = {};
  /// Set: fingerprint(*this), computed by the caller already (to look for an earlier attempt);
  /// the pipeline records it instead of reading the image a second time. Empty: computed there.
  std::string fingerprint = {};
};

/// Where a job is; each is reported once, in this order (a job may stop at any of them).
enum class JobStage {
  intent,      ///< about to send the create: record the key and fingerprint durably first
  uploading,   ///< bytes of the create's request (its image) are leaving (event.transfer)
  submitted,   ///< the server answered with an id: record it durably
  polled,      ///< a poll while waiting (status and progress in the event's video)
  completed,   ///< the job finished on the server
  downloading, ///< bytes of the file are arriving (event.transfer)
  saved,       ///< the file is complete at its final path
  failed,      ///< the job or a step of the pipeline failed (event.error)
};

/// One transition, as the observer sees it. Pointers are valid only during the call.
struct JobEvent {
  JobStage stage = JobStage::intent;
  const JobSpec* spec = nullptr;
  std::string video_id;         ///< known from `submitted` on
  std::string idempotency_key;  ///< the key the create is (or was) sent with
  std::string fingerprint;      ///< a hash of what the request sends (see fingerprint())
  const Video* video = nullptr; ///< submitted, polled, completed
  const Error* error = nullptr; ///< failed
  const TransferProgress* transfer = nullptr;      ///< uploading, downloading
  std::optional<std::filesystem::path> saved_path; ///< saved
};

/// Receives every transition (progress line, journal, batch state). Called on the thread that
/// runs the job. An error returned from `intent` or `submitted` stops the job before (intent) or
/// right after (submitted) the paid step, so nothing is sent that could not be recorded.
class JobObserver {
public:
  virtual ~JobObserver() = default;
  virtual Result<void> on_event(const JobEvent& event) = 0;
};

/// What a run produced. On a failure after the job was created, `video_id` is still set, so the
/// caller can always say which paid job to finish.
struct JobOutcome {
  std::string video_id;
  std::optional<Video> video;          ///< the last state seen
  std::optional<DownloadResult> saved; ///< when `output` was given and the file is complete
  std::optional<Error> error;          ///< the failure, if any (its video_id is set too)
};

/// A stable hash of what a job's request sends: kind, prompt, model, size, seconds, source id,
/// extra fields and the image's bytes. Two specs with the same fingerprint start the same job.
/// "v2:" and 32 hex digits (XXH3-128); earlier versions recorded 16 hex digits (FNV-1a), which
/// FingerprintMatch still recognises. Compare recorded fingerprints with FingerprintMatch, not ==.
Result<std::string> fingerprint(const JobSpec& spec);

/// Whether a recorded fingerprint (a journal intent's, a batch state's: written by this version or
/// an earlier one) is the one of `spec`. The older form is computed at most once, and only when a
/// record of that form could be this request, so the image is read again only for such a record.
class FingerprintMatch {
public:
  /// `current` is fingerprint(spec); `spec` must outlive this.
  FingerprintMatch(const JobSpec& spec, std::string current);
  /// `recorded_prompt`, when the record kept one (the journal's first 80 characters): an
  /// older-format record with another prompt is not this request, and is not hashed against.
  bool operator()(std::string_view recorded,
                  std::optional<std::string_view> recorded_prompt = std::nullopt);
  const std::string& current() const noexcept { return m_current; }

private:
  const JobSpec& m_spec;
  std::string m_current;
  std::optional<std::string> m_v1; ///< computed on first need ("" when the image is unreadable)
};

/// Checks, before anything is sent or paid for, that the job can finish: the output's folder
/// exists and is writable (a file is created and removed there, unless `folder_writable`), the
/// output is not a folder, not an existing file (unless
/// `overwrite`), and (when `expected_bytes` is known) the disk has room.
Result<void> preflight_output(const JobSpec& spec, std::uint64_t expected_bytes = 0);

/// A fresh Idempotency-Key: "sora-" and 32 random hex digits.
std::string make_idempotency_key();

/// Looks in the server's newest jobs (`GET /videos`, newest first, a few pages at most) for the
/// job an unresolved intent may have created: the same prompt (compared on its first 80
/// characters, as the journal keeps it), created no earlier than `since` (unix seconds) minus two
/// minutes of clock skew. An empty optional: the server was asked and has no such job. An error
/// (unsupported, not_found, …): the server cannot tell (no list route, no prompts in its list).
Result<std::optional<Video>> find_created_job(Client& client, std::string_view prompt,
                                              std::int64_t since);

/// Runs one job: preflight, fit, intent, submit (with retries that never create twice), wait,
/// download, reporting each transition to `observer`. `job.source_id` of a remix/extend/edit must
/// already be a server id. Failures are in outcome.error (with `video_id` when the job exists).
JobOutcome run_job(Client& client, const JobSpec& job, JobObserver& observer);

} // namespace sora
