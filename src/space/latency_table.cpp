#include "gnas/space/latency_table.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/text.hpp"

namespace gnas {

namespace {

const std::vector<std::string> kHeader{"part",         "layer",  "op",         "in_channels",
                                       "out_channels", "stride", "input_size", "latency_ms"};

std::string shape_text(int in_channels, int out_channels, int stride, int size) {
  return "in " + std::to_string(in_channels) + ", out " + std::to_string(out_channels) +
         ", stride " + std::to_string(stride) + ", input " + std::to_string(size);
}

int parse_int(const std::string& text, const std::string& what) {
  const double v = parse_double(text, what);
  if (v != std::floor(v)) throw DataError(what + " ('" + text + "'): must be an integer");
  return static_cast<int>(v);
}

}  // namespace

LatencyTable::LatencyTable(std::vector<LatencyEntry> entries, const MacroShape& shape,
                           const std::string& origin)
    : entries_(std::move(entries)), origin_(origin) {
  const std::size_t layers = shape.layers.size();
  std::optional<double> fixed;
  std::vector<std::optional<double>> add(layers);
  std::vector<std::vector<std::optional<double>>> ops(
      layers, std::vector<std::optional<double>>(shape.ops.size()));
  for (const auto& e : entries_) {
    if (e.latency_ms < 0 || !std::isfinite(e.latency_ms)) {
      throw DataError(origin + ": latency_ms (" + format_number(e.latency_ms) + ") of a " + e.part +
                      " row must be a number >= 0");
    }
    if (e.part == "fixed") {
      fixed = e.latency_ms;
      if (!e.op.empty()) runtime_ = e.op;
      if (runtime_ != "libtorch" && runtime_ != "opencv") {
        throw DataError(origin + ": the fixed row names runtime '" + runtime_ +
                        "'; it must be libtorch or opencv");
      }
      continue;
    }
    if (e.part != "add" && e.part != "op") {
      throw DataError(origin + ": part '" + e.part + "' must be fixed, add or op");
    }
    if (e.layer < 1 || static_cast<std::size_t>(e.layer) > layers)
      continue;  // another space's layer
    const std::size_t l = static_cast<std::size_t>(e.layer) - 1;
    const int in = shape.in_channels(l), out = shape.layers[l].out_channels;
    const int stride = shape.layers[l].stride, size = shape.feature_size(l);
    const int out_size = shape.feature_size(l + 1);
    const bool is_add = e.part == "add";
    const std::string want =
        is_add ? shape_text(out, out, 1, out_size) : shape_text(in, out, stride, size);
    const std::string have = shape_text(e.in_channels, e.out_channels, e.stride, e.input_size);
    std::size_t k = 0;
    if (!is_add) {
      while (k < shape.ops.size() && op_name(shape.ops[k]) != e.op) ++k;
      if (k == shape.ops.size()) continue;  // an op this space does not use
    }
    if (have != want) {
      throw DataError(origin + ": the " + (is_add ? "add" : "op " + e.op) + " row of layer " +
                      std::to_string(e.layer) + " was measured at " + have +
                      "; this space's layer has " + want +
                      " (profile this space with evaluate --profile-latency)");
    }
    (is_add ? add[l] : ops[l][k]) = e.latency_ms;
  }
  if (!fixed) throw DataError(origin + ": no `fixed` row (stem, head and overhead)");
  fixed_ms_ = *fixed;
  for (std::size_t l = 0; l < layers; ++l) {
    if (!add[l]) throw DataError(origin + ": no `add` row for layer " + std::to_string(l + 1));
    add_ms_.push_back(*add[l]);
    op_ms_.emplace_back();
    for (std::size_t k = 0; k < shape.ops.size(); ++k) {
      if (!ops[l][k]) {
        const std::string name(op_name(shape.ops[k]));
        throw DataError(origin + ": no row for op " + name + " of layer " + std::to_string(l + 1) +
                        " (" +
                        shape_text(shape.in_channels(l), shape.layers[l].out_channels,
                                   shape.layers[l].stride, shape.feature_size(l)) +
                        "); profile this space with evaluate --profile-latency");
      }
      op_ms_.back().push_back(*ops[l][k]);
    }
  }
}

LatencyTable LatencyTable::load(const std::string& path, const MacroShape& shape,
                                const std::string& runtime) {
  const CsvTable csv = read_csv(path);
  if (csv.header != kHeader) {
    std::string want;
    for (const auto& h : kHeader) want += (want.empty() ? "" : ",") + h;
    throw DataError(path + ": a latency table has the columns " + want);
  }
  std::vector<LatencyEntry> entries;
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    const auto& row = csv.rows[r];
    const std::string where = path + ":" + std::to_string(csv.lines[r]) + ": ";
    LatencyEntry e;
    e.part = trim(row[0]);
    e.latency_ms = parse_double(row[7], where + "latency_ms");
    if (e.part == "fixed") {
      e.op = trim(row[2]);
    } else {
      e.layer = parse_int(row[1], where + "layer");
      e.op = trim(row[2]);
      e.in_channels = parse_int(row[3], where + "in_channels");
      e.out_channels = parse_int(row[4], where + "out_channels");
      e.stride = parse_int(row[5], where + "stride");
      e.input_size = parse_int(row[6], where + "input_size");
    }
    entries.push_back(std::move(e));
  }
  LatencyTable table(std::move(entries), shape, path);
  if (table.runtime() != runtime) {
    throw DataError(
        path + ": the table was measured on " + table.runtime() + " and latency.runtime is " +
        runtime +
        "; profile this runtime with evaluate --profile-latency or set latency.runtime: " +
        table.runtime());
  }
  return table;
}

