#pragma once

// Benchmark mode's oracle: a table of published accuracies (DESIGN Part 3: CSV `arch,test_acc`,
// accuracy in percent) that the train step looks architectures up in instead of training them.

#include <string>
#include <unordered_map>
#include <vector>

#include "gnas/space/search_space.hpp"

namespace gnas {

class BenchmarkTable {
 public:
  /// Reads `path`. Throws DataError naming the file (and line): unreadable, no `arch` or
  /// `test_acc` column, an architecture the space cannot parse, an accuracy that is not a number
  /// in [0, 100], an architecture listed twice, or no rows.
  static BenchmarkTable load(const std::string& path, const SearchSpace& space);

  const std::string& path() const { return path_; }
  std::size_t size() const { return accuracy_.size(); }
  bool contains(const Architecture& arch) const { return accuracy_.count(arch) > 0; }
  /// The accuracy of `arch` in percent. Throws DataError naming the architecture (`text`, as
  /// the space formats it) and the table when it is missing.
  double accuracy(const Architecture& arch, const std::string& text) const;
  /// 1 + the number of architectures with a strictly higher accuracy.
  std::size_t rank(double accuracy) const;
  /// Share of the table that `accuracy` equals or beats, in percent (the best: 100).
  double percentile(double accuracy) const;
  double best() const { return sorted_.front(); }
  /// Every accuracy, best first.
  const std::vector<double>& sorted() const { return sorted_; }

 private:
  std::string path_;
  std::unordered_map<Architecture, double, ArchitectureHash> accuracy_;
  std::vector<double> sorted_;
};

}  // namespace gnas
