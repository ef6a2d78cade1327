#include "gnas/predictor/encoding.hpp"

#include <algorithm>

#include "gnas/common/errors.hpp"

namespace gnas {

GraphBatch GraphBatch::select(const torch::Tensor& index) const {
  return {adjacency.index_select(0, index), features.index_select(0, index),
          genes.index_select(0, index), graph.index_select(0, index)};
}

namespace {

// Any member of the space: the shapes a space's encodings have do not depend on the member.
Architecture probe(const SearchSpace& space) {
  Rng rng(0);
  return space.sample(rng);
}

}  // namespace

int graph_node_count(const SearchSpace& space) { return space.graph(probe(space)).num_nodes; }

int node_feature_dim(const SearchSpace& space, NodeFeatures mode) {
  const Architecture arch = probe(space);
  if (mode == NodeFeatures::kDegree) return space.graph(arch).feature_dim;
  return space.node_annotations(arch).type_count + 2;
}

int flat_encoding_dim(const SearchSpace& space) {
  int dim = 0;
  for (std::size_t i = 0; i < space.gene_count(); ++i) {
    dim += space.gene_values(i) == 2 ? 1 : space.gene_values(i);
  }
  return dim;
}

GraphBatch encode_architectures(const SearchSpace& space, const std::vector<Architecture>& archs,
                                NodeFeatures mode, const std::vector<GraphFeatureSet>& graph_sets) {
  const auto b = static_cast<int64_t>(archs.size());
  const int64_t n = graph_node_count(space);
  const int64_t f = node_feature_dim(space, mode);
  const int64_t g = flat_encoding_dim(space);
  const auto k =
      static_cast<int64_t>(graph_sets.empty() ? 0 : graph_feature_names(space, graph_sets).size());
  GraphBatch batch{torch::zeros({b, n, n}), torch::zeros({b, n, f}), torch::zeros({b, g}),
                   torch::zeros({b, k})};
  float* graph_level = batch.graph.data_ptr<float>();
  float* adjacency = batch.adjacency.data_ptr<float>();
  float* features = batch.features.data_ptr<float>();
  float* genes = batch.genes.data_ptr<float>();
  for (int64_t i = 0; i < b; ++i) {
    const Architecture& arch = archs[static_cast<std::size_t>(i)];
    const ArchGraph graph = space.graph(arch);
    if (graph.num_nodes != n) {
      throw DataError("architecture " + space.format(arch) + ": its graph has " +
                      std::to_string(graph.num_nodes) + " nodes, the space's others " +
                      std::to_string(n));
    }
    std::copy(graph.adjacency.begin(), graph.adjacency.end(), adjacency + i * n * n);
    float* node_features = features + i * n * f;
    if (mode == NodeFeatures::kDegree) {
      std::copy(graph.features.begin(), graph.features.end(), node_features);
    } else {
      const NodeAnnotations notes = space.node_annotations(arch);
      for (int64_t s = 0; s < n; ++s) {
        float degree = 0;
        for (int64_t t = 0; t < n; ++t)
          degree += s != t ? graph.adjacency[static_cast<std::size_t>(s * n + t)] : 0;
        float* row = node_features + s * f;
        row[0] = degree;
        row[1 + notes.types[static_cast<std::size_t>(s)]] = 1;
        row[f - 1] = notes.macs_m[static_cast<std::size_t>(s)];
      }
    }
    if (k > 0) {
      const std::vector<float> values = graph_features(space, arch, graph_sets);
      std::copy(values.begin(), values.end(), graph_level + i * k);
    }
    float* flat = genes + i * g;
    for (std::size_t j = 0; j < arch.genes.size(); ++j) {
      const int values = space.gene_values(j);
      if (values == 2) {
        *flat++ = arch.genes[j];
      } else {
        flat[arch.genes[j]] = 1;
        flat += values;
      }
    }
  }
  return batch;
}

}  // namespace gnas
