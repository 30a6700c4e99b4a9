// The real clock: sleeps in short slices so a cancel request (SIGINT) ends a wait promptly.
#include <sora/clock.hpp>

#include <algorithm>
#include <thread>

namespace sora {
namespace {

class SystemClock final : public Clock {
public:
  explicit SystemClock(const std::atomic<bool>* cancel) : m_cancel(cancel) {}
  time_point now() override { return std::chrono::steady_clock::now(); }
  std::int64_t unix_seconds() override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  bool sleep_for(std::chrono::milliseconds duration) override {
    auto until = now() + duration;
    while (true) {
      if (m_cancel && m_cancel->load()) return false;
      auto left = until - now();
      if (left <= std::chrono::milliseconds::zero()) return true;
      std::this_thread::sleep_for(
          std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(50)));
    }
  }

private:
  const std::atomic<bool>* m_cancel;
};

} // namespace

std::shared_ptr<Clock> make_system_clock(const std::atomic<bool>* cancel) {
  return std::make_shared<SystemClock>(cancel);
}

} // namespace sora
