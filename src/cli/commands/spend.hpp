// Spend from the journal alone (no network): each job's estimate (the local price table at the
// job's model, size and seconds) next to what the server reported it cost.
#pragma once

#include <sora/cost.hpp>
#include <sora/journal.hpp>

#include <string>

namespace sora::cli {

/// "est $0.80  actual $0.75", with "?" for what is not known (for `sora history --cost`).
std::string cost_columns(const PriceTable& prices, const JournalEntry& entry);

} // namespace sora::cli
