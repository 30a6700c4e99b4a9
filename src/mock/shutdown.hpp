// A process-wide stop request that sleeping handlers can wait on instead of sleeping blindly.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace sora_mock {

/// Set once when the server shuts down; `wait_for` wakes early when that happens.
class Shutdown {
public:
  /// Marks the shutdown and wakes every waiter.
  void request() {
    {
      std::lock_guard lock(m_mutex);
      m_requested = true;
    }
    m_cv.notify_all();
  }

  /// True once `request` was called.
  bool requested() const {
    std::lock_guard lock(m_mutex);
    return m_requested;
  }

  /// Sleeps up to `duration`; returns true if the shutdown was requested meanwhile.
  template <class Rep, class Period> bool wait_for(std::chrono::duration<Rep, Period> duration) {
    std::unique_lock lock(m_mutex);
    return m_cv.wait_for(lock, duration, [this] { return m_requested; });
  }

private:
  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_requested = false;
};

} // namespace sora_mock
