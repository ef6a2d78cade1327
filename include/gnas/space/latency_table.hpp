#pragma once

// Per-op latency lookup table of the layer-wise space: what `evaluate --profile-latency` measures
// on a device and what the `latency_budget_ms` constraint reads. A network's latency is predicted
// as fixed + sum over layers of (its ops' latencies + one element-wise add per op beyond the
// first). The file is plain CSV, so a table measured on another device can be used:
//
//   part,layer,op,in_channels,out_channels,stride,input_size,latency_ms
//   fixed,,,,,,,0.4120          stem, head, pooling, classifier and per-call overhead
//   add,1,,16,16,1,32,0.0040    one element-wise add at layer 1's output
//   op,1,skip,16,16,1,32,0.0007 op `skip` of layer 1 (1-based) on its input shape
//
// Rows of ops the space does not use are ignored; each (layer, op) the space uses must have a
// row whose shape columns match the space.

#include <string>
#include <vector>

#include "gnas/space/macro.hpp"

namespace gnas {

/// One row of the table.
struct LatencyEntry {
  std::string part;   ///< fixed | add | op
  int layer = 0;      ///< 1-based search layer (add, op)
  std::string op;     ///< op name (op)
  int in_channels = 0, out_channels = 0, stride = 0, input_size = 0;
  double latency_ms = 0;
};

class LatencyTable {
 public:
  /// From measured entries (the profiler) or a file's rows; checks them against `shape` like load().
  LatencyTable(std::vector<LatencyEntry> entries, const MacroShape& shape, const std::string& origin);

  /// Reads and checks `path`. Throws DataError naming the file, line or missing (layer, op) and
  /// the rule: unreadable, wrong columns, a value that is not a number, a negative latency, no
  /// `fixed` row, no `add` row for a layer, no row for an op the space uses, or a row whose
  /// shape differs from the space's.
  static LatencyTable load(const std::string& path, const MacroShape& shape);

  /// The CSV text load() reads.
  std::string to_csv() const;

  double fixed_ms() const { return fixed_ms_; }
  /// [layer][op in gene order]
  double op_ms(std::size_t layer, std::size_t op) const { return op_ms_[layer][op]; }
  double add_ms(std::size_t layer) const { return add_ms_[layer]; }
  const std::string& origin() const { return origin_; }
  const std::vector<LatencyEntry>& entries() const { return entries_; }

 private:
  std::vector<LatencyEntry> entries_;
  std::string origin_;
  double fixed_ms_ = 0;
  std::vector<double> add_ms_;
  std::vector<std::vector<double>> op_ms_;
};

}  // namespace gnas
