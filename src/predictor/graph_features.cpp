#include "gnas/predictor/graph_features.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <mutex>
#include <unordered_map>

#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/seed.hpp"
#include "gnas/common/stop.hpp"
#include "gnas/common/text.hpp"
#include "gnas/nn/proxies.hpp"
#include "gnas/nn/space_network.hpp"

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
      if (t != static_cast<std::size_t>(v) &&
          g.adjacency[static_cast<std::size_t>(v) * n + t] != 0 && --indegree[t] == 0) {
        ready.push_back(static_cast<int>(t));
      }
    }
  }
  if (order.size() != n) throw Error("graph_features: the architecture's graph has a cycle");
  return order;
}

// What synflow depends on: the space and the network's shape (input, stem, head, classes), which
// some fingerprints leave out but a reference architecture's exact cost reflects.
std::string network_key(const SearchSpace& space) {
  std::string key = space.fingerprint();
  if (space.has_cost()) {
    Rng rng(0);
    const Cost cost = space.cost(space.sample(rng));
    key += ";reference_cost=" + std::to_string(cost.params) + "/" + format_fixed(cost.macs_m, 6);
  }
  return key;
}

// The graph features that are zero-cost proxies of the architecture's network: each computed
// under one fixed reference initialisation (and, for zico, one fixed stand-in batch), so that a
// value means the same in every run and file.
bool is_proxy_feature(GraphFeatureSet set) {
  return set == GraphFeatureSet::kSynflow || set == GraphFeatureSet::kZico;
}

// The feature's column in vectors and cache files.
std::string proxy_feature_column(GraphFeatureSet set) {
  return set == GraphFeatureSet::kSynflow ? "log_synflow" : "zico";
}

constexpr GraphFeatureSet kProxyFeatures[] = {GraphFeatureSet::kSynflow, GraphFeatureSet::kZico};

// Values per feature + network key and architecture.
struct ProxyMemo {
  std::mutex mutex;
  std::unordered_map<std::string, std::unordered_map<Architecture, double, ArchitectureHash>>
      values;
  std::unordered_map<std::string, bool> dirty;              // computed since the last load or save
  std::unordered_map<std::string, nn::ProxyBatch> batches;  // zico's stand-in batch per network key
};

ProxyMemo& proxy_memo() {
  static ProxyMemo memo;
  return memo;
}

std::string memo_key(GraphFeatureSet set, const SearchSpace& space) {
  return option_name(set) + "|" + network_key(space);
}

// zico's stand-in batch for the space's network shape: kZicoBatch seeded standard-normal images
// with uniform labels (the same for every data set, so the feature needs no data).
constexpr int64_t kZicoBatch = 8;

nn::ProxyBatch stand_in_batch(const SearchSpace& space, const Architecture& arch) {
  ProxyMemo& memo = proxy_memo();
  const std::string key = network_key(space);
  {
    std::lock_guard<std::mutex> lock(memo.mutex);
    const auto it = memo.batches.find(key);
    if (it != memo.batches.end()) return it->second;
  }
  const nn::SpaceNetwork net = nn::build_network(space, arch);
  auto generator = at::detail::createCPUGenerator(derive_seed(0, SeedPurpose::kProxies, 3));
  nn::ProxyBatch batch{
      torch::randn({kZicoBatch, net.input_channels, net.input_size, net.input_size}, generator),
      torch::randint(net.classes, {kZicoBatch}, generator, torch::kInt64)};
  std::lock_guard<std::mutex> lock(memo.mutex);
  return memo.batches.emplace(key, batch).first->second;
}

// The proxy feature `set` of `arch`'s network, memoised per feature, network key and
// architecture; the caller's LibTorch random state is restored.
double proxy_feature(GraphFeatureSet set, const SearchSpace& space, const Architecture& arch) {
  ProxyMemo& memo = proxy_memo();
  const std::string key = memo_key(set, space);
  {
    std::lock_guard<std::mutex> lock(memo.mutex);
    const auto& of_space = memo.values[key];
    const auto it = of_space.find(arch);
    if (it != of_space.end()) return it->second;
  }
  // a safe point: a cold cache can mean minutes of these before the caller's next one
  throw_if_stop_requested("while computing the " + option_name(set) + " graph feature");
  constexpr std::uint64_t kReferenceSeed = derive_seed(0, SeedPurpose::kProxies, 2);
  at::Generator generator = at::detail::getDefaultCPUGenerator();
  const torch::Tensor state = generator.get_state();
  const torch::AutoGradMode gradients(true);  // predictions run without autograd; proxies need it
  double value = 0;
  if (set == GraphFeatureSet::kSynflow) {
    const double score = nn::score_proxies(space, arch, nn::ProxyBatch{}, {nn::ProxyKind::kSynflow},
                                           kReferenceSeed)[0];
    // synflow is >= 0 (|weights|, an all-ones input); 0 or non-finite for a network whose output
    // does not depend on its input, which the floor places below every connected one
    value = std::isfinite(score) ? std::log(std::max(score, 1e-30)) : std::log(1e-30);
  } else {
    const nn::ProxyBatch batch = stand_in_batch(space, arch);
    const double score =
        nn::score_proxies(space, arch, batch, {nn::ProxyKind::kZico}, kReferenceSeed)[0];
    // zico is a sum of logs (0 when no weight's gradient varies); non-finite only for a broken
    // network, placed with the networks whose gradients say nothing
    value = std::isfinite(score) ? score : 0.0;
  }
  generator.set_state(state);
  std::lock_guard<std::mutex> lock(memo.mutex);
  memo.values[key][arch] = value;
  memo.dirty[key] = true;
  return value;
}

