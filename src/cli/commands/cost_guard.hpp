// Knowing the cost before paying: --dry-run (show the request and its estimate, send nothing),
// --max-cost (refuse above a limit) and --prices (an override price file).
#pragma once

#include "app_context.hpp"

#include <sora/client.hpp>
#include <sora/cost.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace sora::cli {

struct CostOptions {
  bool dry_run = false;
  double max_cost = 0; ///< USD; 0 when not given (the flag itself must be above 0)
  std::string prices;  ///< --prices FILE (else SORA_PRICES)
};
/// Adds --dry-run, --max-cost USD and --prices FILE to a command.
void add_cost_options(CLI::App& sub, CostOptions& options);
/// A CLI11 check for --max-cost: a number of US dollars above 0 ("" when fine, else the problem).
std::string positive_usd(const std::string& value);

/// The prices in effect: the built-in table, then `config_entries` (a config file's [prices]),
/// then the file given with --prices, else the one SORA_PRICES names. Each layer replaces the
/// entries it names.
Result<PriceTable> load_prices(const std::string& prices_flag,
                               const std::vector<PriceEntry>& config_entries = {});
/// load_prices with the [prices] of the config file in effect (a broken file is a usage error).
Result<PriceTable> load_prices(AppContext& ctx, const std::string& prices_flag);

/// What a job made from an existing video inherits from it (model, size, seconds).
struct SourceSettings {
  std::string model, size, seconds;
  std::string known_from; ///< "the journal" or "the server"
};
/// The source's settings from the local journal, else (when `client` is given, i.e. not a dry
/// run) from a GET of the video, which costs nothing. nullopt inside when neither can tell; an
/// error when the server could not be asked (e.g. no such video).
Result<std::optional<SourceSettings>> source_settings(const AppContext& ctx, Client* client,
                                                      const std::string& id);

/// The estimate of a job made from `source`: `seconds` of generation (default: the source's
/// length) at the source's model and size. Unknown, saying why, when the source is not known.
CostEstimate estimate_from_source(const PriceTable& prices,
                                  const std::optional<SourceSettings>& source,
                                  std::optional<std::string> seconds, std::string_view what);

/// "$0.80 (sora-2 at 1280x720: 8 s at $0.10/s)", or "unknown (why)".
std::string describe_estimate(const CostEstimate& estimate);

/// Fails (invalid_argument, exit 2) when the estimate is above `limit` or unknown.
Result<void> check_max_cost(const CostEstimate& estimate, double limit);

/// Prints what the plan sends and the estimate (JSON with --json) on stdout, then a note that
/// nothing was sent. Returns the exit code (2 when --max-cost would refuse it).
int print_dry_run(AppContext& ctx, const RequestPlan& plan, const CostEstimate& estimate,
                  double max_cost);

/// --dry-run and --max-cost for a job made from the finished video `id` (remix, extend, edit),
/// priced at the source's model and size for `seconds` (nullopt: the source's length). Returns
/// the exit code when the command stops here (a dry run, or a refusal), nullopt to send `plan`.
std::optional<int> guard_source_cost(AppContext& ctx, const CostOptions& options, Client& client,
                                     const std::string& id, const RequestPlan& plan,
                                     std::optional<std::string> seconds, std::string_view what);

} // namespace sora::cli
