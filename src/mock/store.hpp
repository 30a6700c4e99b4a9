// The jobs the mock knows about and how each one advances as it is polled. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sora_mock {

/// Wire values of a job's `status`.
enum class VideoStatus { queued, in_progress, completed, failed, cancelled };

/// How a job ends once it has been polled enough (from prompt triggers and faults).
enum class Outcome { complete, fail, moderation, never, cancel };

/// What a create or remix request asked for, already validated.
struct JobSpec {
  std::string prompt;
  std::string model;
  std::string size;
  std::string seconds;
  std::optional<std::string> remixed_from;
  std::string reference_image; ///< what --render starts the video from (kept only then)
  Outcome outcome = Outcome::complete;
  std::string callback_url; ///< openrouter dialect: the create request's callback_url
};

/// One video job as the API reports it.
struct Job {
  std::string id;
  std::uint64_t sequence = 0;
  JobSpec spec;
  VideoStatus status = VideoStatus::queued;
  int progress = 0;
  int polls = 0;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> completed_at;
  std::optional<std::int64_t> expires_at;
};

/// One page of `list`.
struct JobPage {
  std::vector<Job> jobs;
  bool has_more = false;
};

/// Sort order of `list`.
enum class Order { asc, desc };

/// All jobs, keyed by id. Every method locks, so handlers on any thread may call it.
class Store {
public:
  /// `polls_to_finish` is --polls: the number of GETs after which a job reaches its outcome.
  /// `make_id` makes a new job id (default: `video_` + hex).
  explicit Store(int polls_to_finish, std::function<std::string()> make_id = {})
      : m_polls_to_finish(polls_to_finish), m_make_id(std::move(make_id)) {}

  /// Adds a queued job and returns it.
  Job create(JobSpec spec);
  /// The job with `id`, unchanged, or nullopt.
  std::optional<Job> find(const std::string& id) const;
  /// Counts one status GET against the job with `id` and returns its new state, or nullopt.
  std::optional<Job> poll(const std::string& id);
  /// Moves the job straight to its outcome, as if polled enough (--finish-after-ms). Returns it,
  /// or nullopt when there is none.
  std::optional<Job> finish(const std::string& id);
  /// Called (outside the lock) after each create.
  void on_created(std::function<void(const Job&)> callback) { m_on_created = std::move(callback); }
  /// Called (outside the lock) each time a job reaches completed, failed or cancelled.
  void on_finished(std::function<void(const Job&)> callback) {
    m_on_finished = std::move(callback);
  }
  /// Removes the job; false if there was none.
  bool remove(const std::string& id);
  /// Up to `limit` jobs in `order`, starting after the job `after` (empty: from the start).
  /// Returns nullopt when `after` names no job.
  std::optional<JobPage> list(std::size_t limit, const std::string& after, Order order) const;

private:
  void advance(Job& job) const;
  std::optional<Job> step(const std::string& id, bool to_the_end);

  mutable std::mutex m_mutex;
  std::map<std::string, Job> m_jobs;
  std::uint64_t m_next_sequence = 1;
  int m_polls_to_finish;
  std::function<std::string()> m_make_id;
  std::function<void(const Job&)> m_on_created;
  std::function<void(const Job&)> m_on_finished;
};

} // namespace sora_mock
