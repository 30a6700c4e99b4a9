// Fault names and one-shot bookkeeping.
#include "faults.hpp"

namespace sora_mock {
namespace {

constexpr std::array<std::string_view, k_fault_count> k_names = {
    "create-429",       "quota",         "status-500",        "status-html-502",
    "content-drop",     "content-slow",  "job-failed",        "moderation",
    "never-complete",   "create-delay",  "unauthorized",      "expired",
    "content-redirect", "content-stall", "webhook-duplicate", "hostile-echo-key",
    "hostile-escapes",  "hostile-ids",   "hostile-long",      "hostile-utf8",
    "shape-mismatch",
};

} // namespace

std::optional<Fault> parse_fault(std::string_view name) {
  for (std::size_t i = 0; i < k_names.size(); ++i) {
    if (k_names[i] == name) return static_cast<Fault>(i);
  }
  return std::nullopt;
}

std::string_view fault_name(Fault fault) {
  return k_names[static_cast<std::size_t>(fault)];
}

std::string fault_names() {
  std::string out;
  for (const auto name : k_names) {
    if (name == fault_name(Fault::shape_mismatch)) continue; // hidden: tests only
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

Faults::Faults(const std::vector<Fault>& enabled) {
  for (const auto fault : enabled)
    m_enabled[index(fault)] = true;
}

bool Faults::take_once(Fault fault) {
  if (!enabled(fault)) return false;
  return !m_consumed[index(fault)].exchange(true);
}

} // namespace sora_mock
