#pragma once

// Order statistics and moments shared by the steps' reports (latencies, MACs, label spreads,
// repeated metrics).

#include <algorithm>
#include <cmath>
#include <numeric>
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

/// The mean of `values`. Throws Error for an empty vector.
inline double mean(const std::vector<double>& values) {
  if (values.empty()) throw Error("mean of no values");
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

/// The sample standard deviation of `values` (n - 1 in the denominator); 0 for one value. Throws
/// Error for an empty vector.
inline double sample_sd(const std::vector<double>& values) {
  const double m = mean(values);
  if (values.size() < 2) return 0;
  double sum = 0;
  for (const double v : values) sum += (v - m) * (v - m);
  return std::sqrt(sum / static_cast<double>(values.size() - 1));
}

}  // namespace gnas