LatencyTable LatencyTable::calibrated(const std::vector<Architecture>& archs,
                                      const std::vector<double>& measured_ms,
                                      const MacroShape& shape, LatencyCalibration* fit) const {
  // measured - adds = fixed + scale * ops + e * extra: least squares on the three unknowns.
  const std::size_t k_ops = shape.ops.size();
  struct Sums {
    double ops = 0, adds = 0, extra = 0;
  };
  const auto sums = [&](const LatencyTable& t, const Architecture& arch) {
    Sums s;
    for (std::size_t l = 0; l < shape.layers.size(); ++l) {
      int used = 0;
      for (std::size_t k = 0; k < k_ops; ++k) {
        if (!arch.genes[l * k_ops + k]) continue;
        s.ops += t.op_ms_[l][k];
        ++used;
      }
      if (used > 1) {
        s.adds += (used - 1) * t.add_ms_[l];
        s.extra += used - 1;
      }
    }
    return s;
  };
  std::vector<std::array<double, 3>> x;
  std::vector<double> y;
  for (std::size_t i = 0; i < archs.size(); ++i) {
    const Sums s = sums(*this, archs[i]);
    x.push_back({1.0, s.ops, s.extra});
    y.push_back(measured_ms[i] - s.adds);
  }
  // Normal equations, solved by Gaussian elimination with partial pivoting.
  double a[3][4] = {};
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) a[r][c] += x[i][r] * x[i][c];
      a[r][3] += x[i][r] * y[i];
    }
  }
  const std::string why =
      origin_ + ": the calibration's " + std::to_string(archs.size()) + " timed networks ";
  double column_size[3] = {};  // a pivot this much smaller than its column's entries is zero
  for (int c = 0; c < 3; ++c) {
    for (int r = 0; r < 3; ++r) column_size[c] = std::max(column_size[c], std::abs(a[r][c]));
  }
  for (int c = 0; c < 3; ++c) {
    int pivot = c;
    for (int r = c + 1; r < 3; ++r) {
      if (std::abs(a[r][c]) > std::abs(a[pivot][c])) pivot = r;
    }
    if (!(std::abs(a[pivot][c]) > 1e-12 * column_size[c])) {
      throw DataError(
          why +
          "do not determine the fit (at least 3 with different op counts and op costs are needed)");
    }
    std::swap(a[c], a[pivot]);
    for (int r = 0; r < 3; ++r) {
      if (r == c) continue;
      const double f = a[r][c] / a[c][c];
      for (int j = c; j < 4; ++j) a[r][j] -= f * a[c][j];
    }
  }
  LatencyCalibration result;
  result.fixed_ms = a[0][3] / a[0][0];
  result.scale = a[1][3] / a[1][1];
  result.per_extra_op_ms = a[2][3] / a[2][2];
  result.networks = archs.size();
  if (!std::isfinite(result.fixed_ms) || !std::isfinite(result.scale) ||
      !std::isfinite(result.per_extra_op_ms)) {
    throw DataError(why + "give a fit that is not a number (fixed " +
                    format_number(result.fixed_ms) + ", scale " + format_number(result.scale) +
                    ", per extra op " + format_number(result.per_extra_op_ms) + ")");
  }
  if (!(result.scale > 0)) {
    throw DataError(why + "fit the ops' scale " + format_number(result.scale) +
                    "; it must be > 0 (time more networks: latency.calibration, or more repeats)");
  }
  std::vector<LatencyEntry> entries = entries_;
  for (LatencyEntry& e : entries) {
    if (e.part == "fixed") e.latency_ms = std::max(0.0, result.fixed_ms);
    if (e.part == "op") e.latency_ms *= result.scale;
    if (e.part == "add") e.latency_ms = std::max(0.0, e.latency_ms + result.per_extra_op_ms);
  }
  LatencyTable table(std::move(entries), shape, origin_);
  double error = 0;
  for (std::size_t i = 0; i < archs.size(); ++i) {
    const Sums s = sums(table, archs[i]);
    error += std::abs(table.fixed_ms_ + s.ops + s.adds - measured_ms[i]) / measured_ms[i];
  }
  result.mean_abs_error = archs.empty() ? 0 : error / static_cast<double>(archs.size());
  if (fit != nullptr) *fit = result;
  return table;
}

std::string LatencyTable::to_csv() const {
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : entries_) {
    if (e.part == "fixed") {
      rows.push_back({"fixed", "", runtime_, "", "", "", "", format_fixed(e.latency_ms, 4)});
    } else {
      rows.push_back({e.part, std::to_string(e.layer), e.op, std::to_string(e.in_channels),
                      std::to_string(e.out_channels), std::to_string(e.stride),
                      std::to_string(e.input_size), format_fixed(e.latency_ms, 4)});
    }
  }
  return format_csv(kHeader, rows);
}

}  // namespace gnas
