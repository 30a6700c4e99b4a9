// `sora cost`: spend summarised from the journal alone (no network): estimates from the local
// price table against the costs the servers reported, by model, profile or day.
#include "commands/commands.hpp"
#include "commands/cost_guard.hpp"
#include "commands/spend.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <ctime>
#include <map>
#include <memory>

namespace sora::cli {
namespace {

struct CostCommandOptions {
  std::string since; ///< YYYY-MM-DD (UTC)
  std::string by = "model";
  std::string prices;
};

struct Totals {
  int jobs = 0;
  int estimated = 0; ///< jobs with an estimate
  int reported = 0;  ///< jobs with a cost the server reported
  double estimate_usd = 0;
  double actual_usd = 0;
};

std::optional<double> job_estimate(const PriceTable& prices, const JournalEntry& e) {
  if (e.estimate_usd) return e.estimate_usd; // what sora estimated when it sent the job
  if (e.model.empty() || e.size.empty() || e.seconds.empty()) return std::nullopt;
  return estimate(prices, e.model, e.size, e.seconds).usd;
}

/// Midnight UTC of a YYYY-MM-DD date, or nullopt.
std::optional<std::int64_t> parse_day(const std::string& text) {
  std::tm tm{};
  if (text.size() != 10 ||
      std::sscanf(text.c_str(), "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31) return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string key_of(const JournalEntry& e, const std::string& by) {
  if (by == "profile") return e.profile.empty() ? "(unknown)" : e.profile;
  if (by == "day") return iso_time(e.time).substr(0, 10);
  return e.model.empty() ? "(unknown)" : e.model;
}

double cents(double usd) {
  return std::round(usd * 10000) / 10000;
}

int run_cost(const CostCommandOptions& o, AppContext& ctx) {
  std::optional<std::int64_t> since;
  if (!o.since.empty() && !(since = parse_day(o.since)))
    return ctx.fail(unexpected(ErrorCode::invalid_argument,
                               "--since '" + o.since + "' is not a date.",
                               "Write --since YYYY-MM-DD, e.g. --since 2026-11-01.")
                        .error);
  auto prices = load_prices(ctx, o.prices);
  if (!prices) return ctx.fail(prices.error());
  auto entries = ctx.journal().read();
  if (!entries) return ctx.fail(entries.error());
  std::map<std::string, Totals> groups;
  Totals all;
  for (const auto& e : *entries) {
    if (since && e.time < *since) continue;
    for (Totals* t : {&groups[key_of(e, o.by)], &all}) {
      ++t->jobs;
      if (auto usd = job_estimate(*prices, e)) {
        ++t->estimated;
        t->estimate_usd += *usd;
      }
      if (e.cost_usd) {
        ++t->reported;
        t->actual_usd += *e.cost_usd;
      }
    }
  }
  if (ctx.options.json) {
    auto rows = nlohmann::ordered_json::array();
    auto row = [](const std::string& key, const Totals& t) {
      return nlohmann::ordered_json{{"key", key},
                                    {"jobs", t.jobs},
                                    {"estimated_jobs", t.estimated},
                                    {"estimate_usd", cents(t.estimate_usd)},
                                    {"reported_jobs", t.reported},
                                    {"actual_usd", cents(t.actual_usd)}};
    };
    for (const auto& [key, t] : groups)
      rows.push_back(row(key, t));
    print_line(nlohmann::ordered_json{{"by", o.by}, {"groups", rows}, {"total", row("total", all)}}
                   .dump());
    return static_cast<int>(k_exit_ok);
  }
  auto line = [](const std::string& key, const Totals& t) {
    return key + "  jobs " + std::to_string(t.jobs) + "  estimate " + format_usd(t.estimate_usd) +
           " (" + std::to_string(t.estimated) + " priced)  actual " + format_usd(t.actual_usd) +
           " (" + std::to_string(t.reported) + " reported)";
  };
  for (const auto& [key, t] : groups)
    print_line(line(key, t));
  print_line(line("total", all));
  if (all.jobs == 0) ctx.note("No jobs recorded in " + ctx.journal().path().string() + ".");
  return static_cast<int>(k_exit_ok);
}

} // namespace

std::string cost_columns(const PriceTable& prices, const JournalEntry& entry) {
  auto est = job_estimate(prices, entry);
  return "est " + (est ? format_usd(*est) : std::string("?")) + "  actual " +
         (entry.cost_usd ? format_usd(*entry.cost_usd) : std::string("?"));
}

Command register_cost(CLI::App& app, AppContext& ctx) {
  auto options = std::make_shared<CostCommandOptions>();
  auto* sub = app.add_subcommand("cost", "Summarise spend from the journal: estimate vs actual");
  sub->add_option("--since", options->since, "Only jobs started on or after this day (UTC)")
      ->type_name("YYYY-MM-DD");
  sub->add_option("--by", options->by, "Group by model, profile or day")
      ->check(CLI::IsMember({"model", "profile", "day"}))
      ->type_name("model|profile|day")
      ->capture_default_str();
  sub->add_option("--prices", options->prices, "A price file for the estimates (as for create)")
      ->type_name("FILE");
  sub->footer(
      "Reads only the journal (no network). The estimate is the one journaled when the job\n"
      "was sent (older records: the local price table at its model, size and seconds); the\n"
      "actual cost is what the server reported when the job finished (OpenRouter usage.cost,\n"
      "Together outputs.cost, LiteLLM usage).\n"
      "Example: sora cost --since 2026-11-01 --by day");
  return {sub, [options, &ctx] { return run_cost(*options, ctx); }};
}

} // namespace sora::cli
