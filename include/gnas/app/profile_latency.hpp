#pragma once

// `evaluate --profile-latency [PATH]`: the layer-wise space's latency table measured on this
// machine.

#include <spdlog/logger.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/space/latency_table.hpp"

namespace gnas {

struct ProfileLatencyResult {
  std::string output;  ///< the table written
  double fixed_ms = 0;
  double profile_seconds = 0;   ///< timing the table (ops, fixed part, calibration)
  LatencyCalibration fit;       ///< networks 0: not calibrated
  std::size_t check_count = 0;  ///< sampled networks timed whole to check the table
  /// The table against the check networks: mean |table - measured| / measured (fraction), the
  /// share within +-10 %, Spearman; `timed_alone` the same for the ops as timed alone.
  struct Check {
    double mean_abs_error = 0, within_10_percent = 0, spearman = 0;
  } check, timed_alone;
  std::string check_output;  ///< per-network CSV of the check
  double seconds = 0;
};

/// `evaluate --profile-latency [PATH]`: measures the layer-wise space's per-op latency table on
/// this machine (batch 1, latency.runtime, latency.warmup / repeats / threads / statistic),
/// calibrates it on latency.calibration whole networks and writes it to PATH (default
/// <log_dir>/latency_table.csv; format in gnas/space/latency_table.hpp); then times `check_count`
/// other sampled networks and reports how far the table's prediction is from them (and the
/// uncalibrated table's), per network in <log_dir>/latency_check.csv.
/// Throws ConfigError for a space without networks.
ProfileLatencyResult run_profile_latency(const Config& config, const std::string& path,
                                         std::size_t check_count, spdlog::logger& log,
                                         std::ostream& out);

}  // namespace gnas
