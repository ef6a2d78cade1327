#pragma once

// Order statistics shared by the steps' reports (latencies, MACs, label spreads).

#include <algorithm>
#include <vector>

#include "gnas/common/errors.hpp"

namespace gnas {

/// The median of values already sorted ascending: the middle one, or the mean of the two middle
/// ones. Throws Error for an empty vector.
inline double median_of_sorted(const std::vector<double>& sorted) {
  if (sorted.empty()) throw Error("median of no values");
  const std::size_t n = sorted.size();
  return n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

/// The median of `values` (any order). Throws Error for an empty vector.
inline double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return median_of_sorted(values);
}

}  // namespace gnas