// The cache file's entries for `space` (none for a missing file).
std::unordered_map<Architecture, double, ArchitectureHash> read_cache(const std::string& path,
                                                                      const SearchSpace& space,
                                                                      const std::string& column) {
  std::unordered_map<Architecture, double, ArchitectureHash> out;
  if (!std::filesystem::exists(path)) return out;
  const CsvTable table = read_csv(path);
  const std::size_t arch = table.column("arch"), value = table.column(column);
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const std::string where = path + ":" + std::to_string(table.lines[r]);
    try {
      out[space.parse(trim(table.rows[r][arch]))] = parse_double(table.rows[r][value], column);
    } catch (const DataError& e) {
      throw DataError(where + ": " + e.what() + " (a stale cache file can be deleted)");
    }
  }
  return out;
}

}  // namespace

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
    if (is_proxy_feature(set)) {
      Rng rng(0);
      nn::build_network(space,
                        space.sample(rng));  // throws ConfigError for a space without networks
      names.push_back(proxy_feature_column(set));
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
      out.push_back(
          static_cast<float>(std::log(std::max<double>(static_cast<double>(cost.params), 1.0))));
      continue;
    }
    if (is_proxy_feature(set)) {
      out.push_back(static_cast<float>(proxy_feature(set, space, arch)));
      continue;
    }
    const ArchGraph g = space.graph(arch);
    const NodeAnnotations notes = space.node_annotations(arch);
    const int types = notes.type_count - kFirstOpType;
    const auto n = static_cast<std::size_t>(g.num_nodes);
    const std::vector<int> order = topological_order(g);
    const auto edge = [&](std::size_t s, std::size_t t) {
      return s != t && g.adjacency[s * n + t] != 0;
    };
    const auto op_of = [&](std::size_t v) { return notes.types[v] - kFirstOpType; };  // < 0: no op

    // Live nodes: reachable from the input and reaching the output.
    std::vector<char> from_input(n, 0), to_output(n, 0);
    from_input[0] = 1;
    for (const int v : order) {
      for (std::size_t t = 0; t < n; ++t) {
        if (from_input[static_cast<std::size_t>(v)] && edge(static_cast<std::size_t>(v), t))
          from_input[t] = 1;
      }
    }
    to_output[n - 1] = 1;
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      for (std::size_t t = 0; t < n; ++t) {
        if (to_output[t] && edge(static_cast<std::size_t>(*it), t))
          to_output[static_cast<std::size_t>(*it)] = 1;
      }
    }
    std::vector<float> live(static_cast<std::size_t>(types), 0.0f);
    for (std::size_t v = 0; v < n; ++v) {
      if (from_input[v] && to_output[v] && op_of(v) >= 0)
        live[static_cast<std::size_t>(op_of(v))] += 1;
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

std::string feature_cache_file(const std::string& dir, const SearchSpace& space,
                               GraphFeatureSet set) {
  return join_path(dir, option_name(set) + "-" + content_hash(network_key(space)) + ".csv");
}

void load_feature_cache(const std::string& dir, const SearchSpace& space) {
  if (dir.empty()) return;
  for (const GraphFeatureSet set : kProxyFeatures) {
    const auto cached =
        read_cache(feature_cache_file(dir, space, set), space, proxy_feature_column(set));
    ProxyMemo& memo = proxy_memo();
    std::lock_guard<std::mutex> lock(memo.mutex);
    memo.values[memo_key(set, space)].insert(cached.begin(), cached.end());
  }
}

void save_feature_cache(const std::string& dir, const SearchSpace& space) {
  if (dir.empty()) return;
  for (const GraphFeatureSet set : kProxyFeatures) {
    const std::string key = memo_key(set, space);
    std::unordered_map<Architecture, double, ArchitectureHash> values;
    {
      ProxyMemo& memo = proxy_memo();
      std::lock_guard<std::mutex> lock(memo.mutex);
      if (!memo.dirty[key]) continue;
      values = memo.values[key];
      memo.dirty[key] = false;
    }
    const std::string path = feature_cache_file(dir, space, set);
    const std::string column = proxy_feature_column(set);
    for (const auto& [arch, value] : read_cache(path, space, column)) values.emplace(arch, value);
    std::vector<std::pair<std::string, double>> rows;
    for (const auto& [arch, value] : values) rows.emplace_back(space.format(arch), value);
    std::sort(rows.begin(), rows.end());
    std::vector<std::vector<std::string>> cells;
    for (const auto& [arch, value] : rows) cells.push_back({arch, format_number(value)});
    std::filesystem::create_directories(dir);
    write_file_atomic(path, format_csv({"arch", column}, cells));
  }
}

}  // namespace gnas
