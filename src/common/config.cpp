#include "gnas/common/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <type_traits>

#include "gnas/common/errors.hpp"
#include "gnas/common/text.hpp"
#include "gnas/space/op_kind.hpp"

namespace gnas {
namespace {

namespace fs = std::filesystem;
using YAML::Node;

// A field that cannot be decoded; collected, then reported with all the others.
struct FieldError {
  std::string message;
};

std::string render(const Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "null";
  if (node.IsScalar()) return node.Scalar();
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

[[noreturn]] void reject(const std::string& key, const Node& node, const std::string& rule) {
  throw FieldError{key + " (" + render(node) + "): " + rule};
}

long long decode_integer(const Node& node, const std::string& key) {
  if (!node.IsScalar()) reject(key, node, "must be an integer");
  const std::string& s = node.Scalar();
  long long v = 0;
  const char* first = s.data() + (!s.empty() && s[0] == '+' ? 1 : 0);
  auto [end, ec] = std::from_chars(first, s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
    reject(key, node, "must be an integer");
  }
  return v;
}

double decode_number(const Node& node, const std::string& key) {
  if (!node.IsScalar() || node.Scalar().empty()) reject(key, node, "must be a number");
  const std::string& s = node.Scalar();
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) reject(key, node, "must be a finite number");
  return v;
}

template <typename T>
struct Codec;

template <>
struct Codec<bool> {
  static const char* name() { return "bool"; }
  static bool decode(const Node& node, const std::string& key) {
    bool v = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, v)) {
      reject(key, node, "must be true or false");
    }
    return v;
  }
  static Node encode(bool v) { return Node(v); }
};

template <>
struct Codec<int> {
  static const char* name() { return "int"; }
  static int decode(const Node& node, const std::string& key) {
    const long long v = decode_integer(node, key);
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
      reject(key, node, "must fit in a 32-bit integer");
    }
    return static_cast<int>(v);
  }
  static Node encode(int v) { return Node(v); }
};

template <>
struct Codec<std::uint64_t> {
  static const char* name() { return "uint64"; }
  static std::uint64_t decode(const Node& node, const std::string& key) {
    if (!node.IsScalar()) reject(key, node, "must be a non-negative integer");
    const std::string& s = node.Scalar();
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
      reject(key, node, "must be a non-negative integer");
    }
    return v;
  }
  static Node encode(std::uint64_t v) { return Node(std::to_string(v)); }
};

template <>
struct Codec<double> {
  static const char* name() { return "float"; }
  static double decode(const Node& node, const std::string& key) { return decode_number(node, key); }
  static Node encode(double v) { return Node(format_number(v)); }
};

template <>
struct Codec<std::string> {
  static const char* name() { return "string"; }
  static std::string decode(const Node& node, const std::string& key) {
    if (!node.IsScalar()) reject(key, node, "must be a string");
    // YAML is Unicode text: other bytes would be written back as U+FFFD, another value
    if (!is_utf8(node.Scalar())) reject(key, node, "must be UTF-8 text");
    return node.Scalar();
  }
  static Node encode(const std::string& v) { return Node(v); }
};

template <typename T>
struct Codec<std::vector<T>> {
  static std::string name() { return std::string("list of ") + Codec<T>::name(); }
  static std::vector<T> decode(const Node& node, const std::string& key) {
    if (!node.IsSequence()) reject(key, node, "must be a list");
    std::vector<T> out;
    for (std::size_t i = 0; i < node.size(); ++i) {
      out.push_back(Codec<T>::decode(node[i], key + "[" + std::to_string(i) + "]"));
    }
    return out;
  }
  static Node encode(const std::vector<T>& v) {
    Node node(YAML::NodeType::Sequence);
    for (const auto& x : v) node.push_back(Codec<T>::encode(x));
    node.SetStyle(YAML::EmitterStyle::Flow);
    return node;
  }
};

// A layer is written [out_channels, stride] like the original, or as a mapping.
template <>
struct Codec<LayerConfig> {
  static const char* name() { return "[out_channels, stride]"; }
  static LayerConfig decode(const Node& node, const std::string& key) {
    LayerConfig layer;
    if (node.IsSequence()) {
      if (node.size() != 2) reject(key, node, "must be [out_channels, stride]");
      layer.out_channels = Codec<int>::decode(node[0], key + ".out_channels");
      layer.stride = Codec<int>::decode(node[1], key + ".stride");
    } else if (node.IsMap()) {
      for (const auto& kv : node) {
        const std::string sub = kv.first.Scalar();
        if (sub != "out_channels" && sub != "stride") {
          reject(key + "." + sub, kv.second, "unknown key (known: out_channels, stride)");
        }
      }
      if (node["out_channels"]) {
        layer.out_channels = Codec<int>::decode(node["out_channels"], key + ".out_channels");
      }
      if (node["stride"]) layer.stride = Codec<int>::decode(node["stride"], key + ".stride");
    } else {
      reject(key, node, "must be [out_channels, stride]");
    }
    return layer;
  }
  static Node encode(const LayerConfig& v) {
    Node node(YAML::NodeType::Sequence);
    node.push_back(v.out_channels);
    node.push_back(v.stride);
    node.SetStyle(YAML::EmitterStyle::Flow);
    return node;
  }
};

struct Field {
  std::string key;
  std::string type;
  std::string doc;
  std::function<void(Config&, const Node&)> read;
  std::function<Node(const Config&)> write;
};

