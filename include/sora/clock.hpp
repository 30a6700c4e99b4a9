// Time as an injected dependency, so polling and retry policies are tested without real sleeps.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

namespace sora {

/// A monotonic clock that can also wait. Waiting stops early when the caller cancels.
class Clock {
public:
  using time_point = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual time_point now() = 0;
  /// Wall-clock time in unix seconds (to compare with the server's timestamps).
  virtual std::int64_t unix_seconds() = 0;
  /// Waits `duration`; returns false if the wait was cancelled.
  virtual bool sleep_for(std::chrono::milliseconds duration) = 0;
};

/// The real steady clock. Sleeps end early (returning false) once `*cancel` becomes true.
std::shared_ptr<Clock> make_system_clock(const std::atomic<bool>* cancel = nullptr);

} // namespace sora
