// Job bookkeeping: creation, polling-driven progress, listing and deletion.
#include "store.hpp"

#include "wire.hpp"

#include <algorithm>
#include <chrono>

namespace sora_mock {
namespace {

constexpr std::int64_t k_expiry_seconds = 3600;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool is_final(VideoStatus status) {
  return status == VideoStatus::completed || status == VideoStatus::failed ||
         status == VideoStatus::cancelled;
}

bool created_before(const Job& a, const Job& b) {
  if (a.created_at != b.created_at) return a.created_at < b.created_at;
  return a.sequence < b.sequence;
}

} // namespace

Job Store::create(JobSpec spec) {
  Job job;
  {
    std::lock_guard lock(m_mutex);
    do {
      job.id = m_make_id ? m_make_id() : new_video_id();
    } while (m_jobs.count(job.id) != 0);
    job.sequence = m_next_sequence++;
    job.spec = std::move(spec);
    job.created_at = unix_now();
    m_jobs.emplace(job.id, job);
  }
  if (m_on_created) m_on_created(job);
  return job;
}

std::optional<Job> Store::find(const std::string& id) const {
  std::lock_guard lock(m_mutex);
  const auto it = m_jobs.find(id);
  if (it == m_jobs.end()) return std::nullopt;
  return it->second;
}

std::optional<Job> Store::poll(const std::string& id) {
  return step(id, false);
}

std::optional<Job> Store::finish(const std::string& id) {
  return step(id, true);
}

std::optional<Job> Store::step(const std::string& id, bool to_the_end) {
  std::optional<Job> job;
  bool finished = false;
  {
    std::lock_guard lock(m_mutex);
    const auto it = m_jobs.find(id);
    if (it == m_jobs.end()) return std::nullopt;
    const bool was_final = is_final(it->second.status);
    if (to_the_end && !was_final)
      it->second.polls = std::max(it->second.polls, m_polls_to_finish - 1);
    advance(it->second);
    finished = !was_final && is_final(it->second.status);
    job = it->second;
  }
  if (finished && m_on_finished) m_on_finished(*job);
  return job;
}

void Store::advance(Job& job) const {
  if (is_final(job.status)) return;
  const int k = ++job.polls;
  const int n = m_polls_to_finish;
  if (k < n) {
    job.status = VideoStatus::in_progress;
    job.progress = 100 * k / n;
    return;
  }
  switch (job.spec.outcome) {
  case Outcome::complete: {
    const auto now = unix_now();
    job.status = VideoStatus::completed;
    job.progress = 100;
    job.completed_at = now;
    job.expires_at = now + k_expiry_seconds;
    break;
  }
  case Outcome::fail:
  case Outcome::moderation:
    // Fails where it stood: the progress reported by the previous poll.
    job.status = VideoStatus::failed;
    job.progress = n > 0 ? 100 * (n - 1) / n : 0;
    job.completed_at = unix_now();
    break;
  case Outcome::cancel:
    job.status = VideoStatus::cancelled;
    job.completed_at = unix_now();
    break;
  case Outcome::never:
    job.status = VideoStatus::in_progress;
    job.progress = n > 0 ? std::min(99, 100 * k / n) : 99;
    break;
  }
}

bool Store::remove(const std::string& id) {
  std::lock_guard lock(m_mutex);
  return m_jobs.erase(id) != 0;
}

std::optional<JobPage> Store::list(std::size_t limit, const std::string& after, Order order) const {
  std::lock_guard lock(m_mutex);
  std::vector<const Job*> sorted;
  sorted.reserve(m_jobs.size());
  for (const auto& entry : m_jobs)
    sorted.push_back(&entry.second);
  std::sort(sorted.begin(), sorted.end(), [order](const Job* a, const Job* b) {
    return order == Order::asc ? created_before(*a, *b) : created_before(*b, *a);
  });

  auto first = sorted.begin();
  if (!after.empty()) {
    first = std::find_if(sorted.begin(), sorted.end(),
                         [&after](const Job* job) { return job->id == after; });
    if (first == sorted.end()) return std::nullopt;
    ++first;
  }
  JobPage page;
  for (auto it = first; it != sorted.end() && page.jobs.size() < limit; ++it) {
    page.jobs.push_back(**it);
  }
  page.has_more = static_cast<std::size_t>(sorted.end() - first) > page.jobs.size();
  return page;
}

} // namespace sora_mock
