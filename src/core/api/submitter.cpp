// Submit with an Idempotency-Key; reconcile a lost answer against the server's recent jobs.
#include "api/submitter.hpp"

#include "api/json_codec.hpp"
#include "api/request_plan.hpp"
#include "transport/url.hpp"

namespace sora::detail {

namespace {

// The request may have reached the server and its answer was lost: the job may exist.
bool answer_lost(const Error& error) {
  return error.request_sent &&
         (error.code == ErrorCode::network || error.code == ErrorCode::timeout ||
          error.code == ErrorCode::server || error.code == ErrorCode::conflict);
}

} // namespace

Result<std::optional<Video>> Submitter::find_recent(const SameJob& same_job, std::int64_t since) {
  std::vector<std::pair<std::string, std::string>> query{{"limit", "20"}, {"order", "desc"}};
  auto target = with_query(api_url(m_sender.config(), "/videos"), query);
  auto response = m_sender.execute(m_sender.make_request("GET", target), true);
  if (!response) return unexpected(std::move(response).error());
  auto page = parse_video_list(response->body);
  if (!page) return unexpected(std::move(page).error());
  bool prompts_known = page->data.empty();
  for (const auto& video : page->data) {
    if (!video.prompt) continue;
    prompts_known = true;
    if ((video.created_at == 0 || video.created_at >= since - 120) &&
        !m_claims->claimed(video.id) && same_job(video)) {
      m_claims->claim(video.id);
      return std::optional<Video>(video);
    }
  }
  if (!prompts_known)
    return unexpected(ErrorCode::unsupported, "The server's list does not show prompts.");
  return std::optional<Video>();
}

Result<Video> Submitter::submit(HttpRequest request, const SameJob& same_job,
                                const std::string& key) {
  request.headers.push_back(
      {"Idempotency-Key", key.empty() ? m_sender.policy().idempotency_key() : key});
  std::int64_t since = m_sender.clock().unix_seconds();
  for (int attempt = 0;; ++attempt) {
    auto response = m_sender.execute(request, false);
    if (response) {
      auto video = parse_video(response->body);
      if (video) {
        m_claims->claim(video->id);
        m_poller.remember_poll_url(*video);
      }
      return video;
    }
    Error error = std::move(response).error();
    if (!answer_lost(error)) return unexpected(std::move(error));
    m_sender.log(LogLevel::debug, "  no answer to the " + request.method +
                                      "; checking whether the server started the job anyway");
    auto found = find_recent(same_job, since);
    if (!found) {
      // The server cannot tell (no list route, or a list without prompts): never "check the list".
      error.hint = "The job may have been created, and this server cannot say whether it was: look "
                   "for it with the provider before trying again.";
      error.setting.clear();
      error.hint_kind = HintKind::none;
      error.hint_values.clear();
      return unexpected(std::move(error));
    }
    if (*found) {
      m_sender.log(LogLevel::debug, "  found it: " + (*found)->id);
      return std::move(**found);
    }
    if (attempt >= m_sender.policy().max_retries()) return unexpected(std::move(error));
    auto delay = m_sender.policy().backoff(attempt);
    m_sender.log(LogLevel::debug,
                 "  no such job; sending again in " + std::to_string(delay.count()) + " ms");
    if (!m_sender.clock().sleep_for(delay))
      return unexpected(ErrorCode::interrupted, "Interrupted.");
  }
}

} // namespace sora::detail
