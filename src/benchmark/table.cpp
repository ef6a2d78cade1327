#include "gnas/benchmark/table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>

#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/text.hpp"

namespace gnas {

BenchmarkTable BenchmarkTable::load(const std::string& path, const SearchSpace& space) {
  const CsvTable csv = read_csv(path);
  const auto arch_column = csv.find_column("arch");
  const auto acc_column = csv.find_column("test_acc");
  if (!arch_column || !acc_column) {
    throw DataError(path +
                    ": a benchmark table needs the columns arch,test_acc (accuracy in percent)");
  }
  BenchmarkTable table;
  table.path_ = path;
  table.accuracy_.reserve(csv.rows.size());
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    const std::string where = path + ":" + std::to_string(csv.lines[r]);
    Architecture arch;
    try {
      arch = space.parse(trim(csv.rows[r][*arch_column]));
    } catch (const DataError& e) {
      throw DataError(where + ": " + e.what());
    }
    const std::string value = trim(csv.rows[r][*acc_column]);
    char* end = nullptr;
    const double acc = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(acc) || acc < 0 ||
        acc > 100) {
      throw DataError(where + ": test_acc '" + value + "' must be a number in [0, 100] (percent)");
    }
    if (!table.accuracy_.emplace(arch, acc).second) {
      throw DataError(where + ": architecture " + space.format(arch) + " is listed twice");
    }
    table.sorted_.push_back(acc);
  }
  if (table.sorted_.empty()) throw DataError(path + ": no rows (header only)");
  std::sort(table.sorted_.begin(), table.sorted_.end(), std::greater<>());
  return table;
}

double BenchmarkTable::accuracy(const Architecture& arch, const std::string& text) const {
  const auto it = accuracy_.find(arch);
  if (it == accuracy_.end()) {
    throw DataError(path_ + ": has no row for architecture " + text);
  }
  return it->second;
}

std::size_t BenchmarkTable::rank(double accuracy) const {
  // sorted_ is descending: the first element not greater than `accuracy` ends the better ones.
  const auto better = std::lower_bound(sorted_.begin(), sorted_.end(), accuracy, std::greater<>());
  return 1 + static_cast<std::size_t>(better - sorted_.begin());
}

double BenchmarkTable::percentile(double accuracy) const {
  const auto n = static_cast<double>(sorted_.size());
  return 100.0 * (n - static_cast<double>(rank(accuracy) - 1)) / n;
}

}  // namespace gnas
