#pragma once

// Fitting a predictor to labelled architectures (issue 4): minibatches, a validation split carved
// from the training labels for early stopping and epoch selection, target normalisation, seeds;
// optionally a pairwise ranking loss and an ensemble of independently seeded networks.

#include <spdlog/logger.h>

#include <cstdint>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/predictor/labels.hpp"
#include "gnas/predictor/predictor.hpp"

namespace gnas {

/// How one network of the predictor trained.
struct MemberReport {
  int epochs = 0;                   ///< epochs run (early stopping may end before config.epochs)
  int best_epoch = 0;               ///< 1-based epoch whose weights were kept
  double best_validation_loss = 0;  ///< on the normalised targets; 0 without a validation split
  std::size_t n_train = 0;
  std::size_t n_validation = 0;
};

struct FitResult {
  Predictor predictor;
  std::vector<MemberReport> members;
  double seconds = 0;
};

/// Trains the predictor `config` describes on `train` (labels as fractions). Each network draws
/// its own validation split (`validation_share` of `train`) and initialisation from `seed`; the
/// weights of the epoch with the lowest validation loss are kept (the last epoch's without a
/// validation split). Deterministic for a seed and thread count. Throws DataError when `train`
/// holds fewer than 2 architectures, ConfigError for unknown names in `config`.
FitResult fit_predictor(const PredictorConfig& config, std::uint64_t seed, const SearchSpace& space,
                        const LabelledSet& train, spdlog::logger& log);

}  // namespace gnas
