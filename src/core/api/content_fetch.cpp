// One GET of a file streamed to a sink, and the result-location fallback chain (tolerance rules
// 20-23): the first bytes are checked against the variant before the sink starts, a 200 to a
// Range request starts over, redirects are followed without credentials to other origins.
#include "api/content_fetch.hpp"

#include "api/http_error.hpp"
#include "api/json_codec.hpp"
#include "api/media_check.hpp"
#include "api/request_plan.hpp"
#include "common/base64.hpp"
#include "common/text.hpp"
#include "transport/url.hpp"

#include <cstdlib>
#include <ctime>

namespace sora::detail {

namespace {

// /content that 404s right after success is asked again this often (1 s, 2 s, 4 s; rule 21).
constexpr int k_content_not_ready_retries = 3;
// A JSON answer where media was expected is read whole (it may hold the file as base64).
constexpr std::size_t k_max_json_answer = 256u << 20;

bool is_success(int status) {
  return status >= 200 && status < 300;
}

// "bytes 400-999/1000" -> 400 and 1000 (nullopt when not given).
std::uint64_t range_start(const std::string& range) {
  auto space = range.find(' ');
  return space != std::string::npos ? std::strtoull(range.c_str() + space + 1, nullptr, 10) : 0;
}
std::optional<std::uint64_t> range_total(const std::string& range) {
  auto slash = range.find('/');
  if (slash == std::string::npos || slash + 1 >= range.size() || range[slash + 1] == '*')
    return std::nullopt;
  return std::strtoull(range.c_str() + slash + 1, nullptr, 10);
}

} // namespace

// The state of one attempt: the head, the first bytes held back until they show the media
// matches the variant (so a JSON answer never truncates an earlier .part), and what came instead.
class ContentFetcher::Transfer {
public:
  Transfer(Sender& sender, ContentFetch& state, const ContentSink& sink, std::uint64_t& offset,
           bool fallback)
      : m_sender(sender), m_state(state), m_sink(sink), m_offset(offset), m_fallback(fallback) {}

  HttpResponse head;
  std::string other_body; // an error answer, or JSON where media was expected
  bool json_answer = false;
  bool streaming = false;
  bool checked_magic = false;
  bool stale = false; // a 206 for a file of another size than the .part's
  std::optional<std::uint64_t> expected_total;

  StreamHandler handler() {
    StreamHandler h;
    h.on_head = [this](const HttpResponse& r) { return on_head(r); };
    h.on_data = [this](std::span<const char> chunk) { return on_data(chunk); };
    return h;
  }

  Result<void> flush_pending() {
    checked_magic = true;
    if (!matches_variant(m_state.variant, m_pending)) {
      if (m_fallback && starts_like_json(m_pending)) {
        json_answer = true;
        streaming = false;
        other_body = std::move(m_pending);
        m_pending.clear();
        return {};
      }
      return unexpected(variant_mismatch(m_state.id, m_state.variant, m_pending));
    }
    if (auto ok = begin(0, true); !ok) return ok;
    m_offset += m_pending.size();
    m_state.offset += m_pending.size();
    auto ok = m_sink.write(m_pending);
    m_pending.clear();
    return ok;
  }

private:
  Result<void> begin(std::uint64_t offset, bool restart) {
    m_start.offset = offset;
    m_start.restart = restart;
    m_state.offset = offset; // what the sink holds from now on
    return m_sink.begin(m_start);
  }

  // A 206 to the Range request: at the right byte, and of the file the .part was.
  Result<void> check_resumed(const HttpResponse& h) {
    auto range = find_header(h.headers, "content-range").value_or("");
    if (range_start(range) != m_offset)
      return unexpected(ErrorCode::protocol, "The server resumed at the wrong byte (" + range +
                                                 ", expected " + std::to_string(m_offset) + ").");
    auto total = range_total(range);
    if (total && m_state.expected_total && *total != *m_state.expected_total) stale = true;
    m_start.total = total;
    checked_magic = true; // the start of the file was checked by the run that wrote it
    return {};
  }

  Result<void> on_head(const HttpResponse& h) {
    head = h;
    if (!is_success(h.status)) return {};
    std::string type = find_header(h.headers, "content-type").value_or("");
    if (m_fallback && ascii_lower(type).find("json") != std::string::npos) {
      json_answer = true; // metadata instead of bytes (rule 20)
      return {};
    }
    m_state.content_type = type;
    m_start.etag = find_header(h.headers, "etag").value_or("");
    m_start.last_modified = find_header(h.headers, "last-modified").value_or("");
    auto length = find_header(h.headers, "content-length");
    std::optional<std::uint64_t> body_length;
    if (length) body_length = std::strtoull(length->c_str(), nullptr, 10);
    if (h.status == 206 && m_offset > 0) {
      if (auto ok = check_resumed(h); !ok) return ok;
      if (stale) return {};
    } else {
      if (m_offset > 0) {
        m_sender.log(LogLevel::debug, "  the server ignored Range: starting over");
        m_state.restarted_reason = "the server sent the whole file again instead of the rest";
      }
      m_offset = 0; // a 200 to a Range request means the whole file again (rule 23)
      m_state.resumed_from = 0;
    }
    if (body_length) expected_total = m_offset + *body_length;
    if (!m_start.total) m_start.total = expected_total;
    streaming = true;
    return checked_magic ? begin(m_offset, false) : Result<void>{};
  }

