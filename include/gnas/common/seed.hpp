#pragma once

// One place where every random stream of a run comes from: `derive_seed(seed, purpose, ...)`
// mixes the run's `seed` with what the stream is for (and up to two indices, e.g. architecture
// and repeat), so sampling, the evolution's first population, the random-search baseline,
// predictor initialisation and the data subsets never share draws, and nearby seeds or indices
// give unrelated streams.

#include <cstdint>

namespace gnas {

/// What a random stream is for. The values are part of the seed: never renumber them.
enum class SeedPurpose : std::uint64_t {
  kSampling = 1,      ///< generate: the architectures to label
  kEvolution = 2,     ///< the evolution's first population and its children
  kRandomSearch = 3,  ///< the random-search baseline's draws
  kPredictor =
      4,  ///< predictor initialisation, validation split and minibatch order (index: member)
  kTestSplit = 5,  ///< train_predictor's random test split
  kLabelTraining =
      6,            ///< a training of architecture `a`, repeat `b` (data order, init, augmentation)
  kDataSubset = 7,  ///< data set subsets and the validation split (index: which)
  kProxies = 8,     ///< zero-cost proxies: weights and the minibatch
  kEvaluate = 9,    ///< evaluate's own draws (speed test sets, latency check networks)
  kParetoBudget = 10,  ///< the evolution of Pareto budget `a`
};

/// splitmix64's finaliser: a bijection of 64-bit values whose outputs look independent.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// The seed of stream `purpose` (indices `a`, `b`) of a run seeded `seed`; always < 2^63, so it
/// is also a valid non-negative int64 (torch::manual_seed).
constexpr std::uint64_t derive_seed(std::uint64_t seed, SeedPurpose purpose, std::uint64_t a = 0,
                                    std::uint64_t b = 0) {
  std::uint64_t z = mix64(seed);
  z = mix64(z ^ static_cast<std::uint64_t>(purpose));
  z = mix64(z ^ a);
  z = mix64(z ^ b);
  return z >> 1;
}

}  // namespace gnas
