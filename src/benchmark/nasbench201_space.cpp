#include "gnas/benchmark/nasbench201.hpp"
#include "gnas/common/config.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/text.hpp"

namespace gnas {

namespace {

constexpr int kInputNode = 0;
constexpr int kOutputNode = 1 + NasBench201Space::kEdges;
constexpr int kGraphNodes = kOutputNode + 1;

int op_index(std::string_view name) {
  for (std::size_t k = 0; k < NasBench201Space::kOps.size(); ++k) {
    if (NasBench201Space::kOps[k] == name) return static_cast<int>(k);
  }
  return -1;
}

constexpr int kConv1x1 = 2;
constexpr int kConv3x3 = 3;

}  // namespace

NasBench201Space::NasBench201Space(CellNetworkShape shape) : shape_(shape) {
  if (shape_.input_size < 4 || shape_.input_size % 4 != 0) {
    throw ConfigError("input_size (" + std::to_string(shape_.input_size) +
                      "): the nasbench201 network halves it twice, so it must be a positive "
                      "multiple of 4");
  }
}

std::string NasBench201Space::fingerprint() const {
  return "nasbench201;ops=5;nodes=4;input=" + std::to_string(shape_.input_size) + "x" +
         std::to_string(shape_.input_channels) + ";classes=" + std::to_string(shape_.classes);
}

std::int64_t NasBench201Space::edge_macs(int op, int stage) const {
  const std::int64_t c = CellNetworkShape::kStemChannels << stage;
  const std::int64_t side = shape_.input_size >> stage;
  if (op == kConv1x1) return side * side * c * c;
  if (op == kConv3x3) return side * side * c * c * 9;
  return 0;  // none, skip_connect, avg_pool_3x3
}

std::int64_t NasBench201Space::edge_params(int op, int stage) const {
  const std::int64_t c = CellNetworkShape::kStemChannels << stage;
  if (op == kConv1x1) return c * c + 2 * c;  // conv + affine BN
  if (op == kConv3x3) return 9 * c * c + 2 * c;
  return 0;
}

Cost NasBench201Space::fixed_cost() const {
  const std::int64_t c0 = CellNetworkShape::kStemChannels;
  const std::int64_t side = shape_.input_size;
  std::int64_t macs = side * side * c0 * 9 * shape_.input_channels;  // stem
  std::int64_t params = c0 * 9 * shape_.input_channels + 2 * c0;
  for (int r = 0; r + 1 < CellNetworkShape::kStages; ++r) {  // reduction blocks C -> 2C
    const std::int64_t c = c0 << r, out = 2 * c, s = side >> (r + 1);
    macs += s * s * out * 9 * c + s * s * out * 9 * out + s * s * out * c;
    params += 9 * c * out + 2 * out + 9 * out * out + 2 * out + c * out;
  }
  const std::int64_t last = c0 << (CellNetworkShape::kStages - 1);
  params += 2 * last + last * shape_.classes + shape_.classes;  // BN, classifier
  return {static_cast<double>(macs) / 1e6, params, -1};
}

Cost NasBench201Space::cost(const Architecture& arch) const {
  Cost cost = fixed_cost();
  std::int64_t macs = 0, params = 0;
  for (int stage = 0; stage < CellNetworkShape::kStages; ++stage) {
    for (const auto op : arch.genes) {
      macs += CellNetworkShape::kCellsPerStage * edge_macs(op, stage);
      params += CellNetworkShape::kCellsPerStage * edge_params(op, stage);
    }
  }
  cost.macs_m += static_cast<double>(macs) / 1e6;
  cost.params += params;
  return cost;
}

double NasBench201Space::min_macs_m() const { return fixed_cost().macs_m; }

std::string NasBench201Space::gene_label(std::size_t i) const {
  return "edge" + std::to_string(kEdgeFrom[i]) + "to" + std::to_string(kEdgeTo[i]);
}

std::string NasBench201Space::value_label(std::size_t, int value) const {
  return std::string(kOps[static_cast<std::size_t>(value)]);
}

std::string NasBench201Space::invalid_reason(const Architecture& arch) const {
  if (arch.genes.size() != gene_count()) {
    return "has " + std::to_string(arch.genes.size()) + " genes, the space has " +
           std::to_string(gene_count());
  }
  for (std::size_t e = 0; e < arch.genes.size(); ++e) {
    if (arch.genes[e] >= kOps.size()) {
      return "gene " + std::to_string(e) + " (" + std::to_string(arch.genes[e]) +
             ") is not an op index 0.." + std::to_string(kOps.size() - 1);
    }
  }
  return "";
}

Architecture NasBench201Space::sample(Rng& rng) const {
  Architecture arch;
  arch.genes.resize(gene_count());
  for (auto& g : arch.genes) g = static_cast<std::uint8_t>(rng.below(kOps.size()));
  return arch;
}

std::string NasBench201Space::format(const Architecture& arch) const {
  std::string text;
  for (int e = 0; e < kEdges; ++e) {
    if (e > 0 && kEdgeFrom[static_cast<std::size_t>(e)] == 0) text += "+";
    text += "|" + std::string(kOps[arch.genes[static_cast<std::size_t>(e)]]) + "~" +
            std::to_string(kEdgeFrom[static_cast<std::size_t>(e)]);
    if (kEdgeFrom[static_cast<std::size_t>(e)] + 1 == kEdgeTo[static_cast<std::size_t>(e)])
      text += "|";
  }
  return text;
}

Architecture NasBench201Space::parse(std::string_view text) const {
  const auto fail = [&](const std::string& why) {
    return DataError("architecture '" + std::string(text) + "': " + why +
                     "; expected |op~0|+|op~0|op~1|+|op~0|op~1|op~2| with ops none, "
                     "skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3");
  };
  const auto nodes = split(std::string(text), '+');
  if (nodes.size() != kNodes - 1) {
    throw fail("has " + std::to_string(nodes.size()) + " node groups joined by '+', not 3");
  }
  Architecture arch;
  for (std::size_t j = 0; j < nodes.size(); ++j) {
    const std::string& group = nodes[j];
    if (group.size() < 2 || group.front() != '|' || group.back() != '|') {
      throw fail("node group '" + group + "' must start and end with '|'");
    }
    const auto tokens = split(group.substr(1, group.size() - 2), '|');
    if (tokens.size() != j + 1) {
      throw fail("node " + std::to_string(j + 1) + " needs " + std::to_string(j + 1) +
                 " inputs, '" + group + "' has " + std::to_string(tokens.size()));
    }
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      const auto tilde = tokens[i].find('~');
      const int op = tilde == std::string::npos ? -1 : op_index(tokens[i].substr(0, tilde));
      if (op < 0) throw fail("'" + tokens[i] + "' is not op~input with a known op");
      if (tokens[i].substr(tilde + 1) != std::to_string(i)) {
        throw fail("'" + tokens[i] + "' must read from node " + std::to_string(i));
      }
      arch.genes.push_back(static_cast<std::uint8_t>(op));
    }
  }
  return arch;
}

