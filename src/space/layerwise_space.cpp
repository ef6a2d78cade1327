#include "gnas/space/layerwise_space.hpp"

#include <algorithm>

#include "gnas/common/errors.hpp"

namespace gnas {

LayerwiseSpace::LayerwiseSpace(MacroShape shape, std::optional<LatencyTable> latency)
    : shape_(std::move(shape)), costs_(macro_cost(shape_)), latency_(std::move(latency)) {}

std::string LayerwiseSpace::fingerprint() const {
  std::string fp = "layerwise;ops=";
  for (std::size_t k = 0; k < num_ops(); ++k) {
    fp += (k ? "," : "") + op_name(shape_.ops[k]);
  }
  fp += ";layers=";
  for (std::size_t l = 0; l < num_layers(); ++l) {
    fp += (l ? "," : "") + std::to_string(shape_.layers[l].out_channels) + "/" +
          std::to_string(shape_.layers[l].stride);
  }
  // Everything the cost-carrying features (per-node MACs, log MACs and parameters, synflow)
  // depend on: a predictor fit at 28x28x1 must not load silently into a 32x32x3 configuration.
  fp += ";input=" + std::to_string(shape_.input_size) + "x" +
        std::to_string(shape_.input_channels) + ";stem=" + std::to_string(shape_.stem_channels) +
        ";head=" + std::to_string(shape_.head_channels) +
        ";classes=" + std::to_string(shape_.classes);
  return fp;
}

std::string LayerwiseSpace::gene_label(std::size_t i) const {
  return "layer" + std::to_string(i / num_ops() + 1) + "." + op_name(shape_.ops[i % num_ops()]);
}

std::string LayerwiseSpace::invalid_reason(const Architecture& arch) const {
  if (arch.genes.size() != gene_count()) {
    return "has " + std::to_string(arch.genes.size()) + " genes, the space has " +
           std::to_string(gene_count());
  }
  for (std::size_t l = 0; l < num_layers(); ++l) {
    bool any = false;
    for (std::size_t k = 0; k < num_ops(); ++k) {
      const auto g = arch.genes[l * num_ops() + k];
      if (g > 1) return "gene " + std::to_string(l * num_ops() + k) + " is not a bit";
      any = any || g;
    }
    if (!any) return "layer " + std::to_string(l + 1) + " selects no op";
  }
  return "";
}

Architecture LayerwiseSpace::sample(Rng& rng) const {
  Architecture arch;
  arch.genes.assign(gene_count(), 0);
  for (std::size_t l = 0; l < num_layers(); ++l) {
    bool any = false;
    for (std::size_t k = 0; k < num_ops(); ++k) {
      const bool keep = rng.bernoulli(0.5);
      arch.genes[l * num_ops() + k] = keep;
      any = any || keep;
    }
    if (!any) arch.genes[l * num_ops() + rng.below(num_ops())] = 1;
  }
  return arch;
}

std::string LayerwiseSpace::format(const Architecture& arch) const {
  std::string text;
  for (std::size_t i = 0; i < arch.genes.size(); ++i) {
    if (i && i % num_ops() == 0) text += '-';
    text += arch.genes[i] ? '1' : '0';
  }
  return text;
}

Architecture LayerwiseSpace::parse(std::string_view text) const {
  const std::string rule = "expected " + std::to_string(num_layers()) + " groups of " +
                           std::to_string(num_ops()) + " bits (0/1, ops_name order) joined by '-'";
  const std::size_t expected_length = num_layers() * (num_ops() + 1) - 1;
  if (text.size() != expected_length) {
    throw DataError("architecture '" + std::string(text) + "': " + rule);
  }
  Architecture arch;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool separator = (i + 1) % (num_ops() + 1) == 0;
    if (separator ? c != '-' : (c != '0' && c != '1')) {
      throw DataError("architecture '" + std::string(text) + "': " + rule);
    }
    if (!separator) arch.genes.push_back(static_cast<std::uint8_t>(c - '0'));
  }
  if (auto why = invalid_reason(arch); !why.empty()) {
    throw DataError("architecture '" + std::string(text) + "': " + why);
  }
  return arch;
}

ArchGraph LayerwiseSpace::graph(const Architecture& arch) const {
  const int k_ops = static_cast<int>(num_ops());
  const int n = static_cast<int>(num_layers()) * (k_ops + 1) + 1;
  ArchGraph g;
  g.num_nodes = n;
  g.feature_dim = 3;
  g.adjacency.assign(static_cast<std::size_t>(n) * n, 0.0f);
  const auto edge = [&](int s, int t) { g.adjacency[static_cast<std::size_t>(s) * n + t] = 1.0f; };
  for (int i = 0; i < n; ++i) edge(i, i);
  for (int l = 0; l < static_cast<int>(num_layers()); ++l) {
    const int input = l * (k_ops + 1);
    const int next = input + k_ops + 1;  // the next layer's input, or the output node
    for (int k = 0; k < k_ops; ++k) {
      if (!uses(arch, static_cast<std::size_t>(l), static_cast<std::size_t>(k))) continue;
      edge(input, input + 1 + k);
      edge(input + 1 + k, next);
    }
  }
  g.features.assign(static_cast<std::size_t>(n) * 3, 1.0f);
  for (int s = 0; s < n; ++s) {
    float degree = 0;
    for (int t = 0; t < n; ++t)
      degree += s != t ? g.adjacency[static_cast<std::size_t>(s) * n + t] : 0;
    g.features[static_cast<std::size_t>(s) * 3] = degree;
  }
  return g;
}

