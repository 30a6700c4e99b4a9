// --dry-run, --max-cost and --prices: the plan and its estimate, shown or enforced before sending.
#include "commands/cost_guard.hpp"

#include "exit_codes.hpp"
#include "output.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace sora::cli {
namespace {

using json = nlohmann::ordered_json;

constexpr const char* k_add_price_hint =
    "Add its price to a price file and pass it with --prices FILE (or SORA_PRICES=FILE), e.g. "
    "{\"prices\": {\"MODEL\": {\"*\": 0.10}}} for USD 0.10 per second at any size; see "
    "docs/cli.md, Prices.";

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<PriceTable> read_price_file(const std::string& path, const std::string& given_by) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return unexpected(ErrorCode::invalid_argument,
                      "Cannot read the price file " + path + " (" + given_by + ").",
                      "Check the path, or leave " + given_by + " out to use the built-in prices.");
  std::string text{std::istreambuf_iterator<char>(in), {}};
  return PriceTable::parse(text, path);
}

} // namespace

void add_cost_options(CLI::App& sub, CostOptions& options) {
  sub.add_flag("--dry-run", options.dry_run,
               "Print the request that would be sent (key redacted) and its estimated cost; "
               "send nothing");
  sub.add_option("--max-cost", options.max_cost,
                 "Refuse (exit 2, nothing sent) when the estimated cost is above USD, or unknown")
      ->type_name("USD")
      ->check(positive_usd);
  sub.add_option("--prices", options.prices,
                 "Price file (JSON, USD per second by model and size) over the built-in prices; "
                 "env SORA_PRICES")
      ->type_name("FILE");
}

std::string positive_usd(const std::string& value) {
  char* end = nullptr;
  double usd = std::strtod(value.c_str(), &end);
  if (end == value.c_str() || *end != '\0' || !(usd > 0) || !std::isfinite(usd))
    return "'" + value + "' is not an amount of US dollars above 0 (e.g. 2.50)";
  return {};
}

Result<PriceTable> load_prices(const std::string& prices_flag,
                               const std::vector<PriceEntry>& config_entries) {
  PriceTable table = PriceTable::builtin();
  table.merge(config_entries);
  std::string path = prices_flag;
  std::string given_by = "--prices";
  if (path.empty()) {
    const char* env = std::getenv("SORA_PRICES");
    if (env && *env) {
      path = env;
      given_by = "SORA_PRICES";
    }
  }
  if (!path.empty()) {
    auto file = read_price_file(path, given_by);
    if (!file) return unexpected(file.error());
    table.merge(*file);
  }
  return table;
}

Result<PriceTable> load_prices(AppContext& ctx, const std::string& prices_flag) {
  auto config = ctx.config_file();
  if (!config) return unexpected(config.error());
  return load_prices(prices_flag, (*config)->prices);
}

std::optional<int> guard_source_cost(AppContext& ctx, const CostOptions& options, Client& client,
                                     const std::string& id, const RequestPlan& plan,
                                     std::optional<std::string> seconds, std::string_view what) {
  if (!options.dry_run && options.max_cost <= 0) return std::nullopt;
  auto prices = load_prices(ctx, options.prices);
  if (!prices) return ctx.fail(prices.error());
  // The source's settings: from the journal, or (not in a dry run, which sends nothing) from a
  // GET of the source, which costs nothing.
  auto source = source_settings(ctx, options.dry_run ? nullptr : &client, id);
  if (!source) return ctx.fail(source.error());
  auto cost = estimate_from_source(*prices, *source, std::move(seconds), what);
  if (options.dry_run) return print_dry_run(ctx, plan, cost, options.max_cost);
  if (auto ok = check_max_cost(cost, options.max_cost); !ok) return ctx.fail(ok.error());
  return std::nullopt;
}

Result<std::optional<SourceSettings>> source_settings(const AppContext& ctx, Client* client,
                                                      const std::string& id) {
  if (auto entries = ctx.journal().read()) {
    for (auto it = entries->rbegin(); it != entries->rend(); ++it)
      if (it->id == id && !it->model.empty() && !it->size.empty() && !it->seconds.empty())
        return std::optional<SourceSettings>(
            SourceSettings{it->model, it->size, it->seconds, "the journal"});
  }
  if (!client) return std::optional<SourceSettings>();
  auto video = client->retrieve(id);
  if (!video) return unexpected(std::move(video).error());
  if (video->model.empty() || video->size.empty() || video->seconds.empty())
    return std::optional<SourceSettings>();
  return std::optional<SourceSettings>(
      SourceSettings{video->model, video->size, video->seconds, "the server"});
}

CostEstimate estimate_from_source(const PriceTable& prices,
                                  const std::optional<SourceSettings>& source,
                                  std::optional<std::string> seconds, std::string_view what) {
  if (!source) {
    CostEstimate e;
    e.seconds = seconds.value_or("");
    e.unknown_reason =
        std::string(what) +
        (seconds ? " inherits its model and size" : " inherits its model, size and duration") +
        " from the source video, which is not in the local journal";
    return e;
  }
  return estimate(prices, source->model, source->size, seconds.value_or(source->seconds));
}

