// The Sora Videos API client: one object per endpoint configuration, one call per operation.
#pragma once

#include <sora/clock.hpp>
#include <sora/models.hpp>
#include <sora/result.hpp>
#include <sora/transport.hpp>
#include <sora/video.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sora {

inline constexpr std::string_view k_default_base_url = "https://api.openai.com/v1";

/// The jobs created by the clients that share it: a reconcile (a create whose answer was lost,
/// matched against the server's recent jobs) never mistakes one of them for the lost one, even
/// when a batch holds the same prompt twice. Thread-safe.
class JobClaims {
public:
  /// Records `id` as created here.
  void claim(const std::string& id) {
    std::lock_guard lock(m_mutex);
    m_ids.insert(id);
  }
  bool claimed(const std::string& id) const {
    std::lock_guard lock(m_mutex);
    return m_ids.contains(id);
  }

private:
  mutable std::mutex m_mutex;
  std::set<std::string> m_ids;
};

/// Shared by several Clients (a batch) so that a rate limit seen by one slows all of them, so
/// their requests can be counted, and so they share one set of JobClaims. Thread-safe.
class Throttle {
public:
  using time_point = std::chrono::steady_clock::time_point;
  /// No request starts before `until` (a later call never shortens an earlier hold).
  void hold_until(time_point until) {
    std::lock_guard lock(m_mutex);
    if (until > m_until) m_until = until;
  }
  time_point ready_at() const {
    std::lock_guard lock(m_mutex);
    return m_until;
  }
  std::atomic<std::uint64_t> requests{0}; ///< HTTP requests sent through it
  JobClaims claims;                       ///< jobs created by the clients sharing this throttle

private:
  mutable std::mutex m_mutex;
  time_point m_until{};
};

/// How the API key is presented to the server.
enum class AuthScheme {
  bearer, ///< Authorization: Bearer KEY
  header, ///< AUTH_HEADER: KEY (e.g. api-key for Azure)
  raw,    ///< Authorization: KEY
  key,    ///< Authorization: Key KEY
  none,   ///< no credentials sent
};

/// How a create request is encoded.
enum class Encoding { automatic, multipart, json };

/// How an image reference (a URL, or a local file sent as a data: URL) appears in a create
/// request when it is not a multipart file part (tolerance rule 6). A local file in a multipart
/// request is always a file part named RequestStyle::image_field.
enum class ImageShape {
  object,            ///< `{"image_url": URL}` (OpenAI)
  url,               ///< the URL as a plain string (SGLang, new-api)
  openrouter_frames, ///< `[{"type":"image_url","image_url":{"url":URL},"frame_type":"first_frame"}]`
  together_frames,   ///< `[{"input_image": URL, "frame": "first"}]`
};
/// "object", "url", "openrouter-frames", "together-frames".
std::string_view to_string(ImageShape shape) noexcept;
std::optional<ImageShape> parse_image_shape(std::string_view text) noexcept;
/// "auto", "multipart", "json".
std::string_view to_string(Encoding encoding) noexcept;
std::optional<Encoding> parse_encoding(std::string_view text) noexcept;

/// How the duration is sent (tolerance rule 9).
enum class DurationType { string, integer };

/// How a server wants its create requests shaped (tolerance rules 3, 5, 6, 9, 10). The defaults
/// are OpenAI's.
struct RequestStyle {
  Headers headers; ///< sent with every request (replacing a built-in header of the same name)
  std::vector<std::pair<std::string, std::string>> query; ///< added to every request's URL
  Encoding encoding = Encoding::automatic; ///< automatic: multipart with an image file, else JSON
  std::string image_field = "input_reference"; ///< file part, or member holding the image URL
  /// Member holding an image URL when the request is multipart (vLLM-Omni: "image_reference");
  /// empty: image_field.
  std::string image_url_field;
  ImageShape image_shape = ImageShape::object;
  std::string duration_field = "seconds";
  DurationType duration_type = DurationType::string;
  bool send_model = true; ///< false: `model` is never sent (vLLM-Omni rejects a wrong one)
  /// True: the size "WxH" is sent as the integer members `width` and `height` (Together), not
  /// as `size`.
  bool size_as_width_height = false;
  /// Non-empty: the image members (image_field, portable.references) are sent inside one JSON
  /// object member of this name (Together: `media`), not at the top level.
  std::string media_field;
  /// True: OpenAI's models, sizes and durations are enforced before sending (the openai profile);
  /// false: mismatches are only warnings (tolerance rule 8).
  bool openai_enums = true;
  /// The members that carry the portable create options (CreateRequest::aspect_ratio …); an
  /// empty name means the server has no way to express that option.
  struct Portable {
    std::string aspect_ratio;    ///< OpenRouter "aspect_ratio", Together "ratio"
    std::string resolution;      ///< "resolution"
    std::string audio;           ///< "generate_audio" (a boolean)
    std::string seed;            ///< "seed" (an integer)
    std::string negative_prompt; ///< "negative_prompt"
    /// Reference images: OpenRouter "input_references" (image_url objects), Together
    /// "reference_images" (URL strings). JSON only.
    std::string references;
    /// True when the image shape has a last frame (openrouter-frames, together-frames).
    bool last_frame = false;
  } portable;
};

