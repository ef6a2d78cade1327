#pragma once

// search.race K: the answer picked by a race instead of by its label alone. The best of many
// noisy labels is partly luck (the winner's curse: retrained, it falls back towards the rest), so
// the K labelled architectures within the budgets with the best labels are trained once more from
// one seed of their own, and the answer is the one with the best mean of its trainings.

#include <spdlog/logger.h>

#include <cstddef>
#include <string>
#include <vector>

#include "gnas/app/labeller.hpp"
#include "gnas/common/config.hpp"
#include "gnas/predictor/labels.hpp"
#include "gnas/space/search_space.hpp"

namespace gnas {

/// One runner: a labelled architecture and its race training.
struct RaceEntry {
  std::size_t index = 0;  ///< its row in the labelled set
  std::string arch;       ///< text form
  double label = 0;       ///< its label (the mean of its `repeats` trainings)
  double race = 0;        ///< the race's training (labels.measure)
  double mean = 0;        ///< of all its trainings: (repeats x label + race) / (repeats + 1)
};

struct RaceResult {
  std::vector<RaceEntry> entries;  ///< the runners that finished, best label first
  std::size_t winner = 0;          ///< index into entries: the best mean
  std::string file;                ///< <log_dir>/race.csv
};

/// Trains `candidates` (rows of `labelled`, best label first) once more each with race_seed, on
/// the labeller's slots, into <log_dir>/race.csv (arch, label, race, mean, seed; rewritten after
/// each training, so a killed race continues where it stopped: a row of the same architecture and
/// seed is not trained again), and names the best mean (ties: the better label). A training that
/// diverges drops its runner. Throws DataError for a race file of other columns or when no runner
/// finishes.
RaceResult run_race(const Config& config, const SearchSpace& space, const LabelledSet& labelled,
                    const std::vector<std::size_t>& candidates, Labeller& labeller,
                    spdlog::logger& log);

}  // namespace gnas
