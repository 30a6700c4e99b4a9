// The renderer: each job becomes a real H.264 MP4 of its size and length (libavcodec's libx264),
// whose first frame is the job's input reference (or a colour from its prompt) and which then
// changes visibly, so continuity and stitching can be checked on videos that differ.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

namespace sora_mock {

/// What a video is rendered from.
struct RenderSpec {
  int width = 0;
  int height = 0;
  int seconds = 4;
  int fps = 24;
  std::string prompt;    ///< picks the colour when there is no reference
  std::string reference; ///< the bytes of a JPEG, PNG or WebP image of the video's size, or empty
};

/// Parses "WxH"; nullopt when malformed.
std::optional<std::pair<int, int>> parse_render_size(const std::string& size);

/// Renders `spec` into `path` (through `path.part`, renamed when complete). Returns an error
/// message on failure (an undecodable reference, an encoder that cannot be opened, disk errors).
std::optional<std::string> render_video(const RenderSpec& spec, const std::filesystem::path& path);

/// The rendered videos of one server, in a private temporary folder removed on destruction.
/// Each job is rendered once, on its first download; other jobs render meanwhile.
class RenderCache {
public:
  RenderCache() = default;
  RenderCache(const RenderCache&) = delete;
  RenderCache& operator=(const RenderCache&) = delete;
  ~RenderCache();

  /// The file of job `id`, rendered from `spec` the first time; or an error message.
  std::variant<std::filesystem::path, std::string> video(const std::string& id,
                                                         const RenderSpec& spec);

private:
  std::mutex m_mutex;
  std::filesystem::path m_dir;
  std::map<std::string, std::shared_ptr<std::mutex>> m_locks;
};

} // namespace sora_mock