enum class LogLevel { debug, trace };
/// Receives diagnostic lines (requests, statuses, redacted headers). Never contains the key.
using LogCallback = std::function<void(LogLevel, std::string_view)>;

/// Everything a Client needs; the CLI resolves flags, environment and files into one of these.
struct ClientConfig {
  std::string base_url{k_default_base_url}; ///< opaque prefix; "/videos…" is appended
  std::string api_key;
  AuthScheme auth = AuthScheme::bearer;
  std::string auth_header; ///< header name for AuthScheme::header
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{600'000}; ///< one whole request
  std::chrono::milliseconds stall_timeout{60'000};    ///< no bytes moving for this long
  int max_retries = 3;                                ///< extra attempts after the first
  std::string user_agent;                             ///< empty: "sora/VERSION"
  bool insecure = false; ///< skip TLS certificate verification (never the default)
  const std::atomic<bool>* cancel = nullptr; ///< set to true to stop (SIGINT)
  LogCallback log;                           ///< optional diagnostics
  std::shared_ptr<Throttle> throttle;        ///< optional, shared by several clients
  RequestStyle style;                        ///< the server's request shape (see profile.hpp)
};

/// An extra member of a create request (`--field`, `--field-json`, tolerance rule 7).
struct ExtraField {
  std::string name;
  std::string value; ///< text, or JSON text when `json`
  bool json = false; ///< multipart sends the JSON text (a string's text) as the part
};

/// `POST /videos`. Unset optional fields are not sent (the server's defaults apply).
struct CreateRequest {
  std::string prompt;
  std::optional<std::string> model;
  std::optional<std::string> seconds; ///< sent as RequestStyle::duration_field
  std::optional<std::string> size;
  /// A local image: a multipart file part, or (JSON encoding) a data: URL streamed from disk.
  std::optional<std::filesystem::path> image;
  Encoding encoding = Encoding::automatic; ///< automatic: RequestStyle::encoding decides
  /// A remote http(s) or data: URL of the image, sent in RequestStyle::image_shape. Not with
  /// `image`.
  std::optional<std::string> image_url;
  /// Added after the built-in members (multipart: JSON values as JSON text, a JSON string as its
  /// text); one named like a built-in member (prompt, model, the
  /// duration field, size, the image field) replaces it in place, and a later one replaces an
  /// earlier one of the same name.
  std::vector<ExtraField> fields;
  /// Sent as the Idempotency-Key header on every attempt; empty: a fresh random key. A caller that
  /// records the key before sending (the write-ahead journal) can resend with the same key later.
  std::string idempotency_key = {};
  // Portable options (RequestStyle::portable says how each is sent; a profile that has no member
  // for one fails with invalid_argument before sending). Unset: not sent.
  std::optional<std::string> aspect_ratio = {}; ///< e.g. "16:9"
  std::optional<std::string> resolution = {};   ///< e.g. "1080p"
  /// The frame the video ends on (a local image, embedded as a data: URL, or an http(s)/data:
  /// URL when `last_frame_url`).
  std::optional<std::filesystem::path> last_frame = {};
  std::optional<std::string> last_frame_url = {};
  std::vector<std::filesystem::path> references = {}; ///< reference images (not first frames)
  std::vector<std::string> reference_urls = {};       ///< the same, by URL
  std::optional<bool> audio = {};                     ///< generate an audio track
  /// The prompt describes the sound (an audio part). Not sent itself: the CLI then asks for an
  /// audio track where the profile has the switch and `audio` is unset.
  bool audio_described = false;
  std::optional<long long> seed = {};
  std::optional<std::string> negative_prompt = {};
};

/// `POST /videos/extensions`: continues a finished video with a new segment. The answer is a new
/// job whose `seconds` is the stitched total.
struct ExtendRequest {
  std::string video_id;             ///< the finished video to continue
  std::string prompt;               ///< what happens next (1-32000 characters)
  std::string seconds;              ///< length of the new segment: "4", "8", "12", "16" or "20"
  std::string idempotency_key = {}; ///< as CreateRequest::idempotency_key
};

/// `POST /videos/edits`: a new job that changes a finished video (model, size and duration are
/// the source's).
struct EditRequest {
  std::string video_id;             ///< the finished video to change
  std::string prompt;               ///< how to change it (1-32000 characters)
  std::string idempotency_key = {}; ///< as CreateRequest::idempotency_key
};

/// `POST /videos/{id}/remix`: a new job that changes a finished video.
struct RemixRequest {
  std::string video_id;             ///< the finished video to change
  std::string prompt;               ///< the new prompt (1-32000 characters)
  std::string idempotency_key = {}; ///< as CreateRequest::idempotency_key
};

/// One member of a request body as it will be sent.
struct PlannedField {
  std::string name;
  /// Multipart: the part's text (a file part: the file's name). JSON: the member's value as JSON
  /// text (`"4"`, `4`, `{…}`); with `file`, the text that comes before the file's base64.
  std::string value;
  /// Multipart: a file part, streamed from this path. JSON: the file is embedded as base64 (the
  /// tail of a data: URL), streamed from this path; the member's JSON text is
  /// `value` + base64(file) + `after_file`.
  std::optional<std::filesystem::path> file;
  std::uint64_t file_size = 0; ///< of `file`
  std::string content_type;    ///< of `file`
  std::string after_file;      ///< JSON only: the member's text after the embedded file
  /// JSON only: further files embedded in the same member (frame_images with a first and a
  /// last frame); each is followed by its own `after_file` text.
  struct MoreFile {
    std::filesystem::path file;
    std::uint64_t file_size = 0;
    std::string content_type;
    std::string after_file;
  };
  std::vector<MoreFile> more_files = {};
};

/// Exactly what one request would send, built without sending anything (for --dry-run). The
/// same plan is what the operation itself sends.
struct RequestPlan {
  std::string method;
  std::string url;
  Headers headers;                    ///< the credential's value reads "[redacted]"
  Encoding encoding = Encoding::json; ///< multipart or json
  std::vector<PlannedField> fields;   ///< multipart parts, or the JSON object's members, in order
};

/// `GET /videos` query.
struct ListQuery {
  std::optional<int> limit;
  std::optional<std::string> after;
  std::optional<std::string> order; ///< "asc" | "desc"
};

/// A job's progress as seen by `wait`, reported after every poll.
struct JobProgress {
  const Video& video;
  int poll = 0; ///< 1 for the first poll
  std::chrono::milliseconds elapsed{0};
  std::chrono::milliseconds next_poll{0}; ///< how long until the next poll (0 when done)
};
using JobCallback = std::function<void(const JobProgress&)>;

/// How often `wait` polls: backing off from `first` by half each time up to `max`, unless the
/// server says when to ask again (kept between `min` and `max_server`).
struct PollIntervals {
  std::chrono::milliseconds first{1000};
  std::chrono::milliseconds max{15'000};
  std::chrono::milliseconds max_server{60'000}; ///< longest wait a server's poll hint can ask for
  std::chrono::milliseconds min{10};
};

struct WaitOptions {
  std::chrono::milliseconds timeout{30 * 60 * 1000}; ///< overall deadline
  JobCallback on_poll;
  PollIntervals intervals = {};
};

struct DownloadRequest {
  Variant variant = Variant::video;
  std::filesystem::path output; ///< final path; the body is written to OUTPUT.part first
  bool overwrite = false;       ///< replace an existing final file
  TransferCallback on_progress;
};

struct DownloadResult {
  std::filesystem::path path;
  std::uint64_t bytes = 0;        ///< size of the final file
  std::uint64_t resumed_from = 0; ///< bytes reused from an earlier .part
  std::string content_type;
  /// Empty, or why an existing OUTPUT.part was discarded and the file started over (it belonged
  /// to another video or variant, or the file on the server changed). For the caller to report.
  std::string restarted_reason = {};
  /// What the server says the job cost, when the download read the job to find its file
  /// (OpenRouter `usage.cost`, Together `outputs.cost`); nullopt otherwise.
  std::optional<double> reported_cost = {};
};

/// A Sora Videos API client. Not thread-safe: use one per thread. Every call returns a Result;
/// nothing is printed. Transient failures are retried per ClientConfig before an error returns.
class Client {
public:
  /// `transport` and `clock` default to libcurl and the system clock.
  explicit Client(ClientConfig config, std::shared_ptr<Transport> transport = nullptr,
                  std::shared_ptr<Clock> clock = nullptr);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  const ClientConfig& config() const;

  /// Starts a job. The image (if any) is streamed from disk. Not retried once the request may have
  /// reached the server, so a job is never created twice by sora itself.
  Result<Video> create(const CreateRequest& request, const TransferCallback& on_upload = {});
  /// Starts a job that changes a finished one (`POST /videos/{id}/remix`).
  Result<Video> remix(std::string_view video_id, std::string_view prompt);
  /// As above, with a caller-chosen Idempotency-Key.
  Result<Video> remix(const RemixRequest& request);
  /// Starts a job that continues a finished one (`POST /videos/extensions`). Checked before
  /// sending (prompt, seconds); like `create`, never sent twice when an answer is lost.
  Result<Video> extend(const ExtendRequest& request);
  /// Starts a job that edits a finished one (`POST /videos/edits`), checked and sent like `extend`.
  Result<Video> edit(const EditRequest& request);
  /// What `create` would send, with the key redacted; sends nothing. Fails as `create` would
  /// before sending (e.g. an unreadable image).
  Result<RequestPlan> plan_create(const CreateRequest& request) const;
  /// What `remix` would send, with the key redacted; sends nothing.
  Result<RequestPlan> plan_remix(std::string_view video_id, std::string_view prompt) const;
  /// What `extend` would send, with the key redacted; sends nothing. Fails as `extend` would.
  Result<RequestPlan> plan_extend(const ExtendRequest& request) const;
  /// What `edit` would send, with the key redacted; sends nothing. Fails as `edit` would.
  Result<RequestPlan> plan_edit(const EditRequest& request) const;
  Result<Video> retrieve(std::string_view video_id);
  Result<VideoList> list(const ListQuery& query = {});
  /// Walks every page from `query.after`; `on_page` sees each page as it arrives.
  Result<std::vector<Video>> list_all(const ListQuery& query = {},
                                      const std::function<void(const VideoList&)>& on_page = {});
  Result<DeletedVideo> remove(std::string_view video_id);
  /// The server's video models (`GET /videos/models`, OpenRouter's shape); `unsupported` when the
  /// server has no such route.
  Result<ModelCatalog> video_models();
  /// Polls until the job is terminal. `completed` returns the video; `failed` returns a job_failed
  /// or moderation error; running past `options.timeout` returns wait_timeout.
  Result<Video> wait(std::string_view video_id, const WaitOptions& options = {});
  /// Streams a finished job's file to `request.output` via OUTPUT.part, checks its length, fsyncs
  /// and renames it. Never overwrites unless asked. The .part is bound to its source by
  /// OUTPUT.part.json (video, variant, size, ETag/Last-Modified) and resumed with Range (and
  /// If-Range) only when that matches; otherwise it starts over (DownloadResult::restarted_reason).
  /// A second download to the same path while one is writing fails with ErrorCode::conflict.
  Result<DownloadResult> download(std::string_view video_id, const DownloadRequest& request);
  /// Streams a finished job's file to `sink` (e.g. stdout). Returns the byte count.
  Result<std::uint64_t> download_to(std::string_view video_id, Variant variant,
                                    const std::function<Result<void>(std::span<const char>)>& sink,
                                    const TransferCallback& on_progress = {});

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// True for an absolute http:// or https:// URL (scheme in any case).
bool is_http_url(std::string_view url) noexcept;
/// True for a plain http:// URL (not https).
bool is_plain_http_url(std::string_view url) noexcept;
/// True when the URL's host is a loopback address: localhost, 127.0.0.0/8 or [::1].
bool is_loopback_url(std::string_view url) noexcept;

/// The library's version, e.g. "0.1.0".
std::string_view version() noexcept;

} // namespace sora
