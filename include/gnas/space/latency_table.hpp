#pragma once

// Per-op latency lookup table of the layer-wise space: what `evaluate --profile-latency` measures
// on a device and what the `latency_budget_ms` constraint reads. A network's latency is predicted
// as fixed + sum over layers of (its ops' latencies + one `add` per op beyond the first). The
// file is plain CSV, so a table measured on another device can be used:
//
//   part,layer,op,in_channels,out_channels,stride,input_size,latency_ms
//   fixed,,libtorch,,,,,0.4120  stem, head, pooling, classifier and per-call overhead; `op` names
//                               the runtime that was timed (libtorch | opencv; empty = libtorch)
//   add,1,,16,16,1,32,0.0040    the cost of each op beyond the first at layer 1 (its element-wise
//   add) op,1,skip,16,16,1,32,0.0007 op `skip` of layer 1 (1-based) on its input shape
//
// Rows of ops the space does not use are ignored; each (layer, op) the space uses must have a
// row whose shape columns match the space. calibrated() fits the table to timed whole networks.

#include <string>
#include <vector>

#include "gnas/space/architecture.hpp"
#include "gnas/space/macro.hpp"

namespace gnas {

/// One row of the table.
struct LatencyEntry {
  std::string part;  ///< fixed | add | op
  int layer = 0;     ///< 1-based search layer (add, op)
  std::string op;    ///< op name (op)
  int in_channels = 0, out_channels = 0, stride = 0, input_size = 0;
  double latency_ms = 0;
};

/// The fit of calibrated(): measured ≈ fixed + scale * (sum of the ops' table values) +
/// sum over layers of (ops - 1) * (add + per_extra_op), least squares over the timed networks.
struct LatencyCalibration {
  double fixed_ms = 0;
  double scale = 1;
  double per_extra_op_ms = 0;
  std::size_t networks = 0;
  double mean_abs_error = 0;  ///< of the fitted table on the timed networks, fraction of measured
};

class LatencyTable {
 public:
  /// From measured entries (the profiler) or a file's rows; checks them against `shape` like
  /// load().
  LatencyTable(std::vector<LatencyEntry> entries, const MacroShape& shape,
               const std::string& origin);

  /// Reads and checks `path`. Throws DataError naming the file, line or missing (layer, op) and
  /// the rule: unreadable, wrong columns, a value that is not a number, a negative latency, no
  /// `fixed` row, no `add` row for a layer, no row for an op the space uses, or a row whose
  /// shape differs from the space's.
  /// `runtime` is the one the table must have been measured on (latency.runtime): another is
  /// refused.
  static LatencyTable load(const std::string& path, const MacroShape& shape,
                           const std::string& runtime = "libtorch");

  /// The table fitted to `measured_ms[i]`, the timed latency of `archs[i]` (valid architectures
  /// of the layer-wise space of `shape`): op rows scaled, add rows + the per-extra-op cost
  /// (at least 0), the fitted fixed part (at least 0). Throws DataError when the networks do not
  /// determine the fit (fewer than 3, all with the same op count) or the fitted scale is not > 0.
  LatencyTable calibrated(const std::vector<Architecture>& archs,
                          const std::vector<double>& measured_ms, const MacroShape& shape,
                          LatencyCalibration* fit = nullptr) const;

  /// The CSV text load() reads.
  std::string to_csv() const;

  double fixed_ms() const { return fixed_ms_; }
  /// [layer][op in gene order]
  double op_ms(std::size_t layer, std::size_t op) const { return op_ms_[layer][op]; }
  double add_ms(std::size_t layer) const { return add_ms_[layer]; }
  const std::string& origin() const { return origin_; }
  /// libtorch | opencv (the fixed row's op column)
  const std::string& runtime() const { return runtime_; }
  const std::vector<LatencyEntry>& entries() const { return entries_; }

 private:
  std::vector<LatencyEntry> entries_;
  std::string origin_;
  std::string runtime_ = "libtorch";
  double fixed_ms_ = 0;
  std::vector<double> add_ms_;
  std::vector<std::vector<double>> op_ms_;
};

}  // namespace gnas
