#include "gnas/predictor/graph_features.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "gnas/common/errors.hpp"

namespace gnas {
namespace {

constexpr int kFirstOpType = 2;  // types 0 and 1 are the input/junction and output nodes

// Op types of the space, from any member's annotations.
int op_type_count(const SearchSpace& space) {
  Rng rng(0);
  return space.node_annotations(space.sample(rng)).type_count - kFirstOpType;
}

// Nodes in an order where every edge s -> t has s before t (Kahn; graphs are DAGs plus loops).
std::vector<int> topological_order(const ArchGraph& g) {
  const auto n = static_cast<std::size_t>(g.num_nodes);
  std::vector<int> indegree(n, 0), order;
  for (std::size_t s = 0; s < n; ++s) {
    for (std::size_t t = 0; t < n; ++t) indegree[t] += s != t && g.adjacency[s * n + t] != 0;
  }
  std::vector<int> ready;
  for (std::size_t v = n; v-- > 0;) {
    if (indegree[v] == 0) ready.push_back(static_cast<int>(v));
  }
  while (!ready.empty()) {
    const int v = ready.back();
    ready.pop_back();
    order.push_back(v);
    for (std::size_t t = n; t-- > 0;) {
      if (t != static_cast<std::size_t>(v) && g.adjacency[static_cast<std::size_t>(v) * n + t] != 0 &&
          --indegree[t] == 0) {
        ready.push_back(static_cast<int>(t));
      }
    }
  }
  if (order.size() != n) throw Error("graph_features: the architecture's graph has a cycle");
  return order;
}

}  // namespace

GraphFeatureSet graph_feature_set_from_name(const std::string& name) {
  if (name == "graf") return GraphFeatureSet::kGraf;
  if (name == "cost") return GraphFeatureSet::kCost;
  throw ConfigError("predictor.graph_features (" + name + "): must be a list of graf, cost");
}

std::string graph_feature_set_name(GraphFeatureSet set) {
  return set == GraphFeatureSet::kGraf ? "graf" : "cost";
}

std::vector<std::string> graph_feature_names(const SearchSpace& space,
                                             const std::vector<GraphFeatureSet>& sets) {
  std::vector<std::string> names;
  for (const GraphFeatureSet set : sets) {
    if (set == GraphFeatureSet::kCost) {
      if (!space.has_cost()) {
        throw ConfigError("predictor.graph_features (cost): search_space " + space.name() +
                          " has no cost model");
      }
      names.insert(names.end(), {"log_macs_m", "log_params"});
      continue;
    }
    const int types = op_type_count(space);
    for (int t = 0; t < types; ++t) names.push_back("live_ops" + std::to_string(t));
    for (int mask = 1; mask < (1 << types); ++mask) {
      names.push_back("log_paths_s" + std::to_string(mask));
      names.push_back("min_path_s" + std::to_string(mask));
    }
  }
  return names;
}

std::vector<float> graph_features(const SearchSpace& space, const Architecture& arch,
                                  const std::vector<GraphFeatureSet>& sets) {
  std::vector<float> out;
  for (const GraphFeatureSet set : sets) {
    if (set == GraphFeatureSet::kCost) {
      const Cost cost = space.cost(arch);
      out.push_back(static_cast<float>(std::log(std::max(cost.macs_m, 1e-6))));
      out.push_back(static_cast<float>(std::log(std::max<double>(static_cast<double>(cost.params), 1.0))));
      continue;
    }
    const ArchGraph g = space.graph(arch);
    const NodeAnnotations notes = space.node_annotations(arch);
    const int types = notes.type_count - kFirstOpType;
    const auto n = static_cast<std::size_t>(g.num_nodes);
    const std::vector<int> order = topological_order(g);
    const auto edge = [&](std::size_t s, std::size_t t) { return s != t && g.adjacency[s * n + t] != 0; };
    const auto op_of = [&](std::size_t v) { return notes.types[v] - kFirstOpType; };  // < 0: no op

    // Live nodes: reachable from the input and reaching the output.
    std::vector<char> from_input(n, 0), to_output(n, 0);
    from_input[0] = 1;
    for (const int v : order) {
      for (std::size_t t = 0; t < n; ++t) {
        if (from_input[static_cast<std::size_t>(v)] && edge(static_cast<std::size_t>(v), t)) from_input[t] = 1;
      }
    }
    to_output[n - 1] = 1;
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      for (std::size_t t = 0; t < n; ++t) {
        if (to_output[t] && edge(static_cast<std::size_t>(*it), t)) to_output[static_cast<std::size_t>(*it)] = 1;
      }
    }
    std::vector<float> live(static_cast<std::size_t>(types), 0.0f);
    for (std::size_t v = 0; v < n; ++v) {
      if (from_input[v] && to_output[v] && op_of(v) >= 0) live[static_cast<std::size_t>(op_of(v))] += 1;
    }
    out.insert(out.end(), live.begin(), live.end());

    constexpr int kUnreached = std::numeric_limits<int>::max();
    std::vector<double> paths(n);
    std::vector<int> shortest(n);
    for (int mask = 1; mask < (1 << types); ++mask) {
      const auto allowed = [&](std::size_t v) { return op_of(v) < 0 || (mask >> op_of(v)) & 1; };
      std::fill(paths.begin(), paths.end(), 0.0);
      std::fill(shortest.begin(), shortest.end(), kUnreached);
      paths[0] = 1;
      shortest[0] = 0;
      for (const int vi : order) {
        const auto v = static_cast<std::size_t>(vi);
        if (paths[v] == 0) continue;
        for (std::size_t t = 0; t < n; ++t) {
          if (!edge(v, t) || !allowed(t)) continue;
          paths[t] += paths[v];
          shortest[t] = std::min(shortest[t], shortest[v] + (op_of(t) >= 0 ? 1 : 0));
        }
      }
      out.push_back(static_cast<float>(std::log1p(paths[n - 1])));
      out.push_back(shortest[n - 1] == kUnreached ? -1.0f : static_cast<float>(shortest[n - 1]));
    }
  }
  return out;
}

}  // namespace gnas
