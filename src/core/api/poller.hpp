// Polling: reading a job (at the polling URL a server handed out, rule 19) and waiting until it
// is terminal, at intervals the server may set (rule 18).
#pragma once

#include "api/sender.hpp"

#include <map>
#include <string>

namespace sora::detail {

class Poller {
public:
  explicit Poller(Sender& sender) : m_sender(sender) {}

  /// `GET /videos/{id}` (or its polling URL); the answer's headers go to `response_headers`.
  Result<Video> retrieve(std::string_view id, Headers* response_headers = nullptr);
  /// Keeps a job's `polling_url`/`status_url` for later polls when it is on the base origin.
  void remember_poll_url(const Video& video);
  /// Polls until the job is terminal (see Client::wait).
  Result<Video> wait(std::string_view id, const WaitOptions& options);

private:
  // How long until the next poll: the server's hint, else the backoff (which then grows).
  std::chrono::milliseconds next_delay(const Headers& headers, const PollIntervals& intervals,
                                       std::chrono::milliseconds& backoff);

  Sender& m_sender;
  std::map<std::string, std::string> m_poll_urls; // video id -> polling URL
};

} // namespace sora::detail
