// The Client facade: wires request planning, the sender, submission, polling and downloading
// together, one call per operation.
#include "api/content_fetch.hpp"
#include "api/downloader.hpp"
#include "api/json_codec.hpp"
#include "api/poller.hpp"
#include "api/request_plan.hpp"
#include "api/sender.hpp"
#include "api/submitter.hpp"
#include "transport/curl/curl_transport.hpp"
#include "transport/redact.hpp"
#include "transport/url.hpp"

#include <sora/client.hpp>

#include <set>

namespace sora {

using detail::with_query;

struct Client::Impl {
  ClientConfig config;
  std::shared_ptr<Transport> transport;
  std::shared_ptr<Clock> clock;
  detail::Sender sender;
  detail::Poller poller;
  detail::Submitter submitter;
  detail::ContentFetcher fetcher;

  Impl(ClientConfig c, std::shared_ptr<Transport> t, std::shared_ptr<Clock> k)
      : config(std::move(c)), transport(std::move(t)), clock(std::move(k)),
        sender(config, *transport, *clock), poller(sender),
        submitter(sender, poller, claims_for(config)), fetcher(sender, poller) {}

  // The clients of one batch share its throttle, and with it the claims; a lone client has its own.
  static std::shared_ptr<JobClaims> claims_for(const ClientConfig& config) {
    if (config.throttle)
      return std::shared_ptr<JobClaims>(config.throttle, &config.throttle->claims);
    return std::make_shared<JobClaims>();
  }

  // A 404/405/501 from an optional operation's route is "not supported by this server", unless
  // the 404 is about the video itself (it does not exist): tolerance rule 25.
  Error unsupported_or(Error e, std::string_view operation, std::string_view id) {
    if (!e.suggested_base_url.empty()) return e; // the whole API is missing, not one route
    int s = e.http_status;
    bool missing_route = s == 405 || s == 501;
    if (s == 404) missing_route = id.empty() || poller.retrieve(id, nullptr).has_value();
    if (!missing_route) return e;
    Error u;
    u.code = ErrorCode::unsupported;
    u.http_status = s;
    u.request_id = e.request_id;
    u.video_id = std::string(id);
    u.message = "This server does not support " + std::string(operation) + " (" + config.base_url +
                " answered HTTP " + std::to_string(s) + ": " + e.message + ").";
    u.hint = "Not every server implements every operation; use one that does for this.";
    sender.add_shutdown_hint(u, "");
    return u;
  }

