#pragma once

// Graph-level predictor inputs, one fixed-length vector per architecture, beside the node-level
// graph and the flat op encoding:
//  - `graf`: features in the manner of GRAF (Kadlecova et al., 2024), computed from any space's
//    graph and node annotations (node 0 the input, the last node the output; node types >= 2 are
//    operations): per op type the number of its nodes on some input -> output path; per non-empty
//    set S of op types, log(1 + the number of input -> output paths whose op nodes all have a
//    type in S) and the fewest op nodes on such a path (-1 when there is none);
//  - `cost`: log of MACs (millions) and of parameters, for spaces with a cost model;
//  - `synflow`: log of the data-free zero-cost proxy synflow (nn/proxies.hpp) of the
//    architecture's network, initialised from one fixed reference seed, so that a feature means
//    the same in every run and every file; computed once per architecture and space in a
//    process (memoised), ~1/60 s each on 2 cores for a NAS-Bench-201 cell. LibTorch's global
//    random state is left as it was;
//  - `zico`: the zero-cost proxy ZiCo (nn/proxies.hpp) of the network under the same reference
//    initialisation, on one fixed stand-in batch (8 seeded standard-normal images of the input
//    shape with uniform labels, so no data set is needed and a value means the same everywhere);
//    memoised like synflow, ~7x its cost (two half-batch backward passes).
// Predictors standardise them with the training set's mean and deviation (PredictorSpec).

#include <string>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/space/search_space.hpp"

namespace gnas {

/// The names of the features `sets` give on `space`, in vector order. Throws ConfigError when a
/// set cannot apply (`cost` on a space without a cost model, `synflow` / `zico` on one without
/// networks).
std::vector<std::string> graph_feature_names(const SearchSpace& space,
                                             const std::vector<GraphFeatureSet>& sets);

/// The features of `arch` (valid in `space`), graph_feature_names' order.
std::vector<float> graph_features(const SearchSpace& space, const Architecture& arch,
                                  const std::vector<GraphFeatureSet>& sets);

/// The file of `dir` that caches `space`'s proxy feature `set` (synflow or zico) across processes:
/// <dir>/<set>-<16 hex digits>.csv (`arch,log_synflow` / `arch,zico`), the digits a hash of the
/// space's fingerprint and network shape (the values depend on both).
std::string feature_cache_file(const std::string& dir, const SearchSpace& space,
                               GraphFeatureSet set = GraphFeatureSet::kSynflow);

/// Adds the cached proxy features (synflow, zico) of `space` in `dir` to this process's memo (a
/// missing file adds none). Throws DataError naming the file and line of a malformed row.
void load_feature_cache(const std::string& dir, const SearchSpace& space);

/// Writes this process's proxy-feature memo of `space` (each feature to its own file), merged with
/// what the file holds, to the cache file in `dir` (created when missing; atomic, so concurrent
/// writers lose entries, never corrupt the file). Does nothing when nothing was computed since the
/// last load or save. Both do nothing for an empty `dir` (config predictor.feature_cache "").
void save_feature_cache(const std::string& dir, const SearchSpace& space);

}  // namespace gnas
