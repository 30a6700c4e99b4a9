// Video model catalogs: OpenRouter's /videos/models, the cache file, and the capability check.
#include <sora/client.hpp>
#include <sora/models.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>

namespace sora {
namespace {

using json = nlohmann::json;

std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::optional<bool> flag(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

/// A per-second price among the published ones: a key that mentions seconds, with a number.
std::optional<double> per_second(const std::map<std::string, std::string>& prices) {
  for (const auto& [key, value] : prices) {
    if (key.find("second") == std::string::npos) continue;
    char* end = nullptr;
    double usd = std::strtod(value.c_str(), &end);
    if (end != value.c_str() && *end == '\0' && usd >= 0) return usd;
  }
  return std::nullopt;
}

Result<VideoModelInfo> model_from_json(const json& j) {
  if (!j.is_object() || !j.contains("id") || !j["id"].is_string())
    return unexpected(ErrorCode::protocol, "A video model has no id.");
  VideoModelInfo m;
  m.id = j["id"].get<std::string>();
  m.name = j.value("name", m.id);
  if (auto it = j.find("supported_durations"); it != j.end() && it->is_array())
    for (const auto& d : *it)
      if (d.is_number_integer()) m.durations.push_back(d.get<int>());
  m.sizes = strings(j, "supported_sizes");
  m.resolutions = strings(j, "supported_resolutions");
  m.aspect_ratios = strings(j, "supported_aspect_ratios");
  m.frame_images = strings(j, "supported_frame_images");
  m.audio = flag(j, "generate_audio");
  m.seed = flag(j, "seed");
  if (auto it = j.find("pricing_skus"); it != j.end() && it->is_object())
    for (const auto& [key, value] : it->items())
      if (value.is_string()) m.prices[key] = value.get<std::string>();
  m.usd_per_second = per_second(m.prices);
  return m;
}

json model_to_json(const VideoModelInfo& m) {
  json j{{"id", m.id},
         {"name", m.name},
         {"supported_durations", m.durations},
         {"supported_sizes", m.sizes},
         {"supported_resolutions", m.resolutions},
         {"supported_aspect_ratios", m.aspect_ratios},
         {"supported_frame_images", m.frame_images},
         {"generate_audio", m.audio ? json(*m.audio) : json()},
         {"seed", m.seed ? json(*m.seed) : json()},
         {"pricing_skus", m.prices.empty() ? json() : json(m.prices)}};
  j["usd_per_second"] = m.usd_per_second ? json(*m.usd_per_second) : json();
  return j;
}

/// A number that orders the values of one kind: seconds, pixels, the short side of a
/// resolution, or an aspect ratio.
std::optional<double> magnitude(std::string_view what, const std::string& value) {
  if (what == "size") {
    int w = 0, h = 0;
    if (std::sscanf(value.c_str(), "%dx%d", &w, &h) != 2) return std::nullopt;
    return static_cast<double>(w) * h;
  }
  if (what == "aspect ratio") {
    int w = 0, h = 0;
    if (std::sscanf(value.c_str(), "%d:%d", &w, &h) != 2 || h == 0) return std::nullopt;
    return static_cast<double>(w) / h;
  }
  char* end = nullptr;
  double n = std::strtod(value.c_str(), &end);
  if (end == value.c_str()) return std::nullopt;
  if (*end == 'K' || *end == 'k') n *= 1000; // 1K, 2K, 4K
  return n;
}

std::string closest(std::string_view what, const std::string& requested,
                    const std::vector<std::string>& supported) {
  auto want = magnitude(what, requested);
  if (!want) return {};
  std::string best;
  double distance = std::numeric_limits<double>::max();
  for (const auto& v : supported) {
    auto have = magnitude(what, v);
    if (!have) continue;
    // Seconds by difference (a tie goes to the shorter, cheaper one); areas and ratios by factor.
    bool linear = what == "duration" || *want <= 0 || *have <= 0;
    double d = linear ? std::abs(*have - *want) : std::abs(std::log(*have / *want));
    if (d < distance) {
      distance = d;
      best = v;
    }
  }
  return best;
}

std::optional<CapabilityMismatch> check_one(std::string what,
                                            const std::optional<std::string>& requested,
                                            const std::vector<std::string>& supported) {
  if (!requested || supported.empty()) return std::nullopt;
  if (std::find(supported.begin(), supported.end(), *requested) != supported.end())
    return std::nullopt;
  CapabilityMismatch m{what, *requested, supported, {}};
  m.closest = closest(what, *requested, supported);
  return m;
}

} // namespace

const VideoModelInfo* ModelCatalog::find(std::string_view id) const noexcept {
  auto it = std::find_if(models.begin(), models.end(),
                         [&](const VideoModelInfo& m) { return m.id == id; });
  return it == models.end() ? nullptr : &*it;
}

Result<ModelCatalog> parse_video_models(std::string_view json_text) {
  json j = json::parse(json_text.begin(), json_text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("data") || !j["data"].is_array())
    return unexpected(ErrorCode::protocol, "The server's model list is not {\"data\": [models…]}.");
  ModelCatalog catalog;
  for (const auto& item : j["data"]) {
    auto model = model_from_json(item);
    if (!model) return unexpected(model.error());
    catalog.models.push_back(std::move(*model));
  }
  return catalog;
}

std::string catalog_to_json(const ModelCatalog& catalog) {
  json data = json::array();
  for (const auto& m : catalog.models)
    data.push_back(model_to_json(m));
  json j{{"base_url", catalog.base_url},
         {"source", catalog.source == CatalogSource::server ? "server" : "profile"},
         {"fetched_at", catalog.fetched_at},
         {"data", std::move(data)}};
  return j.dump(2);
}

Result<ModelCatalog> catalog_from_json(std::string_view json_text) {
  auto catalog = parse_video_models(json_text);
  if (!catalog) return catalog;
  json j = json::parse(json_text.begin(), json_text.end(), nullptr, false);
  catalog->base_url = j.value("base_url", "");
  catalog->source =
      j.value("source", "server") == "profile" ? CatalogSource::profile : CatalogSource::server;
  catalog->fetched_at = j.value("fetched_at", std::int64_t{0});
  return catalog;
}

std::string catalog_cache_name(std::string_view base_url) {
  // A readable, file-safe name, plus a hash so that different URLs never share a file.
  std::string name;
  for (char c : base_url)
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (name.size() > 80) name.resize(80);
  std::uint64_t hash = 1469598103934665603ULL; // FNV-1a
  for (char c : base_url)
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return "models-" + name + "-" + hex + ".json";
}

std::optional<ModelCatalog> read_cached_catalog(const std::string& path, std::int64_t now,
                                                std::int64_t max_age_seconds) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto catalog = catalog_from_json(text);
  if (!catalog || catalog->fetched_at > now || now - catalog->fetched_at > max_age_seconds)
    return std::nullopt;
  return *catalog;
}

Result<void> write_cached_catalog(const std::string& path, const ModelCatalog& catalog) {
  std::filesystem::path target(path);
  std::error_code ec;
  std::filesystem::create_directories(target.parent_path(), ec);
  auto temp = target;
  temp += ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << catalog_to_json(catalog) << '\n';
    out.flush();
    if (!out)
      return unexpected(ErrorCode::io, "Cannot write the model cache " + temp.string() + ".");
  }
  std::filesystem::rename(temp, target, ec);
  if (ec)
    return unexpected(ErrorCode::io,
                      "Cannot write the model cache " + target.string() + ": " + ec.message());
  return {};
}

