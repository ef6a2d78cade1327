#pragma once

// The one clock every duration gnas reports (summaries, logs, benchmarks) is measured on.

#include <chrono>

namespace gnas {

using Clock = std::chrono::steady_clock;

/// Seconds from `start` to now.
inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace gnas
