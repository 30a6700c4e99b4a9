// Submission and reconciliation (ADR 0003): a POST that starts a paid job is sent with one
// Idempotency-Key for every attempt, and when its answer is lost the server's recent jobs are
// checked before it is sent again, so sora never creates a job twice.
#pragma once

#include "api/poller.hpp"
#include "api/sender.hpp"

#include <functional>
#include <memory>

namespace sora::detail {

/// Recognises the job a submission would have created.
using SameJob = std::function<bool(const Video&)>;

class Submitter {
public:
  /// `claims`: the jobs created by every client of a batch (shared), or by this client alone.
  Submitter(Sender& sender, Poller& poller, std::shared_ptr<JobClaims> claims)
      : m_sender(sender), m_poller(poller), m_claims(std::move(claims)) {}

  /// Sends `request` with the Idempotency-Key `key` (empty: a fresh one) and returns the job.
  Result<Video> submit(HttpRequest request, const SameJob& same_job, const std::string& key = {});
  /// The newest unclaimed job that `same_job` recognises, created since `since` (with room for
  /// clock skew); nullopt inside: no such job. An error: the server cannot tell (no list, or no
  /// prompts in it). A job found is claimed.
  Result<std::optional<Video>> find_recent(const SameJob& same_job, std::int64_t since);

  JobClaims& claims() { return *m_claims; }

private:
  Sender& m_sender;
  Poller& m_poller;
  std::shared_ptr<JobClaims> m_claims;
};

} // namespace sora::detail
