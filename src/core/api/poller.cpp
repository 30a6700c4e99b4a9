// The wait loop (tolerance rules 18, 19): poll, report, back off or follow the server's hint.
#include "api/poller.hpp"

#include "api/http_error.hpp"
#include "api/json_codec.hpp"
#include "api/request_plan.hpp"
#include "transport/retry.hpp"

#include <algorithm>
#include <cstdlib>

namespace sora::detail {

namespace {

using std::chrono::milliseconds;

milliseconds since(Clock::time_point start, Clock::time_point now) {
  return std::chrono::duration_cast<milliseconds>(now - start);
}

Error still_running(const Video& video, milliseconds waited_ms) {
  Error e;
  e.code = ErrorCode::wait_timeout;
  e.video_id = video.id;
  auto waited = (waited_ms.count() + 999) / 1000;
  e.message = "Video " + video.id + " is still " + std::string(to_string(video.status)) + " (" +
              std::to_string(video.progress) + "%) after waiting " + std::to_string(waited) + " s.";
  e.hint = "The job keeps running on the server; nothing was cancelled.";
  return e;
}

Error interrupted_waiting(const Video& video) {
  Error e;
  e.code = ErrorCode::interrupted;
  e.video_id = video.id;
  e.message = "Interrupted while waiting for video " + video.id + ".";
  e.hint = "The job keeps running on the server.";
  return e;
}

} // namespace

Result<Video> Poller::retrieve(std::string_view id, Headers* response_headers) {
  auto known = m_poll_urls.find(std::string(id));
  std::string target =
      known != m_poll_urls.end() ? known->second : api_url(m_sender.config(), video_path(id));
  auto response = m_sender.execute(m_sender.make_request("GET", target), true, true);
  if (!response) {
    Error e = std::move(response).error();
    if (e.video_id.empty()) e.video_id = std::string(id);
    return unexpected(std::move(e));
  }
  if (response_headers) *response_headers = response->headers;
  auto video = parse_video(response->body);
  if (video) remember_poll_url(*video);
  return video;
}

void Poller::remember_poll_url(const Video& v) {
  for (const char* key : {"polling_url", "status_url"}) {
    auto it = v.extra.find(key);
    if (it == v.extra.end()) continue;
    auto text = json_string_value(it->second);
    if (!text || text->empty()) continue;
    std::string target = m_sender.resolve_against_base(*text);
    if (m_sender.same_origin(target)) {
      m_poll_urls[v.id] = target;
      return;
    }
    m_sender.log(LogLevel::debug,
                 "  ignoring " + std::string(key) + " on another origin: " + target);
  }
}

milliseconds Poller::next_delay(const Headers& headers, const PollIntervals& intervals,
                                milliseconds& backoff) {
  // The server's hint wins (openai-poll-after-ms, else Retry-After: rule 18); otherwise back off
  // from the first interval to the longest.
  std::optional<milliseconds> hint;
  if (auto header = find_header(headers, "openai-poll-after-ms")) {
    char* end = nullptr;
    long long ms = std::strtoll(header->c_str(), &end, 10);
    if (end != header->c_str()) hint = milliseconds(ms);
  }
  if (!hint) hint = server_retry_delay(headers, m_sender.clock().unix_seconds());
  if (hint) return std::clamp(*hint, intervals.min, intervals.max_server);
  auto delay = std::clamp(backoff, intervals.min, intervals.max);
  backoff = std::min(intervals.max, backoff * 3 / 2);
  return delay;
}

Result<Video> Poller::wait(std::string_view id, const WaitOptions& options) {
  auto& clock = m_sender.clock();
  auto started = clock.now();
  auto deadline = started + options.timeout;
  auto backoff = options.intervals.first;
  for (int poll = 1;; ++poll) {
    Headers headers;
    auto video = retrieve(id, &headers);
    if (!video) return video;
    auto now = clock.now();
    bool done = is_terminal(video->status);
    milliseconds delay{0};
    if (!done) delay = next_delay(headers, options.intervals, backoff);
    if (options.on_poll) options.on_poll(JobProgress{*video, poll, since(started, now), delay});
    if (video->status == VideoStatus::completed) return video;
    if (done) return unexpected(error_from_job(*video));
    if (now + delay > deadline) return unexpected(still_running(*video, since(started, now)));
    if (!clock.sleep_for(delay)) return unexpected(interrupted_waiting(*video));
  }
}

} // namespace sora::detail
