#pragma once

// How well two trainings of the labelling recipe agree on the ranking of the same architectures:
// a predictor cannot rank better than its labels agree.

#include <spdlog/logger.h>

#include <optional>
#include <string>
#include <vector>

#include "gnas/app/label_store.hpp"
#include "gnas/app/labeller.hpp"
#include "gnas/common/config.hpp"
#include "gnas/common/run_layout.hpp"
#include "gnas/space/search_space.hpp"

namespace gnas {

struct LabelAgreement {
  std::string from;   ///< repeats (top1_1 vs top1_2) | agreement_check (label_agreement*.csv)
  std::size_t n = 0;  ///< architectures trained twice
  double kendall_tau = 0;
  double spearman = 0;
  double median_spread = 0;  ///< median |difference| of the two trainings' top-1 (fraction)
};

/// From the labelled files (repeats >= 2: repeat 1 against repeat 2 over every labelled
/// architecture), else from <log_dir>/label_agreement*.csv (labels.agreement_check: the label's
/// first training against the check's); nullopt when neither holds 3 architectures.
std::optional<LabelAgreement> measure_label_agreement(const Config& config);

/// One training of the agreement check: its seed as the file writes it (decimal) and its label
/// (the check's measure).
struct CheckTraining {
  std::string arch;  ///< text form
  std::string seed;
  double label = 0;
};

/// Every training of the agreement check (<log_dir>/label_agreement*.csv, every shard's).
std::vector<CheckTraining> agreement_check_trainings(const Config& config);

/// labels.agreement_check K: the labelled architectures of `shard` (rows of `labels`) with id < K
/// trained once more by `labeller` with the seed of repeat index `repeats` (one no label used),
/// into the shard's label_agreement CSV (id, arch, top1_1, top1_check, seed). Rows already there
/// are kept, so a killed check continues where it stopped. Throws DataError for a file of other
/// columns.
void run_agreement_check(const Config& config, const SearchSpace& space,
                         const std::vector<Architecture>& archs, const LabelStore& labels,
                         const Shard& shard, Labeller& labeller, spdlog::logger& log);

}  // namespace gnas
