#pragma once

// Where a label comes from: one training of the labelling recipe (DESIGN 1.5), or in benchmark
// mode the accuracy table. `train --train-data` and the agreement check ask a Labeller and do not
// care which.

#include <spdlog/logger.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "gnas/benchmark/table.hpp"
#include "gnas/common/config.hpp"
#include "gnas/space/search_space.hpp"

namespace gnas {

class Labeller {
 public:
  virtual ~Labeller() = default;

  /// The label (labels.measure, a fraction) of `arch` (`text`: its text form) from one training
  /// named `run` (its checkpoint and epochs.csv) started from `seed`, on the device of `slot`.
  /// Calls with different slots may run at once, from different threads. Throws TrainingDiverged
  /// when the loss diverges, DataError for an architecture the table lacks.
  virtual double label(const Architecture& arch, const std::string& text, const std::string& run,
                       std::uint64_t seed, int slot) = 0;

  /// How many labels may be computed at once, slots 0 .. slots() - 1: a training labeller has
  /// trainings_per_device per device (ngpu devices); a lookup has one.
  virtual int slots() const = 0;

  /// Whether a label costs a training: a lookup gives the same label every time, so there is no
  /// noise for an agreement check to measure and no memory to release between architectures.
  virtual bool trains() const = 0;

  /// What the labelling summary records of the labels' source: its mode (train_data or
  /// train_data_lookup) and, in benchmark mode, the table.
  virtual void describe(YAML::Node& summary) const = 0;
};

/// The config's benchmark table (benchmark_table), loaded and logged; nullopt when it is not set.
std::optional<BenchmarkTable> load_benchmark_table(const Config& config, const SearchSpace& space,
                                                   spdlog::logger& log);

/// A labeller that looks labels up in benchmark_table when it is set, else one that trains the
/// space's macro networks on label_devices(config) (the data set is loaded at the first label; a
/// space without a macro network is a ConfigError then). Throws ConfigError for devices that
/// are not there (device, ngpu). `resume`: an interrupted training continues
/// from its checkpoint.
std::unique_ptr<Labeller> make_labeller(const Config& config, const SearchSpace& space, bool resume,
                                        spdlog::logger& log);

}  // namespace gnas
