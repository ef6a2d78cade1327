#pragma once

// What the predictor steps write about predictions: the per-architecture CSV, the predicted vs
// true scatter plot and the metric keys of a summary.

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "gnas/predictor/metrics.hpp"
#include "gnas/space/search_space.hpp"

namespace gnas {

/// Writes `path` atomically: header `arch,true,predicted`, one row per architecture (fractions).
void write_predictions_csv(const std::string& path, const SearchSpace& space,
                           const std::vector<Architecture>& archs, const std::vector<double>& truth,
                           const std::vector<double>& predicted);

/// Writes `path` atomically: an SVG scatter of predicted against true accuracy with the y = x
/// line; the title is `title` followed by Kendall tau and the count.
void write_scatter_svg(const std::string& path, const std::string& title,
                       const std::vector<double>& truth, const std::vector<double>& predicted,
                       const RankMetrics& metrics);

/// Adds kendall_tau, spearman, mae, precision_at_5, precision_at_10 (6 decimals) to `values`.
void add_metric_keys(YAML::Node& values, const RankMetrics& metrics);

}  // namespace gnas
