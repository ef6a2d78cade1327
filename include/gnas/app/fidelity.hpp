#pragma once

// `evaluate --fidelity FILE`: cheap labels against a longer recipe's.

#include <spdlog/logger.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "gnas/common/config.hpp"

namespace gnas {

/// How far cheap labels can be trusted: their rank agreement with labels of the same
/// architectures from a longer (costlier) recipe.
struct FidelityResult {
  std::size_t n = 0;  ///< architectures labelled by both recipes
  double kendall_tau = 0;
  double spearman = 0;
  double median_difference = 0;  ///< median (long - cheap), fraction: what the cheap recipe loses
  double seconds = 0;
};

/// `evaluate --fidelity FILE`: the labels of path_to_train_data (the cheap recipe; its shards
/// too) against FILE's (a labelled CSV of the same architectures from another recipe, e.g.
/// `train --train-data` with more epochs into another path_to_train_data), over the
/// architectures both hold; prints them and writes <log_dir>/evaluate_fidelity_summary.yml. Throws
/// UsageError when FILE is path_to_train_data itself (a recipe compared with itself), DataError
/// for unreadable files or fewer than 3 shared architectures.
FidelityResult run_fidelity(const Config& config, const std::string& file, spdlog::logger& log,
                            std::ostream& out);

}  // namespace gnas