NodeAnnotations LayerwiseSpace::node_annotations(const Architecture& arch) const {
  const std::size_t k_ops = num_ops();
  const std::size_t n = num_layers() * (k_ops + 1) + 1;
  NodeAnnotations a;
  a.type_count = 2 + static_cast<int>(kOpKindCount);
  a.types.assign(n, 0);
  a.macs_m.assign(n, 0.0f);
  a.types[n - 1] = 1;
  for (std::size_t l = 0; l < num_layers(); ++l) {
    for (std::size_t k = 0; k < k_ops; ++k) {
      const std::size_t node = l * (k_ops + 1) + 1 + k;
      a.types[node] = 2 + static_cast<int>(shape_.ops[k]);
      if (uses(arch, l, k)) a.macs_m[node] = static_cast<float>(costs_.ops[l][k].macs) / 1e6f;
    }
  }
  return a;
}

Cost LayerwiseSpace::cost(const Architecture& arch) const {
  std::int64_t macs = costs_.stem_head.macs;
  std::int64_t params = costs_.stem_head.params;
  double latency = latency_ ? latency_->fixed_ms() : -1;
  for (std::size_t l = 0; l < num_layers(); ++l) {
    int used = 0;
    for (std::size_t k = 0; k < num_ops(); ++k) {
      if (!uses(arch, l, k)) continue;
      macs += costs_.ops[l][k].macs;
      params += costs_.ops[l][k].params;
      if (latency_) latency += latency_->op_ms(l, k);
      ++used;
    }
    if (latency_ && used > 1) latency += (used - 1) * latency_->add_ms(l);
  }
  return {static_cast<double>(macs) / 1e6, params, latency};
}

double LayerwiseSpace::min_macs_m() const {
  std::int64_t macs = costs_.stem_head.macs;
  for (const auto& layer : costs_.ops) {
    macs += std::min_element(layer.begin(), layer.end(), [](const PartCost& a, const PartCost& b) {
              return a.macs < b.macs;
            })->macs;
  }
  return static_cast<double>(macs) / 1e6;
}

Architecture LayerwiseSpace::cheapest(CostMeasure measure) const {
  Architecture arch;
  arch.genes.assign(gene_count(), 0);
  for (std::size_t l = 0; l < num_layers(); ++l) {
    const auto cost_of = [&](std::size_t k) {
      switch (measure) {
        case CostMeasure::kParams: return static_cast<double>(costs_.ops[l][k].params);
        case CostMeasure::kLatency: return latency_ ? latency_->op_ms(l, k) : 0.0;
        case CostMeasure::kMacs: break;
      }
      return static_cast<double>(costs_.ops[l][k].macs);
    };
    std::size_t best = 0;
    for (std::size_t k = 1; k < num_ops(); ++k) {
      if (cost_of(k) < cost_of(best)) best = k;
    }
    arch.genes[l * num_ops() + best] = 1;
  }
  return arch;
}

Architecture LayerwiseSpace::from_adjacency(const std::vector<float>& matrix) const {
  const std::size_t k_ops = num_ops();
  const std::size_t n = num_layers() * (k_ops + 1) + 1;
  if (matrix.size() != n * n) {
    throw DataError("adjacency matrix has " + std::to_string(matrix.size()) +
                    " values, the space's " + std::to_string(n) + "-node graph needs " +
                    std::to_string(n * n));
  }
  Architecture arch;
  arch.genes.assign(gene_count(), 0);
  for (std::size_t l = 0; l < num_layers(); ++l) {
    const std::size_t input = l * (k_ops + 1);
    const std::size_t next = input + k_ops + 1;
    for (std::size_t k = 0; k < k_ops; ++k) {
      const bool in_edge = matrix[input * n + input + 1 + k] != 0;
      const bool out_edge = matrix[(input + 1 + k) * n + next] != 0;
      if (in_edge != out_edge) {
        throw DataError("adjacency matrix: op node " + std::to_string(input + 1 + k) +
                        " has an input edge but no output edge, or the reverse");
      }
      arch.genes[l * k_ops + k] = in_edge;
    }
  }
  if (auto why = invalid_reason(arch); !why.empty()) throw DataError("adjacency matrix: " + why);
  return arch;
}

std::unique_ptr<SearchSpace> make_layerwise_space(const Config& config) {
  MacroShape shape = MacroShape::from_config(config);
  std::optional<LatencyTable> latency;
  if (!config.latency_table.empty()) {
    latency = LatencyTable::load(config.latency_table, shape, option_name(config.latency.runtime));
  }
  return std::make_unique<LayerwiseSpace>(std::move(shape), std::move(latency));
}

}  // namespace gnas
