// `sora models`: the server's video models and what each accepts (durations, sizes,
// resolutions, aspect ratios, frames, audio, seed, prices), or what the profile knows.
#include "commands/capabilities.hpp"
#include "commands/commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

#include <sora/cost.hpp>

#include <CLI/CLI.hpp>

#include <memory>

namespace sora::cli {
namespace {

std::string list_or_dash(const std::vector<std::string>& values) {
  if (values.empty()) return "-";
  std::string out;
  for (const auto& v : values)
    out += (out.empty() ? "" : ",") + v;
  return out;
}

std::string yes_no(const std::optional<bool>& value) {
  return value ? (*value ? "yes" : "no") : "-";
}

void print_model(const VideoModelInfo& m) {
  std::vector<std::string> durations;
  for (int d : m.durations)
    durations.push_back(std::to_string(d));
  print_line(m.id + (m.name.empty() || m.name == m.id ? "" : "  (" + m.name + ")"));
  print_line("  durations:     " + list_or_dash(durations));
  print_line("  sizes:         " + list_or_dash(m.sizes));
  print_line("  resolutions:   " + list_or_dash(m.resolutions));
  print_line("  aspect ratios: " + list_or_dash(m.aspect_ratios));
  print_line("  frames:        " + list_or_dash(m.frame_images));
  print_line("  audio: " + yes_no(m.audio) + "  seed: " + yes_no(m.seed));
  std::string prices;
  for (const auto& [key, value] : m.prices)
    prices += (prices.empty() ? "" : ", ") + key + " " + value;
  if (m.usd_per_second) prices += " (" + format_usd(*m.usd_per_second) + "/s)";
  print_line("  prices:        " + (prices.empty() ? std::string("not published") : prices));
}

int run_models(AppContext& ctx, bool refresh) {
  auto catalog = load_catalog(ctx, refresh);
  if (!catalog) return ctx.fail(catalog.error());
  if (ctx.options.json) {
    print_text(catalog_to_json(*catalog));
    return static_cast<int>(k_exit_ok);
  }
  auto settings = ctx.settings();
  std::string profile = settings ? (*settings)->profile : std::string("?");
  if (catalog->source == CatalogSource::profile) {
    ctx.note("This server has no model list; what the " + profile + " profile knows:");
    if (catalog->models.empty())
      ctx.note("(nothing: the " + profile +
               " profile knows no models; the server's own documentation lists them)");
  } else {
    ctx.note("Models of " + catalog->base_url + " (as of " + iso_time(catalog->fetched_at) +
             "; --refresh to ask again):");
  }
  for (const auto& m : catalog->models)
    print_model(m);
  return static_cast<int>(k_exit_ok);
}

} // namespace

Command register_models(CLI::App& app, AppContext& ctx) {
  auto refresh = std::make_shared<bool>(false);
  auto* sub = app.add_subcommand("models", "List the server's video models and what each accepts");
  sub->add_flag("--refresh", *refresh, "Ask the server again instead of using the cached list");
  sub->footer(
      "Durations, sizes, resolutions, aspect ratios, first/last frames, audio, seed and prices,\n"
      "from the server's GET /videos/models (OpenRouter), cached for a day per base URL in\n"
      "$XDG_CACHE_HOME/sora (default ~/.cache/sora). Servers without that route: what the\n"
      "profile knows, marked as such. create and batch check requests against it.\n"
      "Example: sora --profile openrouter models --json");
  return {sub, [refresh, &ctx] { return run_models(ctx, *refresh); }};
}

} // namespace sora::cli