template <typename Access>
Field make_field(std::string key, Access access, std::string doc) {
  using T = std::decay_t<decltype(access(std::declval<Config&>()))>;
  Field f{key, Codec<T>::name(), std::move(doc), {}, {}};
  f.read = [key, access](Config& c, const Node& node) { access(c) = Codec<T>::decode(node, key); };
  f.write = [access](const Config& c) { return Codec<T>::encode(access(c)); };
  return f;
}

#define GNAS_FIELD(member, doc) \
  make_field(#member, [](auto& c) -> auto& { return c.member; }, doc)

// Every key, declared once; order = the order of a written config.
const std::vector<Field>& fields() {
  static const std::vector<Field> kFields = {
      GNAS_FIELD(cuda, "train on CUDA when available (training steps)"),
      GNAS_FIELD(ngpu, "GPUs to use (>= 0)"),
      GNAS_FIELD(num_workers, "CPU threads for data loading and intra-op work (>= 0)"),
      GNAS_FIELD(seed, "seed of every random choice"),
      GNAS_FIELD(device, "auto | cpu | cuda | cuda:N (auto: CUDA when cuda is true and available)"),
      GNAS_FIELD(num_threads, "CPU intra-op threads of every step; 0 = every CPU the process may use"),
      GNAS_FIELD(path_to_architecture, "CSV of sampled architectures (generate writes it)"),
      GNAS_FIELD(path_to_evolution_architecture, "CSV of the searched architecture"),
      GNAS_FIELD(path_to_train_data, "CSV of labelled architectures"),
      GNAS_FIELD(path_to_save_predictor, "where train_predictor saves the predictor"),
      GNAS_FIELD(predictor_pretrained, "predictor that evolution and evaluate load"),
      GNAS_FIELD(log_dir, "folder of logs, summaries, resolved configs and plots"),
      GNAS_FIELD(write_dir, "folder of training checkpoints"),
      GNAS_FIELD(epochs, "training epochs per architecture (>= 1)"),
      GNAS_FIELD(batch_size, "training batch size (>= 1)"),
      GNAS_FIELD(print_freq, "progress line every N batches (>= 1)"),
      GNAS_FIELD(dataset, "cifar10 | cifar100 | fashion_mnist | mnist"),
      GNAS_FIELD(classes, "number of classes (>= 2)"),
      GNAS_FIELD(dataset_dir, "folder holding the dataset files"),
      GNAS_FIELD(input_size, "input height = width, pixels (>= 1)"),
      GNAS_FIELD(input_channels, "input channels: 3 for CIFAR, 1 for (Fashion-)MNIST"),
      GNAS_FIELD(train_portion, "share of the training split used to train, in (0, 1]"),
      GNAS_FIELD(mean, "normalisation mean, one value per input channel"),
      GNAS_FIELD(std, "normalisation std, one positive value per input channel"),
      GNAS_FIELD(optim_state.optimizer, "sgd | adam | rmsprop"),
      GNAS_FIELD(optim_state.lr, "initial learning rate (> 0)"),
      GNAS_FIELD(optim_state.momentum, "momentum, in [0, 1)"),
      GNAS_FIELD(optim_state.weight_decay, "L2 penalty (>= 0)"),
      GNAS_FIELD(lr_scheduler, "step | cosine | cosine_original (the original's: T_max = epochs x batches, stepped once per epoch, so the rate stays near lr)"),
      GNAS_FIELD(step_size, "epochs between step decays (>= 1)"),
      GNAS_FIELD(decay_ratio, "step decay factor, in (0, 1]"),
      GNAS_FIELD(label_smoothing, "cross-entropy label smoothing, in [0, 1)"),
      GNAS_FIELD(train_subset, "train on a seeded random N images; 0 = the whole split"),
      GNAS_FIELD(test_subset, "evaluate on a seeded random N images; 0 = the whole split"),
      GNAS_FIELD(repeats, "trainings per architecture for a label, each with its own seed"),
      GNAS_FIELD(channels_last, "NHWC memory format for convolutions (faster on CPU)"),
      GNAS_FIELD(augment.crop_padding, "zero padding of the random crop, pixels; 0 = no crop"),
      GNAS_FIELD(augment.flip, "random horizontal flip"),
      GNAS_FIELD(labels.agreement_check, "K > 0: train --train-data trains the first K architectures (id < K) once more with a fresh seed and reports label_agreement_tau, the Kendall tau between those trainings and the labels; 0 = off"),
      GNAS_FIELD(labels.common_random_numbers, "every architecture of one repeat trains from the same seed (data order, augmentation, initialisation stream); false = a seed per architecture (the original)"),
      GNAS_FIELD(labels.bn_recalibration, "N > 0: BatchNorm statistics recomputed over N training batches before each evaluation; 0 = running averages (the original)"),
      GNAS_FIELD(search_space, "layerwise (the original's macro space) | nasbench201 (the NAS-Bench-201 cell space)"),
      GNAS_FIELD(benchmark_table, "benchmark mode: CSV arch,test_acc (percent) that train looks architectures up in instead of training them; empty = train for real"),
      GNAS_FIELD(ops_name, "candidate ops of every layer, in gene order"),
      GNAS_FIELD(l_cfgs, "search layers, each [out_channels, stride]"),
      GNAS_FIELD(stem_channels, "output channels of the 3x3 stem conv (>= 1)"),
      GNAS_FIELD(head_channels, "output channels of the 1x1 head conv (>= 1)"),
      GNAS_FIELD(macs_budget, "hardware budget, millions of MACs; 0 = none (>= 0)"),
      GNAS_FIELD(params_budget, "parameter budget of evolution, millions; 0 = none (>= 0)"),
      GNAS_FIELD(latency_budget_ms, "latency budget of evolution, ms at batch 1 as latency_table predicts it; 0 = none (>= 0)"),
      GNAS_FIELD(latency_table, "per-op latency CSV that evaluate --profile-latency writes (any device's); empty = none"),
      GNAS_FIELD(sample_count, "architectures generate draws (>= 1)"),
      GNAS_FIELD(sampling.prescreen, "> 0: generate draws N candidates, scores them with the zero-cost proxies (proxies.names) and keeps the sample_count with the best ensemble rank; 0 = uniform samples (0 or >= sample_count)"),
      GNAS_FIELD(sampling.within_budget, "generate keeps only architectures within macs_budget"),
      GNAS_FIELD(sampling.max_attempts, "draws allowed before generate gives up (>= 1)"),
      GNAS_FIELD(latency.warmup, "untimed forward passes before timing (>= 0)"),
      GNAS_FIELD(latency.repeats, "timed forward passes (>= 1)"),
      GNAS_FIELD(latency.threads, "intra-op threads while timing; 0 = num_threads"),
      GNAS_FIELD(latency.statistic, "min | median of the timed passes (min: robust to other processes on the CPU, docs/benchmarks.md)"),
      GNAS_FIELD(latency.calibration, "whole sampled networks evaluate --profile-latency times to fit the table's fixed part, op scale and per-extra-op cost to real forward passes; 0 = the ops as timed alone (0 or >= 5)"),
      GNAS_FIELD(latency.runtime, "libtorch | opencv: what runs the timed networks (opencv: the exported ONNX model in OpenCV's DNN module); a latency table records it"),
      GNAS_FIELD(predictor.type, "gnn (DESIGN 1.6's graph network) | mlp (on the flat op encoding) | xgboost (gradient-boosted trees on the flat op encoding and graph features; tuned only)"),
      GNAS_FIELD(predictor.variant, "original (DESIGN 1.6 exactly: network and training recipe, Adam 1e-4, batch 1, 50 epochs, raw targets, no validation split) | tuned (uses the switches below)"),
      GNAS_FIELD(predictor.node_features, "tuned gnn: degree ([out-degree, 1, 1]) | ops (+ op type one-hot, MACs)"),
      GNAS_FIELD(predictor.graph_features, "tuned: graph-level inputs, a list of graf (GRAF-style path counts and lengths by op type), cost (log MACs, log parameters) synflow (log of the data-free zero-cost proxy, one reference initialisation) and zico (ZiCo under that initialisation on a fixed stand-in batch of noise images); [] = none"),
      GNAS_FIELD(predictor.feature_cache, "folder where the synflow and zico graph features computed by one step are kept for the next steps and runs (one file per space and network shape; the values never change); empty = recomputed by every process"),
      GNAS_FIELD(predictor.ranking_weight, "tuned: weight of the pairwise ranking loss beside MSE (>= 0)"),
      GNAS_FIELD(predictor.ensemble, "tuned: independently seeded models whose predictions are averaged (>= 1)"),
      GNAS_FIELD(predictor.hidden, "tuned: node embedding width (gnn) or hidden width (mlp) (>= 1)"),
      GNAS_FIELD(predictor.blocks, "tuned gnn: aggregation + GRU blocks (>= 1)"),
      GNAS_FIELD(predictor.epochs, "most passes over the training labels (>= 1)"),
      GNAS_FIELD(predictor.batch_size, "architectures per minibatch (>= 1)"),
      GNAS_FIELD(predictor.lr, "Adam learning rate (> 0)"),
      GNAS_FIELD(predictor.weight_decay, "Adam L2 penalty (>= 0)"),
      GNAS_FIELD(predictor.validation_share, "share of the training labels held out to pick the epoch, in [0, 1)"),
      GNAS_FIELD(predictor.patience, "stop after N epochs without validation gain; 0 = never (>= 0)"),
      GNAS_FIELD(predictor.trees, "xgboost: boosting rounds, one tree each (>= 1)"),
      GNAS_FIELD(predictor.tree_depth, "xgboost: deepest tree, in [1, 16]"),
      GNAS_FIELD(predictor.tree_eta, "xgboost: shrinkage of each tree's contribution, in (0, 1]"),
      GNAS_FIELD(predictor.tree_subsample, "xgboost: share of the labels and of the features each tree sees, in (0, 1]"),
      GNAS_FIELD(predictor.test_count, "labels held out for the reported metrics; 0 = none (>= 0)"),
      GNAS_FIELD(predictor.test_split, "last (the file's last test_count rows, as the original) | random (seeded)"),
      GNAS_FIELD(evolution.population, "architectures per generation (>= 2)"),
      GNAS_FIELD(evolution.parents, "top-k pool the parents are drawn from (>= 1)"),
      GNAS_FIELD(evolution.mutation_prob, "per-gene mutation probability, in [0, 1]"),
      GNAS_FIELD(evolution.generations, "generations after the initial population (>= 0)"),
      GNAS_FIELD(evolution.max_attempts, "redraws of a child that breaks a constraint (>= 1)"),
      GNAS_FIELD(evolution.variant, "gnas (P/2 crossover-only and P/2 mutation-only children of the best seen) | original (the original's GA: the best P/2 of the population plus P/2 children, each a crossover with the cut in [0, genes) followed by mutation)"),
      GNAS_FIELD(evolution.pareto, "search at pareto_budgets budgets up to macs_budget and report the accuracy-MACs front"),
      GNAS_FIELD(evolution.pareto_budgets, "MACs budgets of the Pareto mode, evenly spaced from the space's minimum (>= 1)"),
      GNAS_FIELD(proxies.names, "zero-cost proxies evaluate --proxies computes, a list of synflow, nwot, grad_norm, snip, zico"),
      GNAS_FIELD(proxies.batch_size, "images of the seeded minibatch the proxies score on (>= 2; zico splits it in halves)"),
      GNAS_FIELD(search.rounds, "iterative refinement rounds after the first search; 0 = none, as the original (>= 0)"),
      GNAS_FIELD(search.per_round, "architectures labelled per refinement round: the best predicted not yet labelled (>= 1)"),
      GNAS_FIELD(search.verify, "after the last search, label the V best predicted architectures not yet labelled (generate --verify), so the answer is measured; needs pick best_labelled; 0 = none (>= 0)"),
      GNAS_FIELD(search.uncertainty_weight, "search fitness = ensemble mean - k x ensemble std of the predictions (>= 0; > 0 needs predictor.ensemble >= 2)"),
      GNAS_FIELD(search.pick, "the pipeline's answer: best_labelled (the labelled architecture with the best label, verified ones included) | evolved (the last search's best predicted, as the original)"),
  };
  return kFields;
}

#undef GNAS_FIELD

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  std::stringstream ss(key);
  std::string part;
  while (std::getline(ss, part, '.')) parts.push_back(part);
  return parts;
}