ArchGraph NasBench201Space::graph(const Architecture& arch) const {
  ArchGraph g;
  g.num_nodes = kGraphNodes;
  g.feature_dim = 3;
  g.adjacency.assign(static_cast<std::size_t>(kGraphNodes) * kGraphNodes, 0.0f);
  const auto edge = [&](int s, int t) {
    g.adjacency[static_cast<std::size_t>(s) * kGraphNodes + static_cast<std::size_t>(t)] = 1.0f;
  };
  for (int i = 0; i < kGraphNodes; ++i) edge(i, i);
  const auto live = [&](int e) { return arch.genes[static_cast<std::size_t>(e)] != 0; };
  for (int e = 0; e < kEdges; ++e) {
    if (!live(e)) continue;
    const int from = kEdgeFrom[static_cast<std::size_t>(e)];
    if (from == 0) {
      edge(kInputNode, 1 + e);
    } else {
      for (int f = 0; f < kEdges; ++f) {
        if (live(f) && kEdgeTo[static_cast<std::size_t>(f)] == from) edge(1 + f, 1 + e);
      }
    }
    if (kEdgeTo[static_cast<std::size_t>(e)] == kNodes - 1) edge(1 + e, kOutputNode);
  }
  g.features.assign(static_cast<std::size_t>(kGraphNodes) * 3, 1.0f);
  for (int s = 0; s < kGraphNodes; ++s) {
    float degree = 0;
    for (int t = 0; t < kGraphNodes; ++t) {
      if (s != t)
        degree +=
            g.adjacency[static_cast<std::size_t>(s) * kGraphNodes + static_cast<std::size_t>(t)];
    }
    g.features[static_cast<std::size_t>(s) * 3] = degree;
  }
  return g;
}

NodeAnnotations NasBench201Space::node_annotations(const Architecture& arch) const {
  NodeAnnotations a;
  a.type_count = 2 + static_cast<int>(kOps.size());
  a.types.assign(kGraphNodes, 0);
  a.macs_m.assign(kGraphNodes, 0.0f);
  a.types[kOutputNode] = 1;
  for (int e = 0; e < kEdges; ++e) {
    const int op = arch.genes[static_cast<std::size_t>(e)];
    a.types[static_cast<std::size_t>(1 + e)] = 2 + op;
    std::int64_t macs = 0;
    for (int stage = 0; stage < CellNetworkShape::kStages; ++stage) {
      macs += CellNetworkShape::kCellsPerStage * edge_macs(op, stage);
    }
    a.macs_m[static_cast<std::size_t>(1 + e)] = static_cast<float>(static_cast<double>(macs) / 1e6);
  }
  return a;
}

Architecture NasBench201Space::cheapest(CostMeasure) const {
  Architecture arch;
  arch.genes.assign(gene_count(), 0);
  return arch;
}

std::unique_ptr<SearchSpace> make_nasbench201_space(const Config& config) {
  return std::make_unique<NasBench201Space>(
      CellNetworkShape{config.input_size, config.input_channels, config.classes});
}

}  // namespace gnas