  Result<void> on_data(std::span<const char> chunk) {
    if (!streaming) {
      std::size_t cap = json_answer ? k_max_json_answer : 65536;
      if (other_body.size() < cap) other_body.append(chunk.data(), chunk.size());
      return {};
    }
    if (!checked_magic) {
      m_pending.append(chunk.data(), chunk.size());
      return m_pending.size() < 16 ? Result<void>{} : flush_pending();
    }
    m_offset += chunk.size();
    m_state.offset += chunk.size();
    return m_sink.write(chunk);
  }

  Sender& m_sender;
  ContentFetch& m_state;
  const ContentSink& m_sink;
  std::uint64_t& m_offset;
  bool m_fallback;
  std::string m_pending;
  ContentStart m_start;
};

// What to do after one attempt: return this, go again at once (a redirect, a restart), or judge
// `error` by the retry policy.
struct ContentFetcher::Next {
  std::optional<Result<Fetched>> done;
  bool again = false;
  bool counts = true;   // whether going again counts as a retry
  bool restart = false; // drop what the sink holds before going again
  Error error;
};

ContentFetcher::Next ContentFetcher::after_transfer(ContentFetch& state, Transfer& t,
                                                    Result<HttpResponse> response,
                                                    std::string& target, bool fallback,
                                                    int& redirects) {
  Next next;
  if (!response) {
    next.error = std::move(response).error();
    if (next.error.code != ErrorCode::network && next.error.code != ErrorCode::timeout)
      next.done = unexpected(std::move(next.error));
    return next;
  }
  int s = response->status;
  if (t.json_answer && is_success(s)) {
    Fetched f;
    f.error.code = ErrorCode::protocol;
    f.error.http_status = s;
    f.error.video_id = state.id;
    f.error.message = "The server answered " + target + " with JSON instead of the file.";
    f.json = std::move(t.other_body);
    next.done = std::move(f);
    return next;
  }
  if (t.stale) { // the file on the server is not the one the .part holds
    state.restarted_reason = "the file on the server is not the one the .part was part of";
    next.again = next.restart = true;
    next.counts = false;
    return next;
  }
  if (is_success(s) && t.expected_total && state.offset != *t.expected_total) {
    next.error.code = ErrorCode::network;
    next.error.message = "The download ended early: " + std::to_string(state.offset) + " of " +
                         std::to_string(*t.expected_total) + " bytes.";
    next.error.hint = "Run the same command again to resume.";
    return next;
  }
  if (is_success(s)) {
    Fetched f;
    f.bytes = state.offset;
    next.done = std::move(f);
    return next;
  }
  HttpResponse full = t.head;
  full.body = t.other_body;
  next.error = error_from_response(full, m_sender.clock().unix_seconds());
  next.error.video_id = state.id;
  auto location = find_header(t.head.headers, "location");
  if (s >= 300 && s < 400 && location && redirects < 5) {
    target = resolve_url(target, *location);
    m_sender.log(LogLevel::debug, "  redirected to " + target);
    ++redirects;
    next.again = true;
    next.counts = false; // following a redirect is not a retry
    return next;
  }
  if (fallback && (s == 404 || s == 405 || s == 501)) {
    Fetched f;
    f.error = std::move(next.error);
    next.done = std::move(f);
    return next;
  }
  if (fallback && (next.error.code == ErrorCode::not_found || next.error.code == ErrorCode::http))
    explain_missing_content(state.id, next.error);
  if (s == 416 && state.offset > 0) { // stale .part: start over once
    state.restarted_reason = "the .part is longer than the file on the server";
    next.again = next.restart = true;
  }
  return next;
}

Result<ContentFetcher::Fetched> ContentFetcher::fetch_url(ContentFetch& state, std::string target,
                                                          const ContentSink& sink, bool fallback) {
  state.resumed_from = state.offset;
  int redirects = 0;
  for (int attempt = 0;; ++attempt) {
    std::uint64_t offset = state.offset; // what the sink holds: resume from there
    if (m_sender.cancelled()) return unexpected(ErrorCode::interrupted, "Interrupted.");
    HttpRequest request = m_sender.make_request("GET", target, "application/binary");
    if (offset > 0) {
      request.headers.push_back({"Range", "bytes=" + std::to_string(offset) + "-"});
      if (!state.if_range.empty()) request.headers.push_back({"If-Range", state.if_range});
    }
    std::uint64_t base = offset;
    request.on_progress = [&](const TransferProgress& p) {
      if (!state.on_progress) return;
      TransferProgress shifted = p;
      shifted.downloaded += base;
      if (p.download_total) shifted.download_total += base;
      state.on_progress(shifted);
    };
    m_sender.log(LogLevel::debug,
                 "GET " + target + (offset ? " (from byte " + std::to_string(offset) + ")" : ""));
    Transfer transfer(m_sender, state, sink, offset, fallback);
    if (!m_sender.await_throttle()) return unexpected(ErrorCode::interrupted, "Interrupted.");
    auto response = m_sender.transport().send(request, transfer.handler());
    if (response && transfer.streaming && !transfer.checked_magic) // shorter than the window
      if (auto ok = transfer.flush_pending(); !ok) return unexpected(ok.error());
    auto next = after_transfer(state, transfer, std::move(response), target, fallback, redirects);
    if (next.done) return std::move(*next.done);
    if (next.restart) {
      state.offset = 0;
      ContentStart restart;
      restart.restart = true;
      if (auto ok = sink.begin(restart); !ok) return unexpected(ok.error());
    }
    if (next.again) {
      if (!next.counts) --attempt;
      continue;
    }
    auto decision = m_sender.policy().after_failure(next.error, nullptr, attempt, true);
    if (!decision.delay) {
      if (!decision.hint.empty()) next.error.hint = decision.hint;
      return unexpected(std::move(next.error));
    }
    m_sender.log(LogLevel::debug, "  " + next.error.message + " Resuming in " +
                                      std::to_string(decision.delay->count()) + " ms");
    if (!m_sender.clock().sleep_for(*decision.delay))
      return unexpected(ErrorCode::interrupted, "Interrupted.");
  }
}

Result<std::uint64_t> ContentFetcher::write_base64(ContentFetch& state, std::string_view text,
                                                   const ContentSink& sink) {
  constexpr std::size_t k_piece = 256 * 1024; // a multiple of 4: pieces decode independently
  Base64Decoder decoder;
  std::string out;
  bool begun = false;
  std::uint64_t total = 0;
  auto emit = [&](bool last) -> Result<void> {
    if (!begun) {
      if (out.size() < 16 && !last) return {};
      if (!matches_variant(state.variant, out))
        return unexpected(variant_mismatch(state.id, state.variant, out));
      ContentStart start;
      start.restart = true;
      state.offset = 0;
      if (auto ok = sink.begin(start); !ok) return ok;
      begun = true;
    }
    total += out.size();
    auto ok = sink.write(out);
    out.clear();
    return ok;
  };
  auto bad = [&] {
    return unexpected(ErrorCode::protocol,
                      "The server sent the file of " + state.id + " as invalid base64.",
                      "Report it to the server's operator.");
  };
  for (std::size_t at = 0; at < text.size(); at += k_piece) {
    if (!decoder.feed(text.substr(at, k_piece), out)) return bad();
    if (auto ok = emit(false); !ok) return unexpected(ok.error());
  }
  if (!decoder.finish(out)) return bad();
  if (auto ok = emit(true); !ok) return unexpected(ok.error());
  m_sender.log(LogLevel::debug, "  decoded " + std::to_string(total) + " bytes of inline base64");
  return total;
}

// Says why content is missing when the job tells: not finished yet (servers answer 400 or 404
// then, rule 21), or past its expires_at (reported as expired, with the time).
void ContentFetcher::explain_missing_content(std::string_view id, Error& error) {
  auto video = m_poller.retrieve(id, nullptr);
  if (video) explain_missing_content(*video, error);
}

bool ContentFetcher::explain_missing_content(const Video& video, Error& error) {
  const std::string& id = video.id;
  if (!is_terminal(video.status)) {
    error.message = "Video " + id + " is not finished yet (" +
                    std::string(to_string(video.status)) + ", " + std::to_string(video.progress) +
                    "%); the server said: " + error.message;
    error.hint = "Wait for it to finish first.";
    error.setting.clear();
    error.hint_kind = HintKind::wait_for_job;
    error.hint_values = {id};
    return true;
  }
  if (!video.expires_at || *video.expires_at > m_sender.clock().unix_seconds()) return false;
  std::time_t t = static_cast<std::time_t>(*video.expires_at);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
  error.code = ErrorCode::not_found;
  error.message = "The files of video " + id + " expired at " + when + ".";
  error.hint = "Servers keep the files for a limited time after a video is finished; create it "
               "again, and download right away.";
  error.setting.clear();
  error.hint_kind = HintKind::create_again;
  error.hint_values.clear();
  return true;
}

// A 404 right after success: some servers move the file into place a moment later (rule 21).
Result<std::uint64_t> ContentFetcher::retry_not_ready(ContentFetch& state, const ContentSink& sink,
                                                      const std::string& target, Error error) {
  for (int i = 0; i < k_content_not_ready_retries && error.http_status == 404; ++i) {
    std::chrono::milliseconds delay{1000 << i};
    m_sender.log(LogLevel::debug, "  the file is not there yet; asking again in " +
                                      std::to_string(delay.count()) + " ms");
    if (!m_sender.clock().sleep_for(delay))
      return unexpected(ErrorCode::interrupted, "Interrupted.");
    auto again = fetch_url(state, target, sink, true);
    if (!again) return unexpected(std::move(again).error());
    if (again->bytes) return *again->bytes;
    error = std::move(again->error);
    if (!again->json.empty()) break;
  }
  error.message = "Video " + state.id + " is completed but the server has no file for it (" +
                  error.message + ").";
  error.hint = "The server names no result URL either; try again later, or ask its operator.";
  return unexpected(std::move(error));
}

// The URLs (or data: URLs) named by the JSON answer and the job, in order, then inline base64.
Result<std::uint64_t> ContentFetcher::from_locations(ContentFetch& state, const ContentSink& sink,
                                                     const std::string& first_json, Error error,
                                                     const Video& job) {
  auto located = find_result_locations(first_json);
  auto on_job = find_result_locations(job.raw_json);
  located.urls.insert(located.urls.end(), on_job.urls.begin(), on_job.urls.end());
  if (!located.b64_json) located.b64_json = std::move(on_job.b64_json);
  Error last = std::move(error);
  for (std::size_t i = 0; i < located.urls.size(); ++i) {
    const std::string& location = located.urls[i];
    Result<std::uint64_t> got = unexpected(ErrorCode::internal, "unreachable");
    if (ascii_lower(std::string_view(location).substr(0, 5)) == "data:") {
      auto comma = location.find(',');
      if (comma == std::string::npos ||
          ascii_lower(location.substr(0, comma)).find(";base64") == std::string::npos)
        got = unexpected(ErrorCode::protocol,
                         "The server's data: URL for " + state.id + " is not base64-encoded.");
      else
        got = write_base64(state, std::string_view(location).substr(comma + 1), sink);
    } else {
      std::string where = m_sender.resolve_against_base(location);
      m_sender.log(LogLevel::debug,
                   "  the file is at " + where +
                       (m_sender.same_origin(where) ? "" : " (another origin: no credentials)"));
      auto fetched = fetch_url(state, where, sink, false);
      if (fetched && fetched->bytes) return *fetched->bytes;
      got = fetched ? unexpected(std::move(fetched->error)) : unexpected(fetched.error());
    }
    if (got) return got;
    last = got.error();
    bool more = i + 1 < located.urls.size() || located.b64_json;
    bool try_next = last.code == ErrorCode::not_found || last.code == ErrorCode::forbidden ||
                    last.code == ErrorCode::unauthorized || last.code == ErrorCode::http ||
                    last.code == ErrorCode::protocol;
    if (!more || !try_next) return unexpected(std::move(last));
    m_sender.log(LogLevel::debug, "  " + last.message + " Trying the next location.");
  }
  return write_base64(state, *located.b64_json, sink);
}

Result<std::uint64_t> ContentFetcher::fetch(ContentFetch& state, const ContentSink& sink) {
  std::string target = api_url(m_sender.config(), video_path(state.id, "/content"));
  if (state.variant != Variant::video) // the default is not sent: many servers ignore it
    target = with_query(target, {{"variant", std::string(to_string(state.variant))}});
  auto first = fetch_url(state, target, sink, true);
  if (!first) return unexpected(std::move(first).error());
  if (first->bytes) return *first->bytes;

  Error error = std::move(first->error);
  auto job = m_poller.retrieve(state.id, nullptr);
  if (!job) return unexpected(std::move(error)); // e.g. no such video: what /content said
  state.reported_cost = job->cost;
  if (explain_missing_content(*job, error)) return unexpected(std::move(error));
  if (job->status != VideoStatus::completed) return unexpected(error_from_job(*job));

  auto located = find_result_locations(first->json);
  auto on_job = find_result_locations(job->raw_json);
  if (located.urls.empty() && on_job.urls.empty() && !located.b64_json && !on_job.b64_json) {
    if (!first->json.empty()) {
      error.hint = "Neither that answer nor the job says where the file is; report it to the "
                   "server's operator.";
      return unexpected(std::move(error));
    }
    return retry_not_ready(state, sink, target, std::move(error));
  }
  return from_locations(state, sink, first->json, std::move(error), *job);
}

} // namespace sora::detail
