// Injected failures (--fault): which are on, and the one-shot ones that fire only once.
#pragma once

#include <array>
#include <atomic>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sora_mock {

/// One injectable failure; the wire names are listed by `fault_names`.
enum class Fault {
  create_429,
  quota,
  status_500,
  status_html_502,
  content_drop,
  content_slow,
  job_failed,
  moderation,
  never_complete,
  create_delay,
  unauthorized,
  expired,
  content_redirect,
  content_stall,
  webhook_duplicate,
  hostile_echo_key, ///< the request's own key in ids, messages and headers
  hostile_escapes,  ///< terminal escapes (OSC title, clear screen, CSI, bidi) in the same
  hostile_ids,      ///< `../` and `/..` around ids, path steps in messages
  hostile_long,     ///< 200 kB messages, 1 kB longer ids
  hostile_utf8,     ///< invalid UTF-8 bytes in ids and messages
  /// Hidden (not in fault_names): one field of the dialect's job object gets the wrong type, so
  /// the SDK conformance suites can show they catch a shape mismatch (a test of the test).
  shape_mismatch,
};

inline constexpr std::size_t k_fault_count = static_cast<std::size_t>(Fault::shape_mismatch) + 1;

/// The fault called `name` (e.g. "create-429"), or nullopt if there is none.
std::optional<Fault> parse_fault(std::string_view name);
/// The command-line name of `fault`.
std::string_view fault_name(Fault fault);
/// Every valid name but the hidden ones, comma-separated, for usage messages.
std::string fault_names();

/// The enabled faults. Thread-safe: one-shot faults are consumed atomically.
class Faults {
public:
  Faults() = default;
  explicit Faults(const std::vector<Fault>& enabled);

  /// True if `fault` was enabled on the command line.
  bool enabled(Fault fault) const { return m_enabled[index(fault)]; }
  /// True exactly once (for the first caller) if `fault` is enabled; false afterwards.
  bool take_once(Fault fault);

private:
  static std::size_t index(Fault fault) { return static_cast<std::size_t>(fault); }

  std::array<bool, k_fault_count> m_enabled{};
  std::array<std::atomic<bool>, k_fault_count> m_consumed{};
};

} // namespace sora_mock
