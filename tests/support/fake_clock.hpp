// A clock that never really sleeps: time moves only when the code under test waits.
#pragma once

#include <sora/clock.hpp>

#include <vector>

namespace sora::test {

class FakeClock final : public Clock {
public:
  std::vector<std::chrono::milliseconds> sleeps;
  int cancel_after = -1; ///< return false (cancelled) on this sleep index

  time_point now() override { return m_now; }
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
