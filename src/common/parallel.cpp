#include "gnas/common/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace gnas {

void for_each_concurrently(std::size_t items, int workers,
                           const std::function<void(std::size_t item, int worker)>& work) {
  const auto threads = static_cast<std::size_t>(std::max(1, workers));
  if (threads == 1 || items <= 1) {
    for (std::size_t i = 0; i < items; ++i) work(i, 0);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first;
  std::mutex first_mutex;
  const auto run = [&](int worker) {
    for (std::size_t i = next++; i < items && !failed; i = next++) {
      try {
        work(i, worker);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(first_mutex);
        if (!first) first = std::current_exception();
        failed = true;
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t w = 0; w < std::min(threads, items); ++w)
    pool.emplace_back(run, static_cast<int>(w));
  for (auto& t : pool) t.join();
  if (first) std::rethrow_exception(first);
}

}  // namespace gnas
