// The price table (built in from data/prices.json, overridable) and cost estimates.
#include "prompt/builtin_prices.hpp"

#include <sora/cost.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace sora {
namespace {

using json = nlohmann::json;

Unexpected bad_file(std::string_view origin, const std::string& what) {
  std::string name = origin.empty() ? "The price file" : "The price file " + std::string(origin);
  return unexpected(ErrorCode::invalid_argument, name + " " + what + ".",
                    "Write it as {\"prices\": {\"MODEL\": {\"WxH\": USD_PER_SECOND}}}, e.g. "
                    "{\"prices\": {\"sora-2\": {\"720x1280\": 0.10}}} (see docs/cli.md, Prices).");
}

std::string text_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value)
      if (item.is_string()) out += (out.empty() ? "" : "; ") + item.get<std::string>();
    return out;
  }
  return {};
}

} // namespace

const PriceTable& PriceTable::builtin() {
  static const PriceTable table = [] {
    auto bytes = detail::builtin_prices_json();
    std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    auto parsed = parse(text, "built into sora");
    return parsed ? std::move(*parsed) : PriceTable{}; // a unit test keeps the file parseable
  }();
  return table;
}

Result<PriceTable> PriceTable::parse(std::string_view json_text, std::string_view origin) {
  json j = json::parse(json_text, nullptr, false);
  if (j.is_discarded()) return bad_file(origin, "is not valid JSON");
  if (!j.is_object()) return bad_file(origin, "is not a JSON object");
  auto prices = j.find("prices");
  if (prices == j.end() || !prices->is_object())
    return bad_file(origin, "has no \"prices\" object");
  PriceTable table;
  for (const auto& [model, sizes] : prices->items()) {
    if (model.empty()) return bad_file(origin, "has an empty model name");
    if (!sizes.is_object())
      return bad_file(origin, "gives \"" + model + "\" a " + std::string(sizes.type_name()) +
                                  ", not an object of sizes");
    for (const auto& [size, price] : sizes.items()) {
      if (!price.is_number() || price.get<double>() < 0 || !std::isfinite(price.get<double>()))
        return bad_file(origin, "gives " + model + " at " + size + " the price " + price.dump() +
                                    ", not a number of US dollars per second (0 or more)");
      table.m_entries.push_back({model, size, price.get<double>()});
    }
  }
  if (auto it = j.find("source"); it != j.end()) table.m_source = text_of(*it);
  if (auto it = j.find("as_of"); it != j.end()) table.m_as_of = text_of(*it);
  return table;
}

std::optional<double> PriceTable::lookup(std::string_view model, std::string_view size) const {
  std::optional<double> any_size;
  for (const auto& entry : m_entries) {
    if (entry.model != model) continue;
    if (entry.size == size) return entry.usd_per_second;
    if (entry.size == "*") any_size = entry.usd_per_second;
  }
  return any_size;
}

void PriceTable::merge(const std::vector<PriceEntry>& overrides) {
  for (const auto& entry : overrides) {
    auto it = std::find_if(m_entries.begin(), m_entries.end(), [&](const PriceEntry& e) {
      return e.model == entry.model && e.size == entry.size;
    });
    if (it != m_entries.end())
      it->usd_per_second = entry.usd_per_second;
    else
      m_entries.push_back(entry);
  }
}

CostEstimate estimate(const PriceTable& prices, std::optional<std::string> model,
                      std::optional<std::string> size, std::optional<std::string> seconds) {
  CostEstimate e;
  e.model = model.value_or(std::string(k_default_model));
  e.size = size.value_or(std::string(k_default_size));
  e.seconds = seconds.value_or(std::string(k_default_seconds));
  double n = 0;
  auto [end, ec] = std::from_chars(e.seconds.data(), e.seconds.data() + e.seconds.size(), n);
  if (ec != std::errc() || end != e.seconds.data() + e.seconds.size() || n < 0) {
    e.unknown_reason = "the duration '" + e.seconds + "' is not a number of seconds";
    return e;
  }
  e.usd_per_second = prices.lookup(e.model, e.size);
  if (!e.usd_per_second) {
    e.unknown_reason = "no price for " + e.model + " at " + e.size + " in the price table";
    return e;
  }
  e.usd = *e.usd_per_second * n;
  return e;
}

std::string format_usd(double usd) {
  char text[64];
  double cents = std::round(usd * 100);
  if (usd > 0 && cents == 0)
    std::snprintf(text, sizeof text, "$%.4g", usd);
  else
    std::snprintf(text, sizeof text, "$%.2f", cents / 100);
  return text;
}

} // namespace sora
