// What a server's video models accept: `GET /videos/models` (OpenRouter's shape), or what a
// profile knows when the server has no such route; and the check of a create request against it.
#pragma once

#include <sora/result.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sora {

struct CreateRequest;

/// One model and what it accepts. An empty list means "not published" (anything goes).
struct VideoModelInfo {
  std::string id;
  std::string name;
  std::vector<int> durations;                ///< seconds
  std::vector<std::string> sizes;            ///< "WxH"
  std::vector<std::string> resolutions;      ///< "720p" …
  std::vector<std::string> aspect_ratios;    ///< "16:9" …
  std::vector<std::string> frame_images;     ///< "first_frame", "last_frame"
  std::optional<bool> audio;                 ///< can generate audio; nullopt: not published
  std::optional<bool> seed;                  ///< takes a seed; nullopt: not published
  std::map<std::string, std::string> prices; ///< the server's price list as published
  std::optional<double> usd_per_second;      ///< a per-second price read from `prices`, if any
};

/// Where a catalog comes from.
enum class CatalogSource { server, profile };

/// A server's video models.
struct ModelCatalog {
  std::string base_url;
  CatalogSource source = CatalogSource::server;
  std::int64_t fetched_at = 0; ///< unix seconds
  std::vector<VideoModelInfo> models;

  /// The model called `id`, or null.
  const VideoModelInfo* find(std::string_view id) const noexcept;
};

/// Parses OpenRouter's `{"data":[VideoModel…]}` (protocol error when it is not that shape).
Result<ModelCatalog> parse_video_models(std::string_view json_text);
/// The catalog as JSON (the cache file's format and `sora models --json`).
std::string catalog_to_json(const ModelCatalog& catalog);
/// Reads what catalog_to_json wrote (protocol error when damaged).
Result<ModelCatalog> catalog_from_json(std::string_view json_text);

/// The cache file of a base URL's catalog inside `cache_folder` (one file per base URL).
std::string catalog_cache_name(std::string_view base_url);
/// Reads a cached catalog no older than `max_age_seconds` at `now`; nullopt when missing, stale
/// or damaged.
std::optional<ModelCatalog> read_cached_catalog(const std::string& path, std::int64_t now,
                                                std::int64_t max_age_seconds);
/// Writes the catalog atomically (temp file, rename), creating the folder.
Result<void> write_cached_catalog(const std::string& path, const ModelCatalog& catalog);

/// What a request asks for that the model does not accept.
struct CapabilityMismatch {
  std::string what;                   ///< "duration", "size", "resolution", "aspect ratio" …
  std::string requested;              ///< the value asked for
  std::vector<std::string> supported; ///< the model's values
  std::string closest;                ///< the supported value closest to the request, if any
};

/// The first thing `request` asks of `model` that the model does not accept, or nullopt.
std::optional<CapabilityMismatch> check_capabilities(const CreateRequest& request,
                                                     const VideoModelInfo& model);

} // namespace sora
