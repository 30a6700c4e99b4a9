// What a job will cost: a price table (USD per second by model and size) and estimates from it.
#pragma once

#include <sora/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sora {

/// One price: USD per second of generated video for a model at a size ("*": any size).
struct PriceEntry {
  std::string model;
  std::string size;
  double usd_per_second = 0;
};

/// Prices by model and size. The built-in table is data/prices.json, compiled in at build time;
/// override files have the same shape (see docs/cli.md "Prices").
class PriceTable {
public:
  /// The table compiled into the library (OpenAI's last published Sora 2 prices).
  static const PriceTable& builtin();
  /// Parses a price file: `{"prices": {MODEL: {SIZE: USD_PER_SECOND, …}, …}, "source": …,
  /// "as_of": …}`. `origin` (e.g. the file's path) names the file in errors (invalid_argument).
  static Result<PriceTable> parse(std::string_view json_text, std::string_view origin = {});

  /// USD per second for the model at the size: the exact entry, else the model's "*" entry,
  /// else nullopt (unknown model or size).
  std::optional<double> lookup(std::string_view model, std::string_view size) const;
  /// Puts `overrides` on top: each replaces the entry with the same model and size, or is added.
  /// (A config file's price table and an override file both go through this.)
  void merge(const std::vector<PriceEntry>& overrides);
  void merge(const PriceTable& overrides) { merge(overrides.entries()); }

  const std::vector<PriceEntry>& entries() const { return m_entries; }
  /// Where the prices come from and when they were read, as the file says (may be empty).
  const std::string& source() const { return m_source; }
  const std::string& as_of() const { return m_as_of; }

private:
  std::vector<PriceEntry> m_entries;
  std::string m_source;
  std::string m_as_of;
};

/// The API's defaults for what a create leaves unset.
inline constexpr std::string_view k_default_model = "sora-2";
inline constexpr std::string_view k_default_size = "720x1280";
inline constexpr std::string_view k_default_seconds = "4";

/// An estimated cost; `usd` is nullopt when it cannot be known, and `unknown_reason` says why.
struct CostEstimate {
  std::string model;   ///< as priced (the default when the request leaves it unset)
  std::string size;    ///< as priced
  std::string seconds; ///< billed seconds, as the API's string
  std::optional<double> usd_per_second;
  std::optional<double> usd;
  std::string unknown_reason; ///< set when `usd` is nullopt
};

/// The cost of generating `seconds` of video with `model` at `size`; unset values take the API's
/// defaults (sora-2, 720x1280, 4 s). Unknown when the table has no price for the model and size
/// or `seconds` is not a number.
CostEstimate estimate(const PriceTable& prices, std::optional<std::string> model,
                      std::optional<std::string> size, std::optional<std::string> seconds);

/// "$0.40" (two decimals; more when the amount is below a cent, e.g. "$0.005").
std::string format_usd(double usd);

} // namespace sora