std::set<std::string> section_names() {
  std::set<std::string> sections;
  for (const auto& f : fields()) {
    const auto dot = f.key.find('.');
    if (dot != std::string::npos) sections.insert(f.key.substr(0, dot));
  }
  return sections;
}

const Field* find_field(const std::string& key) {
  for (const auto& f : fields()) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

std::string closest_key(const std::string& key) {
  std::string best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  const auto leaf = [](const std::string& k) { return k.substr(k.rfind('.') + 1); };
  for (const auto& f : fields()) {
    const std::size_t d =
        std::min(edit_distance(key, f.key), edit_distance(leaf(key), leaf(f.key)) + 1);
    if (d < best_distance) {
      best_distance = d;
      best = f.key;
    }
  }
  return best;
}

std::string unknown_key_line(const std::string& key) {
  return "unknown key '" + key + "' (did you mean '" + closest_key(key) + "'?)";
}

// A key given twice in one mapping: yaml-cpp keeps both and a lookup sees only one of them.
void refuse_duplicate_keys(const Node& node, const std::string& origin) {
  if (node.IsMap()) {
    std::map<std::string, int> first_line;
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      const int line = kv.first.Mark().line + 1;
      const auto [it, fresh] = first_line.emplace(key, line);
      if (!fresh) {
        throw ConfigError(origin + ":" + std::to_string(line) + ": key '" + key +
                          "' is given twice (also on line " + std::to_string(it->second) +
                          "); keep one of them");
      }
      refuse_duplicate_keys(kv.second, origin);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) refuse_duplicate_keys(item, origin);
  }
}

