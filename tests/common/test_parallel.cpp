#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "gnas/common/parallel.hpp"

namespace gnas {
namespace {

TEST(ForEachConcurrently, EveryItemOnceOnItsWorkers) {
  std::vector<std::atomic<int>> calls(50);
  std::mutex mutex;
  std::vector<int> workers_seen;
  for_each_concurrently(calls.size(), 3, [&](std::size_t item, int worker) {
    ++calls[item];
    const std::lock_guard<std::mutex> lock(mutex);
    workers_seen.push_back(worker);
  });
  for (const auto& c : calls) EXPECT_EQ(c.load(), 1);
  for (const int w : workers_seen) {
    EXPECT_GE(w, 0);
    EXPECT_LT(w, 3);
  }
}

TEST(ForEachConcurrently, OneWorkerRunsInOrderInTheCallingThread) {
  std::vector<std::size_t> order;
  const auto caller = std::this_thread::get_id();
  for_each_concurrently(5, 1, [&](std::size_t item, int worker) {
    EXPECT_EQ(std::this_thread::get_id(), caller);
    EXPECT_EQ(worker, 0);
    order.push_back(item);
  });
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
}

// The first failure stops the hand-out: items not yet started never run, and it is rethrown.
TEST(ForEachConcurrently, AFailureStopsTheRestAndIsRethrown) {
  std::atomic<int> ran{0};
  EXPECT_THROW(for_each_concurrently(200, 2,
                                     [&](std::size_t item, int) {
                                       ++ran;
                                       std::this_thread::sleep_for(std::chrono::milliseconds(2));
                                       if (item == 3) throw std::runtime_error("item 3");
                                     }),
               std::runtime_error);
  EXPECT_LT(ran.load(), 100);
}

}  // namespace
}  // namespace gnas
