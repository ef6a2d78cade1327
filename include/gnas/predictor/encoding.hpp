#pragma once

// Architectures as predictor input: a batch of graphs from the search space's graph encoding
// (dense adjacency + node features) and the flat op encoding, so one predictor interface serves
// every space.

#include <torch/torch.h>

#include <string>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/predictor/graph_features.hpp"
#include "gnas/space/search_space.hpp"

namespace gnas {

/// B architectures, all float32 on the CPU.
struct GraphBatch {
  torch::Tensor adjacency;  ///< [B, N, N]; 1 for each edge s -> t at [b, s, t], 1 on the diagonal
  torch::Tensor features;   ///< [B, N, F]
  torch::Tensor genes;      ///< [B, G] flat op encoding (see flat_encoding_dim)
  torch::Tensor graph;      ///< [B, K] graph-level features (graph_features.hpp); K may be 0

  int64_t size() const { return adjacency.size(0); }
  /// The rows `index` (int64 [K]) of every tensor.
  GraphBatch select(const torch::Tensor& index) const;
};

/// Node feature width F for `mode` in `space`.
int node_feature_dim(const SearchSpace& space, NodeFeatures mode);
/// Graph node count N of `space` (all its architectures share it).
int graph_node_count(const SearchSpace& space);
/// Width G of the flat op encoding: one value per two-valued gene (the gene itself), a one-hot
/// block per gene with more values.
int flat_encoding_dim(const SearchSpace& space);

/// Encodes `archs` (each valid in `space`), with the graph-level features of `graph_sets` (raw,
/// not standardised). Throws DataError when the space's graphs of two architectures differ in
/// size.
GraphBatch encode_architectures(const SearchSpace& space, const std::vector<Architecture>& archs,
                                NodeFeatures mode,
                                const std::vector<GraphFeatureSet>& graph_sets = {});

}  // namespace gnas