Node parse_yaml(const std::string& text, const std::string& origin) {
  Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(origin + ":" + std::to_string(e.mark.line + 1) + ":" +
                      std::to_string(e.mark.column + 1) + ": YAML syntax error: " + e.msg);
  }
  refuse_duplicate_keys(root, origin);
  return root;
}

Node read_yaml_file(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw ConfigError(path.string() + ": is a directory, not a configuration file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path.string() + ": cannot read the configuration file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_yaml(buffer.str(), path.string());
}

// Replaces every `!include FILE` by FILE's content, FILE relative to the including file.
Node resolve_includes(const Node& node, const fs::path& base_dir, int depth) {
  if (depth > 16) throw ConfigError("!include nested more than 16 deep (a cycle?) under " +
                                    base_dir.string());
  if (node.Tag() == "!include") {
    if (!node.IsScalar()) throw ConfigError("!include (" + render(node) + "): must name a file");
    const fs::path target = base_dir / node.Scalar();
    return resolve_includes(read_yaml_file(target), target.parent_path(), depth + 1);
  }
  if (node.IsMap()) {
    Node out(YAML::NodeType::Map);
    for (const auto& kv : node) out[kv.first.Scalar()] = resolve_includes(kv.second, base_dir, depth);
    return out;
  }
  if (node.IsSequence()) {
    Node out(YAML::NodeType::Sequence);
    for (const auto& item : node) out.push_back(resolve_includes(item, base_dir, depth));
    out.SetStyle(node.Style());
    return out;
  }
  return node;
}

void set_path(Node map, const std::vector<std::string>& parts, std::size_t i, const Node& value) {
  if (i + 1 == parts.size()) {
    map[parts[i]] = value;
    return;
  }
  if (!map[parts[i]].IsMap()) map[parts[i]] = Node(YAML::NodeType::Map);
  set_path(map[parts[i]], parts, i + 1, value);
}

Node find_path(const Node& root, const std::vector<std::string>& parts) {
  Node cur(root);
  for (const auto& part : parts) {
    if (!cur.IsMap()) return Node(YAML::NodeType::Undefined);
    const Node next = static_cast<const Node&>(cur)[part];
    if (!next.IsDefined()) return next;
    cur.reset(next);
  }
  return cur;
}

void apply_override(Node& root, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ConfigError("--set " + assignment + ": expected dotted.key=value");
  }
  const std::string key = assignment.substr(0, eq);
  if (!find_field(key)) throw ConfigError("--set: " + unknown_key_line(key));
  const Node value = parse_yaml(assignment.substr(eq + 1), "--set " + key);
  set_path(root, split_key(key), 0, value);
}

