// The model catalog for the CLI: cache folder, fetching, and the pre-send checks.
#include "commands/capabilities.hpp"

#include <sora/profile.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>

namespace sora::cli {
namespace {

constexpr std::int64_t k_cache_seconds = 24 * 60 * 60;

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// $XDG_CACHE_HOME/sora, else ~/.cache/sora.
std::filesystem::path cache_folder() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && xdg[0] == '/') return std::filesystem::path(xdg) / "sora";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".cache" / "sora";
}

std::string cache_path(const std::string& base_url) {
  return (cache_folder() / catalog_cache_name(base_url)).string();
}

/// The flag that sets what a mismatch is about.
std::string flag_for(const std::string& what) {
  if (what == "duration") return "--seconds";
  if (what == "size") return "--size";
  if (what == "resolution") return "--resolution";
  if (what == "aspect ratio") return "--aspect-ratio";
  if (what == "last frame") return "--last-frame";
  if (what == "first frame") return "--image";
  if (what == "audio") return "--generate-audio";
  return "--" + what;
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values)
    out += (out.empty() ? "" : ", ") + v;
  return out;
}

/// The flag of a portable option, by the name the core gives it.
std::string option_flag(const std::string& name) {
  if (name == "aspect ratio") return "--aspect-ratio";
  if (name == "resolution") return "--resolution";
  if (name == "last frame") return "--last-frame";
  if (name == "reference images") return "--reference";
  if (name == "audio") return "--generate-audio/--no-audio";
  if (name == "seed") return "--seed";
  return "--negative-prompt";
}

} // namespace

Result<ModelCatalog> load_catalog(AppContext& ctx, bool refresh, bool offline) {
  auto settings = ctx.settings();
  if (!settings) return unexpected(settings.error());
  const Profile& profile = (*settings)->effective;
  if (!profile.lists_models) {
    ModelCatalog catalog;
    catalog.base_url = profile.base_url;
    catalog.source = CatalogSource::profile;
    catalog.models = profile.known_models;
    return catalog;
  }
  auto client = ctx.client();
  if (!client) return unexpected(client.error());
  std::string base_url = (*client)->config().base_url;
  std::string path = cache_path(base_url);
  if (!refresh)
    if (auto cached = read_cached_catalog(path, now_seconds(), k_cache_seconds)) return *cached;
  if (offline)
    return unexpected(ErrorCode::not_found, "No fresh cached model list for " + base_url + ".",
                      "Run sora models first.");
  auto catalog = (*client)->video_models();
  if (!catalog) return catalog;
  catalog->base_url = base_url;
  catalog->fetched_at = now_seconds();
  if (auto ok = write_cached_catalog(path, *catalog); !ok) ctx.warn(ok.error().message);
  return catalog;
}

Result<void> check_portable_options(AppContext& ctx, const CreateRequest& request) {
  auto settings = ctx.settings();
  if (!settings) return unexpected(settings.error());
  auto missing = inexpressible_options(request, (*settings)->effective.style);
  if (missing.empty()) return {};
  return unexpected(ErrorCode::invalid_argument,
                    "The " + (*settings)->profile + " profile cannot send " +
                        option_flag(missing.front()) + " (its servers have no field for the " +
                        missing.front() + ").",
                    "Leave " + option_flag(missing.front()) +
                        " out, pick a profile whose server takes it (sora profiles), or send the "
                        "server's own field with --field/--field-json.");
}

Result<void> check_request_capabilities(AppContext& ctx, const CreateRequest& request, bool offline,
                                        SettingName setting) {
  if (!setting) setting = flag_for;
  auto settings = ctx.settings();
  if (!settings) return unexpected(settings.error());
  const Profile& profile = (*settings)->effective;
  // The openai profile's lists are enforced by validate_create already.
  if (!request.model || profile.style.openai_enums) return {};
  if (!profile.lists_models && profile.known_models.empty()) return {};
  auto catalog = load_catalog(ctx, false, offline);
  if (!catalog && offline) return {}; // --dry-run: unchecked without a cached list
  if (!catalog) {
    ctx.warn("Cannot read the server's model list (" + catalog.error().message +
             "); the request is not checked against it.");
    return {};
  }
  const VideoModelInfo* model = catalog->find(*request.model);
  if (!model) return {};
  auto mismatch = check_capabilities(request, *model);
  if (!mismatch) return {};
  const auto& what = mismatch->what;
  std::string asked = !mismatch->requested.empty() ? "the " + what + " " + mismatch->requested
                      : what.ends_with("frame")    ? "a " + what
                                                   : what;
  std::string message =
      model->id + " does not accept " + asked + " (it takes: " + joined(mismatch->supported) + ").";
  std::string hint = mismatch->closest.empty()
                         ? "Change or leave out " + setting(mismatch->what) + "."
                         : "The closest it takes is " + mismatch->closest + ": give " +
                               setting(mismatch->what) + " " + mismatch->closest + ".";
  hint += " See sora models.";
  return unexpected(ErrorCode::invalid_argument, message, hint);
}

std::optional<double> published_price(AppContext& ctx, const std::string& model, bool offline) {
  auto settings = ctx.settings();
  if (!settings || !(*settings)->effective.lists_models) return std::nullopt;
  auto catalog = load_catalog(ctx, false, offline); // the cache, else one GET (nothing is paid)
  if (!catalog) return std::nullopt;
  const VideoModelInfo* info = catalog->find(model);
  return info ? info->usd_per_second : std::nullopt;
}

void add_published_price(AppContext& ctx, PriceTable& prices, const CreateRequest& request,
                         bool offline) {
  if (!request.model || estimate(prices, request.model, request.size, request.seconds).usd) return;
  if (auto usd = published_price(ctx, *request.model, offline))
    prices.merge({PriceEntry{*request.model, "*", *usd}});
}

} // namespace sora::cli
