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
//    random state is left as it was.
// Predictors standardise them with the training set's mean and deviation (PredictorSpec).

#include <string>
#include <vector>

#include "gnas/space/search_space.hpp"

namespace gnas {

enum class GraphFeatureSet { kGraf, kCost, kSynflow };

/// "graf" / "cost" / "synflow" (config `predictor.graph_features`). Throws ConfigError for another name.
GraphFeatureSet graph_feature_set_from_name(const std::string& name);
std::string graph_feature_set_name(GraphFeatureSet set);

/// The names of the features `sets` give on `space`, in vector order. Throws ConfigError when a
/// set cannot apply (`cost` on a space without a cost model, `synflow` on one without networks).
std::vector<std::string> graph_feature_names(const SearchSpace& space,
                                             const std::vector<GraphFeatureSet>& sets);

/// The features of `arch` (valid in `space`), graph_feature_names' order.
std::vector<float> graph_features(const SearchSpace& space, const Architecture& arch,
                                  const std::vector<GraphFeatureSet>& sets);

}  // namespace gnas