void collect_unknown(const Node& map, const std::string& prefix, const std::set<std::string>& sections,
                     std::vector<std::string>& unknown, std::vector<std::string>& errors) {
  for (const auto& kv : map) {
    const std::string key = prefix + kv.first.Scalar();
    if (find_field(key)) continue;
    if (sections.count(key)) {
      if (kv.second.IsMap()) {
        collect_unknown(kv.second, key + ".", sections, unknown, errors);
      } else if (!kv.second.IsNull()) {
        errors.push_back(key + " (" + render(kv.second) + "): must be a mapping of keys");
      }
      continue;
    }
    unknown.push_back(key);
  }
}

Config decode_tree(const Node& root, const std::string& origin) {
  if (!root.IsMap()) throw ConfigError(origin + ": the top level must be a mapping of keys");
  std::vector<std::string> unknown;
  std::vector<std::string> errors;
  collect_unknown(root, "", section_names(), unknown, errors);
  if (!unknown.empty()) {
    std::string msg = origin + ": " + std::to_string(unknown.size()) + " unknown configuration key" +
                      (unknown.size() > 1 ? "s" : "") + ":";
    for (const auto& key : unknown) msg += "\n  " + unknown_key_line(key);
    throw ConfigError(msg);
  }
  Config config;
  std::vector<std::string> undecoded;
  for (const auto& f : fields()) {
    const Node node = find_path(root, split_key(f.key));
    if (!node.IsDefined()) continue;
    try {
      f.read(config, node);
    } catch (const FieldError& e) {
      errors.push_back(e.message);
      undecoded.push_back(f.key);
    }
  }
  // A key that could not be read keeps its default; rules about that default would only confuse.
  for (auto& e : validation_errors(config)) {
    const bool about_undecoded = std::any_of(undecoded.begin(), undecoded.end(), [&e](const auto& k) {
      return e.rfind(k + " (", 0) == 0 || e.rfind(k + "[", 0) == 0 || e.rfind(k + ".", 0) == 0;
    });
    if (!about_undecoded) errors.push_back(std::move(e));
  }
  if (!errors.empty()) {
    std::string msg = origin + ": invalid configuration:";
    for (const auto& e : errors) msg += "\n  " + e;
    throw ConfigError(msg);
  }
  return config;
}

Config load_tree(Node root, const std::string& origin, const fs::path& base_dir,
                 const std::vector<std::string>& overrides) {
  root = resolve_includes(root, base_dir, 0);
  if (root.IsNull()) root = Node(YAML::NodeType::Map);
  if (!root.IsMap()) throw ConfigError(origin + ": the top level must be a mapping of keys");
  for (const auto& o : overrides) apply_override(root, o);
  return decode_tree(root, origin);
}

std::string list_text(const std::vector<double>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + format_number(v[i]);
  return s + "]";
}

}  // namespace

bool Config::operator==(const Config& o) const {
  return cuda == o.cuda && ngpu == o.ngpu && num_workers == o.num_workers && seed == o.seed &&
         device == o.device && num_threads == o.num_threads &&
         label_smoothing == o.label_smoothing && train_subset == o.train_subset &&
         test_subset == o.test_subset && repeats == o.repeats && channels_last == o.channels_last &&
         augment == o.augment && labels == o.labels &&
         path_to_architecture == o.path_to_architecture &&
         path_to_evolution_architecture == o.path_to_evolution_architecture &&
         path_to_train_data == o.path_to_train_data &&
         path_to_save_predictor == o.path_to_save_predictor &&
         predictor_pretrained == o.predictor_pretrained && log_dir == o.log_dir &&
         write_dir == o.write_dir && epochs == o.epochs && batch_size == o.batch_size &&
         print_freq == o.print_freq && dataset == o.dataset && classes == o.classes &&
         dataset_dir == o.dataset_dir && input_size == o.input_size &&
         input_channels == o.input_channels && train_portion == o.train_portion &&
         mean == o.mean && std == o.std && optim_state == o.optim_state &&
         lr_scheduler == o.lr_scheduler && step_size == o.step_size &&
         decay_ratio == o.decay_ratio && search_space == o.search_space &&
         ops_name == o.ops_name && l_cfgs == o.l_cfgs && stem_channels == o.stem_channels &&
         head_channels == o.head_channels && macs_budget == o.macs_budget &&
         sample_count == o.sample_count && sampling == o.sampling && latency == o.latency &&
         predictor == o.predictor && params_budget == o.params_budget && evolution == o.evolution &&
         proxies == o.proxies &&
         benchmark_table == o.benchmark_table && search == o.search &&
         latency_budget_ms == o.latency_budget_ms && latency_table == o.latency_table;
}

const std::vector<ConfigKeyDoc>& config_keys() {
  static const std::vector<ConfigKeyDoc> kDocs = [] {
    std::vector<ConfigKeyDoc> docs;
    const Config defaults;
    for (const auto& f : fields()) docs.push_back({f.key, f.type, f.doc});
    return docs;
  }();
  return kDocs;
}

