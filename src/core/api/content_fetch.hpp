// Fetching a finished job's file: one GET streamed to a sink (resumed with Range, redirects
// followed, credentials only to the base origin), and the result-location fallback chain of
// tolerance rule 20 (/content, URLs in a JSON answer or on the job, inline base64).
#pragma once

#include "api/poller.hpp"
#include "api/sender.hpp"

#include <functional>
#include <optional>
#include <span>
#include <string>

namespace sora::detail {

/// How the bytes about to be written relate to what the sink already holds.
struct ContentStart {
  std::uint64_t offset = 0;           ///< the first byte's position in the file
  bool restart = false;               ///< drop whatever the sink holds first
  std::optional<std::uint64_t> total; ///< the whole file's size, when the server says
  std::string etag;                   ///< the server's validators, when it gives them
  std::string last_modified;
};

/// Where the bytes go: a .part file or a caller's stream.
struct ContentSink {
  std::function<Result<void>(const ContentStart&)> begin;
  std::function<Result<void>(std::span<const char>)> write;
};

/// One download's state, read and updated as the fetch goes.
struct ContentFetch {
  std::string id;
  Variant variant = Variant::video;
  TransferCallback on_progress;
  std::uint64_t offset = 0; ///< bytes the sink already holds (resume from here)
  /// When resuming: the validator to send as If-Range (an ETag or a Last-Modified date), and the
  /// size the file had, so a changed file is started over instead of spliced.
  std::string if_range;
  std::optional<std::uint64_t> expected_total;
  // Filled in by the fetch:
  std::uint64_t resumed_from = 0;
  std::string content_type;
  std::string restarted_reason;        ///< why the sink's earlier bytes were dropped, if they were
  std::optional<double> reported_cost; ///< the job's cost, when the fetch read the job
};

class ContentFetcher {
public:
  ContentFetcher(Sender& sender, Poller& poller) : m_sender(sender), m_poller(poller) {}
  /// Streams the file of `state.id` to `sink`; returns the file's size.
  Result<std::uint64_t> fetch(ContentFetch& state, const ContentSink& sink);

  /// What one GET of a file gave: the bytes (written to the sink), or, when the caller can look
  /// elsewhere, the answer that sends it there (a 404/405/501, or JSON instead of media).
  struct Fetched {
    std::optional<std::uint64_t> bytes;
    Error error;
    std::string json;
  };
  Result<Fetched> fetch_url(ContentFetch& state, std::string target, const ContentSink& sink,
                            bool fallback);

private:
  class Transfer;
  struct Next;
  Next after_transfer(ContentFetch& state, Transfer& transfer, Result<HttpResponse> response,
                      std::string& target, bool fallback, int& redirects);
  Result<std::uint64_t> from_locations(ContentFetch& state, const ContentSink& sink,
                                       const std::string& first_json, Error error,
                                       const Video& job);
  Result<std::uint64_t> retry_not_ready(ContentFetch& state, const ContentSink& sink,
                                        const std::string& target, Error error);
  Result<std::uint64_t> write_base64(ContentFetch& state, std::string_view text,
                                     const ContentSink& sink);
  void explain_missing_content(std::string_view id, Error& error);
  bool explain_missing_content(const Video& video, Error& error);

  Sender& m_sender;
  Poller& m_poller;
};

} // namespace sora::detail