  // Plans, builds and submits a job-starting request.
  Result<Video> submit(Result<RequestPlan> plan, const detail::SameJob& same_job,
                       const std::string& key, const TransferCallback& on_upload = {}) {
    if (!plan) return unexpected(std::move(plan).error());
    auto http = detail::to_http(std::move(*plan));
    if (!http) return unexpected(std::move(http).error());
    http->on_progress = on_upload;
    return submitter.submit(std::move(*http), same_job, key);
  }
};

namespace {

std::shared_ptr<Transport> default_transport(const ClientConfig& config) {
  detail::CurlOptions options;
  options.connect_timeout = config.connect_timeout;
  options.request_timeout = config.request_timeout;
  options.stall_timeout = config.stall_timeout;
  options.cancel = config.cancel;
  options.insecure = config.insecure;
  return detail::make_curl_transport(options);
}

} // namespace

Client::Client(ClientConfig config, std::shared_ptr<Transport> transport,
               std::shared_ptr<Clock> clock) {
  if (!transport) transport = default_transport(config);
  // Secrets the server echoes back are masked in every answer before anything reads it.
  transport = detail::redacting_transport(std::move(transport), Redactor::for_config(config));
  if (!clock) clock = make_system_clock(config.cancel);
  m_impl = std::make_unique<Impl>(std::move(config), std::move(transport), std::move(clock));
}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

const ClientConfig& Client::config() const {
  return m_impl->config;
}

Result<Video> Client::create(const CreateRequest& request, const TransferCallback& on_upload) {
  auto same_job = [&](const Video& v) {
    // Never the model: servers answer with their own name for it (tolerance rule 10).
    return v.prompt == request.prompt &&
           (!request.size || v.size.empty() || v.size == *request.size) &&
           (!request.seconds || v.seconds.empty() || v.seconds == *request.seconds);
  };
  auto created = m_impl->submit(detail::plan_create(m_impl->config, request), same_job,
                                request.idempotency_key, on_upload);
  if (!created) { // rule 30: a sora-2 model that is gone
    Error e = std::move(created).error();
    m_impl->sender.add_shutdown_hint(e, request.model.value_or(""));
    return unexpected(std::move(e));
  }
  return created;
}

Result<Video> Client::remix(std::string_view video_id, std::string_view prompt) {
  return remix(RemixRequest{std::string(video_id), std::string(prompt), {}});
}

Result<Video> Client::remix(const RemixRequest& request) {
  const std::string& id = request.video_id;
  auto same_job = [&](const Video& v) {
    return v.prompt == request.prompt &&
           (!v.remixed_from_video_id || *v.remixed_from_video_id == id);
  };
  auto video = m_impl->submit(detail::plan_remix(m_impl->config, id, request.prompt), same_job,
                              request.idempotency_key);
  if (!video) return unexpected(m_impl->unsupported_or(std::move(video).error(), "remix", id));
  return video;
}

Result<Video> Client::extend(const ExtendRequest& request) {
  // The new job's seconds is the stitched total and it names no source, so the prompt is what
  // identifies it (among jobs created since the request and not claimed by this batch).
  auto same_job = [&](const Video& v) {
    return v.prompt == request.prompt && v.id != request.video_id;
  };
  auto video = m_impl->submit(detail::plan_extend(m_impl->config, request), same_job,
                              request.idempotency_key);
  if (!video) // rule 25: extensions are optional
    return unexpected(m_impl->unsupported_or(std::move(video).error(), "extend", request.video_id));
  return video;
}

Result<Video> Client::edit(const EditRequest& request) {
  auto same_job = [&](const Video& v) {
    return v.prompt == request.prompt && v.id != request.video_id;
  };
  auto video =
      m_impl->submit(detail::plan_edit(m_impl->config, request), same_job, request.idempotency_key);
  if (!video) // rule 25: edits are optional
    return unexpected(m_impl->unsupported_or(std::move(video).error(), "edit", request.video_id));
  return video;
}

Result<RequestPlan> Client::plan_create(const CreateRequest& request) const {
  auto plan = detail::plan_create(m_impl->config, request);
  if (!plan) return plan;
  return detail::redacted(m_impl->config, std::move(*plan));
}

Result<RequestPlan> Client::plan_remix(std::string_view video_id, std::string_view prompt) const {
  return detail::redacted(m_impl->config, detail::plan_remix(m_impl->config, video_id, prompt));
}

Result<RequestPlan> Client::plan_extend(const ExtendRequest& request) const {
  auto plan = detail::plan_extend(m_impl->config, request);
  if (!plan) return plan;
  return detail::redacted(m_impl->config, std::move(*plan));
}

Result<RequestPlan> Client::plan_edit(const EditRequest& request) const {
  auto plan = detail::plan_edit(m_impl->config, request);
  if (!plan) return plan;
  return detail::redacted(m_impl->config, std::move(*plan));
}

Result<Video> Client::retrieve(std::string_view video_id) {
  return m_impl->poller.retrieve(video_id, nullptr);
}

Result<VideoList> Client::list(const ListQuery& query) {
  std::vector<std::pair<std::string, std::string>> params;
  if (query.limit) params.emplace_back("limit", std::to_string(*query.limit));
  if (query.after) params.emplace_back("after", *query.after);
  if (query.order) params.emplace_back("order", *query.order);
  auto& sender = m_impl->sender;
  auto target = with_query(detail::api_url(m_impl->config, "/videos"), params);
  auto response = sender.execute(sender.make_request("GET", target), true);
  if (!response) return unexpected(m_impl->unsupported_or(std::move(response).error(), "list", ""));
  return detail::parse_video_list(response->body);
}

Result<ModelCatalog> Client::video_models() {
  auto& sender = m_impl->sender;
  auto response = sender.execute(
      sender.make_request("GET", detail::api_url(m_impl->config, "/videos/models")), true);
  if (!response)
    return unexpected(m_impl->unsupported_or(std::move(response).error(), "a model list", ""));
  auto catalog = parse_video_models(response->body);
  if (catalog) catalog->base_url = config().base_url;
  return catalog;
}

Result<std::vector<Video>> Client::list_all(const ListQuery& query,
                                            const std::function<void(const VideoList&)>& on_page) {
  std::vector<Video> all;
  std::set<std::string> seen;
  ListQuery page_query = query;
  // Pages follow `after` only while has_more says so (SGLang's {data, object} has none), and stop
  // when a page brings nothing new (servers that ignore `after`): tolerance rule 26.
  for (int page = 0; page < 100'000; ++page) {
    auto list = this->list(page_query);
    if (!list) return unexpected(std::move(list).error());
    std::erase_if(list->data, [&](const Video& v) { return !seen.insert(v.id).second; });
    if (list->data.empty()) break;
    if (on_page) on_page(*list);
    std::optional<std::string> next = list->last_id;
    if (!next || !seen.contains(*next)) next = list->data.back().id;
    for (auto& video : list->data)
      all.push_back(std::move(video));
    if (!list->has_more || next == page_query.after) break;
    page_query.after = next;
  }
  return all;
}

Result<DeletedVideo> Client::remove(std::string_view video_id) {
  auto& sender = m_impl->sender;
  auto target = detail::api_url(m_impl->config, detail::video_path(video_id));
  auto response = sender.execute(sender.make_request("DELETE", target), true);
  if (!response) {
    Error e = std::move(response).error();
    e.video_id = std::string(video_id);
    return unexpected(m_impl->unsupported_or(std::move(e), "delete", video_id));
  }
  return detail::parse_deleted(response->body);
}

Result<Video> Client::wait(std::string_view video_id, const WaitOptions& options) {
  return m_impl->poller.wait(video_id, options);
}

Result<DownloadResult> Client::download(std::string_view video_id, const DownloadRequest& request) {
  return detail::download_to_path(m_impl->fetcher, video_id, request);
}

Result<std::uint64_t>
Client::download_to(std::string_view video_id, Variant variant,
                    const std::function<Result<void>(std::span<const char>)>& sink_fn,
                    const TransferCallback& on_progress) {
  return detail::download_to_stream(m_impl->fetcher, video_id, variant, sink_fn, on_progress);
}

bool is_http_url(std::string_view url) noexcept {
  detail::UrlParts parts;
  return detail::parse_url(url, parts);
}

bool is_plain_http_url(std::string_view url) noexcept {
  detail::UrlParts parts;
  return detail::parse_url(url, parts) && parts.scheme == "http";
}

bool is_loopback_url(std::string_view url) noexcept {
  detail::UrlParts parts;
  return detail::parse_url(url, parts) && detail::is_loopback_host(parts.host);
}

std::string_view version() noexcept {
  return SORA_VERSION;
}

} // namespace sora
