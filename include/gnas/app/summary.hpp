#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "gnas/common/config.hpp"

namespace gnas::app {

/// `<log_dir>/<step>_summary.yml`.
std::string summary_path(const Config& config, const std::string& step);

/// Writes the step's summary atomically: `values` (a YAML map) followed by step, version,
/// git_hash, seed and seconds.
void write_summary(const Config& config, const std::string& step, const YAML::Node& values,
                   double seconds);

}  // namespace gnas::app
