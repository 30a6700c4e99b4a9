// Bounded concurrency: a fixed number of workers taking numbered items in order.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace sora {

/// Runs `task(worker, item)` for every item in [0, count), at most `workers` at once. Items are
/// handed out in order; worker 0 is the calling thread (so `workers` 1 runs everything there),
/// and each worker keeps its number, so it can own per-worker state such as a Client (which is
/// not shared between threads). Once `*cancel` is true no further item starts; the running ones
/// finish (their requests see the same flag through ClientConfig::cancel). Returns how many items
/// were started: always the first ones. `task` must not throw.
inline std::size_t run_bounded(std::size_t count, int workers, const std::atomic<bool>* cancel,
                               const std::function<void(int worker, std::size_t item)>& task) {
  std::atomic<std::size_t> next{0};
  auto work = [&](int worker) {
    while (!(cancel && cancel->load())) {
      std::size_t item = next.fetch_add(1);
      if (item >= count) return;
      task(worker, item);
    }
  };
  auto n = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(std::max(workers, 1)),
                                                  std::max<std::size_t>(count, 1)));
  std::vector<std::thread> threads;
  for (int w = 1; w < n; ++w)
    threads.emplace_back(work, w);
  work(0);
  for (auto& thread : threads)
    thread.join();
  return std::min(next.load(), count);
}

} // namespace sora
