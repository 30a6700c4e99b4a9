// A clock that never really sleeps: time moves only when the code under test waits.
#pragma once

#include <sora/clock.hpp>

#include <vector>

namespace sora::test {

class FakeClock final : public Clock {
public:
  std::vector<std::chrono::milliseconds> sleeps;
  int cancel_after = -1; ///< return false (cancelled) on this sleep index

  std::int64_t unix_start = 1'800'000'000; ///< wall clock at the start of the test

  time_point now() override { return m_now; }
  std::int64_t unix_seconds() override {
    return unix_start +
           std::chrono::duration_cast<std::chrono::seconds>(m_now.time_since_epoch()).count();
  }
  bool sleep_for(std::chrono::milliseconds duration) override {
    if (cancel_after >= 0 && static_cast<int>(sleeps.size()) == cancel_after) return false;
    sleeps.push_back(duration);
    m_now += duration;
    return true;
  }

private:
  time_point m_now{};
};

} // namespace sora::test