Config load_config(const std::string& path, const std::vector<std::string>& overrides) {
  const fs::path p(path);
  Node root = read_yaml_file(p);
  // An empty file is far more often a mistake (a truncated copy, the wrong file) than a wish for
  // every default, and a run on defaults writes to the default paths.
  if (root.IsNull() || (root.IsMap() && root.size() == 0)) {
    throw ConfigError(path + ": the configuration file is empty (no keys); start from "
                             "config/config.yml, or name at least one key");
  }
  return load_tree(root, path, p.parent_path(), overrides);
}

Config load_config_text(const std::string& yaml, const std::string& origin,
                        const std::vector<std::string>& overrides) {
  return load_tree(parse_yaml(yaml, origin), origin, fs::path(origin).parent_path(), overrides);
}

std::vector<std::string> validation_errors(const Config& c) {
  std::vector<std::string> errors;
  const auto check = [&errors](bool ok, const std::string& key, const std::string& value,
                               const std::string& rule) {
    if (!ok) errors.push_back(key + " (" + value + "): " + rule);
  };
  const auto num = [](double v) { return format_number(v); };
  const auto one_of = [&check](const std::string& key, const std::string& value,
                               std::initializer_list<const char*> allowed) {
    std::string rule = "must be one of ";
    bool ok = false;
    for (const char* a : allowed) {
      ok = ok || value == a;
      rule += (rule.size() > 16 ? ", " : "") + std::string(a);
    }
    check(ok, key, value, rule);
  };

  check(c.ngpu >= 0, "ngpu", std::to_string(c.ngpu), "must be >= 0");
  check(c.num_workers >= 0, "num_workers", std::to_string(c.num_workers), "must be >= 0");
  for (const auto& [key, value] :
       std::initializer_list<std::pair<const char*, const std::string*>>{
           {"path_to_architecture", &c.path_to_architecture},
           {"path_to_evolution_architecture", &c.path_to_evolution_architecture},
           {"path_to_train_data", &c.path_to_train_data},
           {"path_to_save_predictor", &c.path_to_save_predictor},
           {"predictor_pretrained", &c.predictor_pretrained},
           {"log_dir", &c.log_dir},
           {"write_dir", &c.write_dir},
           {"dataset_dir", &c.dataset_dir}}) {
    check(!value->empty(), key, "", "must not be empty");
  }
  check(c.epochs >= 1, "epochs", std::to_string(c.epochs), "must be >= 1");
  check(c.batch_size >= 1, "batch_size", std::to_string(c.batch_size), "must be >= 1");
  check(c.print_freq >= 1, "print_freq", std::to_string(c.print_freq), "must be >= 1");
  one_of("dataset", c.dataset, {"cifar10", "cifar100", "fashion_mnist", "mnist"});
  check(c.classes >= 2, "classes", std::to_string(c.classes), "must be >= 2");
  check(c.input_size >= 1, "input_size", std::to_string(c.input_size), "must be >= 1");
  check(c.input_channels >= 1, "input_channels", std::to_string(c.input_channels), "must be >= 1");
  check(c.train_portion > 0 && c.train_portion <= 1, "train_portion", num(c.train_portion),
        "must be in (0, 1]");
  const std::string channels = "must have input_channels (" + std::to_string(c.input_channels) +
                               ") values";
  check(static_cast<int>(c.mean.size()) == c.input_channels, "mean", list_text(c.mean), channels);
  check(static_cast<int>(c.std.size()) == c.input_channels, "std", list_text(c.std), channels);
  for (std::size_t i = 0; i < c.std.size(); ++i) {
    check(c.std[i] > 0, "std[" + std::to_string(i) + "]", num(c.std[i]), "must be > 0");
  }
  one_of("optim_state.optimizer", c.optim_state.optimizer, {"sgd", "adam", "rmsprop"});
  check(c.optim_state.lr > 0, "optim_state.lr", num(c.optim_state.lr), "must be > 0");
  check(c.optim_state.momentum >= 0 && c.optim_state.momentum < 1, "optim_state.momentum",
        num(c.optim_state.momentum), "must be in [0, 1)");
  check(c.optim_state.weight_decay >= 0, "optim_state.weight_decay",
        num(c.optim_state.weight_decay), "must be >= 0");
  one_of("lr_scheduler", c.lr_scheduler, {"step", "cosine", "cosine_original"});
  check(c.step_size >= 1, "step_size", std::to_string(c.step_size), "must be >= 1");
  check(c.decay_ratio > 0 && c.decay_ratio <= 1, "decay_ratio", num(c.decay_ratio),
        "must be in (0, 1]");
  one_of("search_space", c.search_space, {"layerwise", "nasbench201"});
  const bool device_ok = c.device == "auto" || c.device == "cpu" || c.device == "cuda" ||
                         (c.device.rfind("cuda:", 0) == 0 && c.device.size() > 5 &&
                          c.device.find_first_not_of("0123456789", 5) == std::string::npos);
  check(device_ok, "device", c.device, "must be auto, cpu, cuda or cuda:N");
  check(c.num_threads >= 0, "num_threads", std::to_string(c.num_threads), "must be >= 0");
  check(c.label_smoothing >= 0 && c.label_smoothing < 1, "label_smoothing",
        num(c.label_smoothing), "must be in [0, 1)");
  check(c.train_subset >= 0, "train_subset", std::to_string(c.train_subset), "must be >= 0");
  check(c.test_subset >= 0, "test_subset", std::to_string(c.test_subset), "must be >= 0");
  check(c.repeats >= 1, "repeats", std::to_string(c.repeats), "must be >= 1");
  check(c.labels.agreement_check >= 0, "labels.agreement_check", std::to_string(c.labels.agreement_check),
        "must be >= 0");
  check(c.labels.agreement_check == 0 || c.labels.agreement_check >= 3,
        "labels.agreement_check", std::to_string(c.labels.agreement_check),
        "must be 0 or >= 3 (a rank agreement needs three architectures)");
  check(c.labels.agreement_check <= c.sample_count, "labels.agreement_check",
        std::to_string(c.labels.agreement_check),
        "must be <= sample_count (" + std::to_string(c.sample_count) + "): the check retrains labelled architectures");
  check(c.labels.bn_recalibration >= 0, "labels.bn_recalibration", std::to_string(c.labels.bn_recalibration),
        "must be >= 0");
  check(c.augment.crop_padding >= 0, "augment.crop_padding", std::to_string(c.augment.crop_padding),
        "must be >= 0");

  check(!c.ops_name.empty(), "ops_name", "[]", "must name at least one op");
  std::string known_ops;
  for (const auto& [name, kind] : kOpNames) {
    known_ops += (known_ops.empty() ? "" : ", ") + std::string(name);
  }
  bool has_skip = false;
  for (std::size_t i = 0; i < c.ops_name.size(); ++i) {
    const std::string key = "ops_name[" + std::to_string(i) + "]";
    const auto kind = op_kind_from_name(c.ops_name[i]);
    check(kind.has_value(), key, c.ops_name[i], "must be one of " + known_ops);
    has_skip = has_skip || kind == OpKind::kSkip;
    const bool repeated =
        std::find(c.ops_name.begin(), c.ops_name.begin() + static_cast<long>(i), c.ops_name[i]) !=
        c.ops_name.begin() + static_cast<long>(i);
    check(!repeated, key, c.ops_name[i], "appears more than once");
  }
  check(!c.l_cfgs.empty(), "l_cfgs", "[]", "must hold at least one layer");
  for (std::size_t i = 0; i < c.l_cfgs.size(); ++i) {
    const std::string key = "l_cfgs[" + std::to_string(i) + "]";
    const LayerConfig& layer = c.l_cfgs[i];
    check(layer.out_channels >= 1, key + ".out_channels", std::to_string(layer.out_channels),
          "must be >= 1");
    check(layer.stride == 1 || layer.stride == 2, key + ".stride", std::to_string(layer.stride),
          "must be 1 or 2");
    check(!(has_skip && layer.stride == 2 && layer.out_channels % 2 != 0), key + ".out_channels",
          std::to_string(layer.out_channels),
          "must be even when stride is 2 (skip's factorized reduce splits it in halves)");
  }
  check(c.stem_channels >= 1, "stem_channels", std::to_string(c.stem_channels), "must be >= 1");
  check(c.head_channels >= 1, "head_channels", std::to_string(c.head_channels), "must be >= 1");
  check(c.macs_budget >= 0, "macs_budget", num(c.macs_budget), "must be >= 0");
  check(c.search.rounds >= 0, "search.rounds", std::to_string(c.search.rounds), "must be >= 0");
  check(c.search.per_round >= 1, "search.per_round", std::to_string(c.search.per_round),
        "must be >= 1");
  one_of("search.pick", c.search.pick, {"evolved", "best_labelled"});
  check(c.params_budget >= 0, "params_budget", num(c.params_budget), "must be >= 0");
  check(c.latency_budget_ms >= 0, "latency_budget_ms", num(c.latency_budget_ms), "must be >= 0");
  check(c.latency_budget_ms == 0 || !c.latency_table.empty(), "latency_budget_ms",
        num(c.latency_budget_ms),
        "needs latency_table (evaluate --profile-latency measures one)");
  const EvolutionConfig& e = c.evolution;
  check(e.population >= 2, "evolution.population", std::to_string(e.population), "must be >= 2");
  check(e.parents >= 1, "evolution.parents", std::to_string(e.parents), "must be >= 1");
  check(e.mutation_prob >= 0 && e.mutation_prob <= 1, "evolution.mutation_prob",
        num(e.mutation_prob), "must be in [0, 1]");
  check(e.generations >= 0, "evolution.generations", std::to_string(e.generations), "must be >= 0");
  check(e.max_attempts >= 1, "evolution.max_attempts", std::to_string(e.max_attempts),
        "must be >= 1");
  check(e.pareto_budgets >= 1, "evolution.pareto_budgets", std::to_string(e.pareto_budgets),
        "must be >= 1");
  check(c.sample_count >= 1, "sample_count", std::to_string(c.sample_count), "must be >= 1");
  check(c.sampling.max_attempts >= 1, "sampling.max_attempts",
        std::to_string(c.sampling.max_attempts), "must be >= 1");
  check(c.latency.warmup >= 0, "latency.warmup", std::to_string(c.latency.warmup), "must be >= 0");
  check(c.latency.repeats >= 1, "latency.repeats", std::to_string(c.latency.repeats),
        "must be >= 1");
  check(c.latency.threads >= 0, "latency.threads", std::to_string(c.latency.threads),
        "must be >= 0");
  one_of("latency.statistic", c.latency.statistic, {"min", "median"});
  check(c.latency.calibration == 0 || c.latency.calibration >= 5, "latency.calibration",
        std::to_string(c.latency.calibration), "must be 0 (none) or >= 5 (three terms are fitted)");
  one_of("latency.runtime", c.latency.runtime, {"libtorch", "opencv"});
  const PredictorConfig& p = c.predictor;
  check(c.search.verify >= 0, "search.verify", std::to_string(c.search.verify), "must be >= 0");
  check(c.search.verify == 0 || c.search.pick == "best_labelled", "search.verify",
        std::to_string(c.search.verify),
        "labels the best predicted so that the best label can be the answer: needs search.pick best_labelled");
  check(c.search.uncertainty_weight >= 0, "search.uncertainty_weight", num(c.search.uncertainty_weight),
        "must be >= 0");
  check(c.search.uncertainty_weight == 0 || c.predictor.ensemble >= 2, "search.uncertainty_weight",
        num(c.search.uncertainty_weight), "needs predictor.ensemble >= 2 (the spread of an ensemble)");
  check(c.sampling.prescreen == 0 || c.sampling.prescreen >= c.sample_count, "sampling.prescreen",
        std::to_string(c.sampling.prescreen), "must be 0 or >= sample_count (" +
        std::to_string(c.sample_count) + "): it keeps sample_count of its candidates");
  for (std::size_t i = 0; i < c.proxies.names.size(); ++i) {
    const std::string key = "proxies.names[" + std::to_string(i) + "]";
    one_of(key, c.proxies.names[i], {"synflow", "nwot", "grad_norm", "snip", "zico"});
    check(std::find(c.proxies.names.begin(), c.proxies.names.begin() + static_cast<long>(i),
                    c.proxies.names[i]) == c.proxies.names.begin() + static_cast<long>(i),
          key, c.proxies.names[i], "appears more than once");
  }
  check(!c.proxies.names.empty(), "proxies.names", "[]", "must name at least one proxy");
  check(c.proxies.batch_size >= 2, "proxies.batch_size", std::to_string(c.proxies.batch_size),
        "must be >= 2 (zico compares two halves of the batch)");
  one_of("evolution.variant", c.evolution.variant, {"gnas", "original"});
  one_of("predictor.type", p.type, {"gnn", "mlp", "xgboost"});
  one_of("predictor.variant", p.variant, {"original", "tuned"});
  check(p.type != "xgboost" || p.variant == "tuned", "predictor.type", p.type,
        "needs predictor.variant tuned (the original has no tree model)");
  check(p.trees >= 1, "predictor.trees", std::to_string(p.trees), "must be >= 1");
  check(p.tree_depth >= 1 && p.tree_depth <= 16, "predictor.tree_depth", std::to_string(p.tree_depth),
        "must be in [1, 16]");
  check(p.tree_eta > 0 && p.tree_eta <= 1, "predictor.tree_eta", num(p.tree_eta), "must be in (0, 1]");
  check(p.tree_subsample > 0 && p.tree_subsample <= 1, "predictor.tree_subsample",
        num(p.tree_subsample), "must be in (0, 1]");
  one_of("predictor.node_features", p.node_features, {"degree", "ops"});
  for (std::size_t i = 0; i < p.graph_features.size(); ++i) {
    const std::string key = "predictor.graph_features[" + std::to_string(i) + "]";
    one_of(key, p.graph_features[i], {"graf", "cost", "synflow", "zico"});
    check(std::find(p.graph_features.begin(), p.graph_features.begin() + static_cast<long>(i),
                    p.graph_features[i]) == p.graph_features.begin() + static_cast<long>(i),
          key, p.graph_features[i], "appears more than once");
  }
  check(p.ranking_weight >= 0, "predictor.ranking_weight", num(p.ranking_weight), "must be >= 0");
  check(p.ensemble >= 1, "predictor.ensemble", std::to_string(p.ensemble), "must be >= 1");
  check(p.hidden >= 1, "predictor.hidden", std::to_string(p.hidden), "must be >= 1");
  check(p.blocks >= 1, "predictor.blocks", std::to_string(p.blocks), "must be >= 1");
  check(p.epochs >= 1, "predictor.epochs", std::to_string(p.epochs), "must be >= 1");
  check(p.batch_size >= 1, "predictor.batch_size", std::to_string(p.batch_size), "must be >= 1");
  check(p.lr > 0, "predictor.lr", num(p.lr), "must be > 0");
  check(p.weight_decay >= 0, "predictor.weight_decay", num(p.weight_decay), "must be >= 0");
  check(p.validation_share >= 0 && p.validation_share < 1, "predictor.validation_share",
        num(p.validation_share), "must be in [0, 1)");
  check(p.patience >= 0, "predictor.patience", std::to_string(p.patience), "must be >= 0");
  check(p.test_count >= 0, "predictor.test_count", std::to_string(p.test_count), "must be >= 0");
  one_of("predictor.test_split", p.test_split, {"last", "random"});
  return errors;
}

std::string to_yaml(const Config& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  std::string open_section;
  for (const auto& f : fields()) {
    const auto dot = f.key.find('.');
    const std::string section = dot == std::string::npos ? "" : f.key.substr(0, dot);
    if (section != open_section) {
      if (!open_section.empty()) out << YAML::EndMap;
      if (!section.empty()) out << YAML::Key << section << YAML::Value << YAML::BeginMap;
      open_section = section;
    }
    out << YAML::Key << f.key.substr(dot == std::string::npos ? 0 : dot + 1) << YAML::Value
        << f.write(config) << YAML::Comment(f.doc);
  }
  if (!open_section.empty()) out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace gnas