std::string describe_estimate(const CostEstimate& e) {
  if (!e.usd) return "unknown: " + e.unknown_reason;
  return format_usd(*e.usd) + " (" + e.model + " at " + e.size + ": " + e.seconds + " s at " +
         format_usd(*e.usd_per_second) + "/s)";
}

Result<void> check_max_cost(const CostEstimate& e, double limit) {
  if (!e.usd) {
    bool price_missing = !e.model.empty(); // else the source's model is what is missing
    return unexpected(
        ErrorCode::invalid_argument,
        "--max-cost " + format_usd(limit) + " cannot be checked: the cost is unknown (" +
            e.unknown_reason + "). Nothing was sent.",
        price_missing ? k_add_price_hint
                      : "Without --dry-run, --max-cost asks the server for the source's model, "
                        "size and length (a free GET); or leave --max-cost out.");
  }
  if (*e.usd > limit + 1e-9)
    return unexpected(ErrorCode::invalid_argument,
                      "The estimated cost " + describe_estimate(e) + " is above --max-cost " +
                          format_usd(limit) + ". Nothing was sent.",
                      "Raise --max-cost, or ask for less: fewer --seconds, a smaller --size or "
                      "a cheaper --model.");
  return {};
}

int print_dry_run(AppContext& ctx, const RequestPlan& plan, const CostEstimate& e,
                  double max_cost) {
  bool multipart = plan.encoding == Encoding::multipart;
  if (ctx.options.json) {
    json request;
    request["method"] = plan.method;
    request["url"] = plan.url;
    json headers = json::array();
    for (const auto& h : plan.headers)
      headers.push_back({{"name", h.name}, {"value", h.value}});
    headers.push_back({{"name", "Content-Type"},
                       {"value", multipart ? "multipart/form-data; boundary=(chosen when sending)"
                                           : "application/json"}});
    headers.push_back({{"name", "Idempotency-Key"}, {"value", "(chosen when sending)"}});
    request["headers"] = headers;
    request["encoding"] = multipart ? "multipart" : "json";
    json fields = json::array();
    for (const auto& f : plan.fields) {
      json field{{"name", f.name}};
      if (f.file && !multipart) { // a file embedded in JSON as base64 (a data: URL)
        field["file"] = f.file->filename().string();
        field["path"] = f.file->string();
        field["size"] = f.file_size;
        field["content_type"] = f.content_type;
        field["embedded_as"] = "base64";
        std::string text = f.value + "<base64 of the file>" + f.after_file;
        for (const auto& more : f.more_files) // a first and a last frame in one member
          text += "<base64 of " + more.file.string() + ">" + more.after_file;
        field["value"] = text;
      } else if (f.file) {
        field["file"] = f.value;
        field["path"] = f.file->string();
        field["size"] = f.file_size;
        field["content_type"] = f.content_type;
      } else if (multipart) {
        field["value"] = f.value;
      } else {
        field["value"] = json::parse(f.value, nullptr, false);
      }
      fields.push_back(std::move(field));
    }
    request["fields"] = fields;
    json cost;
    cost["currency"] = "USD";
    cost["usd"] = e.usd ? json(std::round(*e.usd * 10000) / 10000) : json();
    cost["usd_per_second"] = e.usd_per_second ? json(*e.usd_per_second) : json();
    cost["model"] = e.model.empty() ? json() : json(e.model);
    cost["size"] = e.size.empty() ? json() : json(e.size);
    cost["seconds"] = e.seconds.empty() ? json() : json(e.seconds);
    if (!e.usd) cost["unknown_reason"] = e.unknown_reason;
    print_line(dump(json{{"dry_run", true}, {"request", request}, {"estimate", cost}}));
  } else {
    print_line(plan.method + " " + plan.url);
    for (const auto& h : plan.headers)
      print_line(h.name + ": " + h.value);
    print_line(multipart ? "Content-Type: multipart/form-data; boundary=(chosen when sending)"
                         : "Content-Type: application/json");
    print_line("Idempotency-Key: (chosen when sending)");
    print_line("");
    if (multipart) {
      for (const auto& f : plan.fields) {
        if (f.file)
          print_line("part " + f.name + ": file " + f.value + " (" + std::to_string(f.file_size) +
                     " bytes, " + f.content_type + ") from " + f.file->string());
        else
          print_line("part " + f.name + ": " + dump(json(f.value)));
      }
    } else {
      // The members as the core joins them (json_codec.cpp); a file embedded as a data: URL is
      // shown by name, size and type instead of its base64.
      std::string body = "{";
      for (const auto& f : plan.fields) {
        if (body.size() > 1) body += ",";
        body += dump(json(f.name)) + ":" + f.value;
        if (f.file)
          body += "<base64 of " + f.file->string() + ": " + std::to_string(f.file_size) +
                  " bytes, " + f.content_type + ">" + f.after_file;
        for (const auto& more : f.more_files)
          body += "<base64 of " + more.file.string() + ": " + std::to_string(more.file_size) +
                  " bytes, " + more.content_type + ">" + more.after_file;
      }
      print_line(body + "}");
    }
    print_line("");
    print_line("Estimated cost: " + describe_estimate(e));
  }
  ctx.note("Nothing was sent (--dry-run).");
  if (max_cost > 0)
    if (auto ok = check_max_cost(e, max_cost); !ok) return ctx.fail(ok.error());
  return k_exit_ok;
}

} // namespace sora::cli