std::optional<CapabilityMismatch> check_capabilities(const CreateRequest& request,
                                                     const VideoModelInfo& model) {
  std::vector<std::string> durations;
  for (int d : model.durations)
    durations.push_back(std::to_string(d));
  if (auto m = check_one("duration", request.seconds, durations)) return m;
  if (auto m = check_one("size", request.size, model.sizes)) return m;
  if (auto m = check_one("resolution", request.resolution, model.resolutions)) return m;
  if (auto m = check_one("aspect ratio", request.aspect_ratio, model.aspect_ratios)) return m;
  bool has_frames = !model.frame_images.empty();
  auto has = [&](const char* kind) {
    return std::find(model.frame_images.begin(), model.frame_images.end(), kind) !=
           model.frame_images.end();
  };
  if (has_frames && (request.last_frame || request.last_frame_url) && !has("last_frame"))
    return CapabilityMismatch{"last frame", {}, model.frame_images, {}};
  if (has_frames && (request.image || request.image_url) && !has("first_frame"))
    return CapabilityMismatch{"first frame", {}, model.frame_images, {}};
  if (request.audio && *request.audio && model.audio && !*model.audio)
    return CapabilityMismatch{"audio", {}, {"no audio"}, {}};
  if (request.seed && model.seed && !*model.seed)
    return CapabilityMismatch{"seed", {}, {"no seed"}, {}};
  return std::nullopt;
}

} // namespace sora
