// The API's objects as typed values: a video job, a page of jobs, a deletion receipt.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sora {

/// A job's state, normalised from any server's vocabulary (see docs/providers.md).
/// `queued` and `in_progress` are pending; the rest are terminal.
enum class VideoStatus { queued, in_progress, completed, failed, cancelled, expired, deleted };

/// Wire name of a status, e.g. "in_progress".
std::string_view to_string(VideoStatus status) noexcept;
/// Maps a server's status word (any case) to a VideoStatus; unknown words are `queued`.
VideoStatus parse_status(std::string_view text) noexcept;
/// True when the job will not change any more.
bool is_terminal(VideoStatus status) noexcept;

/// `error` of a failed job.
struct VideoError {
  std::string code;
  std::string message;
};

/// A video job (`object: "video"`). Every documented field is typed; the whole object as the server
/// sent it is kept in `raw_json`, and fields sora does not know in `extra`, so nothing is lost.
struct Video {
  std::string id;
  std::string object = "video";
  std::string model;
  VideoStatus status = VideoStatus::queued;
  std::string status_raw;      ///< the server's own word for the status
  int progress = 0;            ///< 0-100, best effort
  std::int64_t created_at = 0; ///< unix seconds
  std::optional<std::int64_t> completed_at;
  std::optional<std::int64_t> expires_at;
  std::optional<std::string> prompt;
  std::string size;    ///< "WxH"
  std::string seconds; ///< duration as the API's string, e.g. "8"
  std::optional<std::string> quality;
  std::optional<std::string> remixed_from_video_id;
  std::optional<VideoError> error;
  /// What the server says the job cost, in US dollars (OpenRouter `usage.cost`, Together
  /// `outputs.cost`, LiteLLM `usage`); nullopt when it does not say.
  std::optional<double> cost;
  std::map<std::string, std::string> extra; ///< unknown field name -> its JSON text
  std::string raw_json;                     ///< the object exactly as received
};

/// One page of `GET /videos`.
struct VideoList {
  std::vector<Video> data;
  std::optional<std::string> first_id;
  std::optional<std::string> last_id;
  bool has_more = false;
  std::string raw_json;
};

/// Answer of `DELETE /videos/{id}`.
struct DeletedVideo {
  std::string id;
  bool deleted = false;
  std::string raw_json;
};

/// Which file of a finished job to download.
enum class Variant { video, thumbnail, spritesheet };
std::string_view to_string(Variant variant) noexcept;
/// "video" | "thumbnail" | "spritesheet"; nullopt for anything else.
std::optional<Variant> parse_variant(std::string_view text) noexcept;
/// The usual file extension of a variant, with the dot: ".mp4", ".webp", ".jpg".
std::string_view file_extension(Variant variant) noexcept;

} // namespace sora
