// The wall-clock time the journal and the batch state record: seconds since the Unix epoch.
#pragma once

#include <chrono>
#include <cstdint>

namespace sora::detail {

inline std::int64_t unix_seconds_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace sora::detail
