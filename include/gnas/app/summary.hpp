#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "gnas/common/config.hpp"

namespace gnas::app {

/// `<log_dir>/<step>_summary.yml`.
std::string summary_path(const Config& config, const std::string& step);

/// Writes `<log_dir>/<name>_config.yml` atomically: the resolved configuration, headed by gnas's
/// version and `origin` (the command line that ran the step).
void write_resolved_config(const Config& config, const std::string& name,
                           const std::string& origin);

/// What a step consumed and produced, recorded in its summary so that a later run can tell
/// whether the step is up to date (`up_to_date`).
struct StepRecord {
  std::vector<std::string> inputs;   ///< files read (a missing one is recorded as absent)
  std::vector<std::string> outputs;  ///< files written
};

/// Writes the step's summary atomically: `values` (a YAML map) followed by step, version,
/// git_hash, seed and seconds; with a non-empty `record` also `inputs` and `outputs` (path:
/// content hash) and `config_hash` (`config_hash` below).
void write_summary(const Config& config, const std::string& step, const YAML::Node& values,
                   double seconds, const StepRecord& record = {});

/// A hash of the resolved configuration without the keys that change no step's output: the
/// pipeline's loop (search.rounds, per_round, verify, pick: each mode's files and inputs tell
/// those apart), num_threads and print_freq.
std::string config_hash(const Config& config);

/// The content hash of a file ("absent" when there is none).
std::string file_hash(const std::string& path);

/// True when `<log_dir>/<name>_summary.yml` records exactly `inputs` (the same paths), every
/// recorded input and output still has the recorded content, and the configuration's hash is the
/// recorded one: running the step again would write the same files.
bool up_to_date(const Config& config, const std::string& name,
                const std::vector<std::string>& inputs);

}  // namespace gnas::app
