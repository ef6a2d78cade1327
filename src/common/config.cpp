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
#include "gnas/common/yaml.hpp"

namespace gnas {
namespace {

namespace fs = std::filesystem;
using YAML::Node;

// A field that cannot be decoded; collected, then reported with all the others.
struct FieldError {
  std::string message;
};

[[noreturn]] void reject(const std::string& key, const Node& node, const std::string& rule) {
  throw FieldError{key + " (" + render_yaml(node) + "): " + rule};
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
  if (end != s.c_str() + s.size() || !std::isfinite(v))
    reject(key, node, "must be a finite number");
  return v;
}

template <typename T, typename = void>
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
  static double decode(const Node& node, const std::string& key) {
    return decode_number(node, key);
  }
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

// An option is written as one of its names.
template <typename E>
struct Codec<E, std::enable_if_t<std::is_enum_v<E>>> {
  static std::string name() {
    std::string names;
    for (const auto& [v, n] : OptionNames<E>::kValues)
      names += (names.empty() ? "" : " | ") + std::string(n);
    return names;
  }
  static E decode(const Node& node, const std::string& key) {
    const std::optional<E> value =
        node.IsScalar() ? option_from_name<E>(node.Scalar()) : std::nullopt;
    if (!value) reject(key, node, "must be one of " + option_names<E>());
    return *value;
  }
  static Node encode(E v) { return Node(option_name(v)); }
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

// --- rules: what a key's value must be, declared with the key ----------------------------------
// A rule has a text (shown by --help and in the README's key table) and a test that adds
// "key (value): must ..." to the errors. The test sees the whole Config for rules across keys.

using Errors = std::vector<std::string>;

template <typename T>
std::string shown(const T& value) {
  return render_yaml(Codec<T>::encode(value));
}

// A numeric range; an open end is +-infinity.
struct Range {
  double lo;
  double hi;
  bool lo_in;
  bool hi_in;
  std::string text() const {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    if (hi == kInf) return (lo_in ? ">= " : "> ") + format_number(lo);
    return std::string("in ") + (lo_in ? "[" : "(") + format_number(lo) + ", " + format_number(hi) +
           (hi_in ? "]" : ")");
  }
  template <typename T>
  void operator()(const std::string& key, const T& v, const Config&, Errors& errors) const {
    const double x = static_cast<double>(v);
    if (!((lo_in ? x >= lo : x > lo) && (hi_in ? x <= hi : x < hi))) {
      errors.push_back(key + " (" + shown(v) + "): must be " + text());
    }
  }
};

Range at_least(double lo) { return {lo, std::numeric_limits<double>::infinity(), true, true}; }
Range above(double lo) { return {lo, std::numeric_limits<double>::infinity(), false, true}; }
// in_range("[)", 0, 1): the brackets say which ends belong to the range
Range in_range(const char* brackets, double lo, double hi) {
  return {lo, hi, brackets[0] == '[', brackets[1] == ']'};
}

// A string or a list that must hold something; `why` is the rule's wording.
struct NotEmpty {
  std::string why;
  std::string text() const { return why; }
  template <typename T>
  void operator()(const std::string& key, const T& v, const Config&, Errors& errors) const {
    if (v.empty()) errors.push_back(key + " (" + shown(v) + "): " + why);
  }
};

NotEmpty not_empty(std::string why = "must not be empty") { return {std::move(why)}; }

// A rule applied to every element of a list, as key[i].
template <typename R>
struct Each {
  R rule;
  std::string text() const { return "each " + rule.text(); }
  template <typename T>
  void operator()(const std::string& key, const std::vector<T>& v, const Config& c,
                  Errors& errors) const {
    for (std::size_t i = 0; i < v.size(); ++i)
      rule(key + "[" + std::to_string(i) + "]", v[i], c, errors);
  }
};

template <typename R>
Each<R> each(R rule) {
  return {std::move(rule)};
}

// No element of a list twice.
struct Distinct {
  std::string text() const { return "no repeats"; }
  template <typename T>
  void operator()(const std::string& key, const std::vector<T>& v, const Config&,
                  Errors& errors) const {
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (std::find(v.begin(), v.begin() + static_cast<long>(i), v[i]) !=
          v.begin() + static_cast<long>(i)) {
        errors.push_back(key + "[" + std::to_string(i) + "] (" + shown(v[i]) +
                         "): appears more than once");
      }
    }
  }
};

constexpr Distinct distinct() { return {}; }

// Any other rule: `test(value, config)` returns "" when the value is right, else the rule it
// breaks ("must be ..."), which may name other keys' values.
template <typename F>
struct Check {
  std::string summary;
  F test;
  std::string text() const { return summary; }
  template <typename T>
  void operator()(const std::string& key, const T& v, const Config& c, Errors& errors) const {
    const std::string why = test(v, c);
    if (!why.empty()) errors.push_back(key + " (" + shown(v) + "): " + why);
  }
};

template <typename F>
Check<F> check(std::string summary, F test) {
  return {std::move(summary), std::move(test)};
}

struct Field {
  std::string key;
  std::string type;
  std::string doc;
  std::string rules;  ///< the rules' texts, "; "-separated; "" = any value of the type
  std::function<void(Config&, const Node&)> read;
  std::function<Node(const Config&)> write;
  std::function<bool(const Config&, const Config&)> equal;
  std::function<void(const Config&, Errors&)> validate;
};

template <typename Access, typename... Rules>
Field make_field(std::string key, Access access, std::string doc, Rules... rules) {
  using T = std::decay_t<decltype(access(std::declval<Config&>()))>;
  Field f{key, Codec<T>::name(), std::move(doc), "", {}, {}, {}, {}};
  for (const std::string& text : {std::string(), rules.text()...}) {
    if (!text.empty()) f.rules += (f.rules.empty() ? "" : "; ") + text;
  }
  f.read = [key, access](Config& c, const Node& node) { access(c) = Codec<T>::decode(node, key); };
  f.write = [access](const Config& c) { return Codec<T>::encode(access(c)); };
  f.equal = [access](const Config& a, const Config& b) { return access(a) == access(b); };
  f.validate = [key, access, rules...](const Config& c, Errors& errors) {
    (rules(key, access(c), c, errors), ...);
  };
  return f;
}

#define GNAS_FIELD(member, ...) \
  make_field(                   \
      #member, [](auto& c) -> auto& { return c.member; }, __VA_ARGS__)

// mean and std: one value per input channel.
auto values_per_channel() {
  return check("one value per input channel", [](const std::vector<double>& v, const Config& c) {
    return static_cast<int>(v.size()) == c.input_channels
               ? std::string()
               : "must have input_channels (" + std::to_string(c.input_channels) + ") values";
  });
}

// l_cfgs: each layer's channels and stride; skip's factorized reduce halves the channels.
struct LayerRules {
  std::string text() const {
    return "out_channels >= 1, stride 1 or 2, out_channels even at stride 2 when ops_name has skip";
  }
  void operator()(const std::string& key, const std::vector<LayerConfig>& layers, const Config& c,
                  Errors& errors) const {
    const bool has_skip =
        std::find(c.ops_name.begin(), c.ops_name.end(), OpKind::kSkip) != c.ops_name.end();
    for (std::size_t i = 0; i < layers.size(); ++i) {
      const std::string at = key + "[" + std::to_string(i) + "]";
      const LayerConfig& layer = layers[i];
      if (layer.out_channels < 1) {
        errors.push_back(at + ".out_channels (" + std::to_string(layer.out_channels) +
                         "): must be >= 1");
      }
      if (layer.stride != 1 && layer.stride != 2) {
        errors.push_back(at + ".stride (" + std::to_string(layer.stride) + "): must be 1 or 2");
      }
      if (has_skip && layer.stride == 2 && layer.out_channels % 2 != 0) {
        errors.push_back(
            at + ".out_channels (" + std::to_string(layer.out_channels) +
            "): must be even when stride is 2 (skip's factorized reduce splits it in halves)");
      }
    }
  }
};

LayerRules layer_rules() { return {}; }

// Every key, declared once: its member (whose initialiser is the default), documentation and
// rules; order = the order of a written config. --help, the README's key table
// (config_keys_markdown) and the validator are all made from this list.
const std::vector<Field>& fields() {
  static const std::vector<Field> kFields = {
      GNAS_FIELD(cuda, "train on CUDA when available (training steps)"),
      GNAS_FIELD(ngpu, "GPUs to use", at_least(0)),
      GNAS_FIELD(seed, "seed of every random choice"),
      GNAS_FIELD(device, "auto = CUDA when `cuda` is true and a GPU is there",
                 check("auto, cpu, cuda or cuda:N",
                       [](const std::string& d, const Config&) {
                         const bool ok =
                             d == "auto" || d == "cpu" || d == "cuda" ||
                             (d.rfind("cuda:", 0) == 0 && d.size() > 5 &&
                              d.find_first_not_of("0123456789", 5) == std::string::npos);
                         return ok ? "" : "must be auto, cpu, cuda or cuda:N";
                       })),
      GNAS_FIELD(num_threads,
                 "CPU intra-op threads of every step; 0 = every CPU the process may use",
                 at_least(0)),
      GNAS_FIELD(path_to_architecture, "sampled architectures (generate writes it)", not_empty()),
      GNAS_FIELD(path_to_evolution_architecture, "the searched architecture", not_empty()),
      GNAS_FIELD(path_to_train_data, "labelled architectures", not_empty()),
      GNAS_FIELD(path_to_save_predictor, "where train_predictor saves the predictor", not_empty()),
      GNAS_FIELD(predictor_pretrained, "the predictor evolution and evaluate load", not_empty()),
      GNAS_FIELD(log_dir, "logs, summaries, resolved configs, plots", not_empty()),
      GNAS_FIELD(write_dir, "training checkpoints", not_empty()),
      GNAS_FIELD(epochs, "training epochs per architecture", at_least(1)),
      GNAS_FIELD(batch_size, "training batch size", at_least(1)),
      GNAS_FIELD(print_freq, "progress line every N batches", at_least(1)),
      GNAS_FIELD(dataset, "the data set, which fixes its files' format (README, Training: data)"),
      GNAS_FIELD(classes, "number of classes", at_least(2)),
      GNAS_FIELD(dataset_dir, "folder holding the dataset files", not_empty()),
      GNAS_FIELD(input_size, "input height = width, pixels", at_least(1)),
      GNAS_FIELD(input_channels, "3 for CIFAR, 1 for (Fashion-)MNIST", at_least(1)),
      GNAS_FIELD(train_portion, "share of the training split used to train; the rest validates",
                 in_range("(]", 0, 1)),
      GNAS_FIELD(mean, "per-channel normalisation mean", values_per_channel()),
      GNAS_FIELD(std, "per-channel normalisation standard deviation", values_per_channel(),
                 each(above(0))),
      GNAS_FIELD(optim_state.optimizer, "the training optimizer"),
      GNAS_FIELD(optim_state.lr, "initial learning rate", above(0)),
      GNAS_FIELD(optim_state.momentum, "SGD / RMSprop momentum", in_range("[)", 0, 1)),
      GNAS_FIELD(optim_state.weight_decay, "L2 penalty", at_least(0)),
      GNAS_FIELD(
          lr_scheduler,
          "step (x decay_ratio every step_size epochs), cosine (half a cosine from lr to 0 over "
          "the epochs, set once per epoch) or cosine_original (the original's code: T_max = epochs "
          "x batches per epoch, stepped once per epoch: with the original's 49 batches per epoch "
          "the rate stays within 0.1 % of `optim_state.lr` over 60 epochs)"),
      GNAS_FIELD(step_size, "epochs between step decays", at_least(1)),
      GNAS_FIELD(decay_ratio, "step decay factor", in_range("(]", 0, 1)),
      GNAS_FIELD(label_smoothing, "cross-entropy target = one_hot x (1 - e) + e / classes",
                 in_range("[)", 0, 1)),
      GNAS_FIELD(train_subset, "train on a seeded random N images; 0 = the whole split",
                 at_least(0)),
      GNAS_FIELD(test_subset, "evaluate on a seeded random N images; 0 = the whole split",
                 at_least(0)),
      GNAS_FIELD(
          repeats,
          "trainings per architecture for a label (its mean best top-1), each with its own seed",
          at_least(1)),
      GNAS_FIELD(channels_last, "NHWC memory format for convolutions (faster on CPU)"),
      GNAS_FIELD(augment.crop_padding, "zero padding of the random crop, pixels; 0 = no crop",
                 at_least(0)),
      GNAS_FIELD(augment.flip, "random horizontal flip"),
      GNAS_FIELD(
          labels.agreement_check,
          "K > 0: after labelling, `train --train-data` trains the architectures with id < K once "
          "more with a fresh seed into `log_dir/label_agreement.csv` "
          "(`id,arch,top1_1,top1_check,seed`) and reports `label_agreement_tau` (Kendall tau "
          "between the two trainings) and `label_spread_median`: what the labels are worth before "
          "a predictor learns from them; 0 = off",
          at_least(0),
          check("0 or >= 3",
                [](int k, const Config&) {
                  return k == 0 || k >= 3
                             ? ""
                             : "must be 0 or >= 3 (a rank agreement needs three architectures)";
                }),
          check("<= sample_count",
                [](int k, const Config& c) {
                  return k <= c.sample_count
                             ? std::string()
                             : "must be <= sample_count (" + std::to_string(c.sample_count) +
                                   "): the check retrains labelled architectures";
                })),
      GNAS_FIELD(labels.common_random_numbers,
                 "every architecture of one repeat trains from the same seed (data order, "
                 "augmentation and initialisation stream), so that noise they all share cancels in "
                 "the ranking; false = a seed per architecture (the original)"),
      GNAS_FIELD(
          labels.bn_recalibration,
          "N > 0: before each evaluation the BatchNorm statistics are recomputed (a plain average) "
          "over N training batches of the current weights, in place of running averages that lag "
          "behind a large learning rate; 0 = running averages (the original)",
          at_least(0)),
      GNAS_FIELD(labels.measure,
                 "what a label is: best_top1 (the best top-1 on the evaluation split over the "
                 "epochs, the original) or train_loss (exp(-the mean training loss of the last "
                 "epoch): the geometric mean of the probability the network gave each training "
                 "image's class in its last epoch, a training-speed estimate that averages over "
                 "every batch of that epoch instead of one evaluation of the validation images); "
                 "the labels, the agreement check and the final training's `label` use it",
                 check("train_loss needs training (benchmark_table empty)",
                       [](LabelMeasure m, const Config& c) {
                         return m == LabelMeasure::kBestTop1 || c.benchmark_table.empty()
                                    ? std::string()
                                    : "a benchmark table holds accuracies, not training losses; "
                                      "use best_top1 or leave benchmark_table empty";
                       })),
      GNAS_FIELD(search_space,
                 "a space registered in registry/search_spaces.cpp: layerwise (the original's "
                 "macro space) or nasbench201 (the NAS-Bench-201 cell space, for benchmark mode); "
                 "another name is refused when a step builds the space",
                 not_empty()),
      GNAS_FIELD(benchmark_table,
                 "benchmark mode: CSV `arch,test_acc` (percent) that `train` looks architectures "
                 "up in instead of training them; empty = train for real"),
      GNAS_FIELD(ops_name, "candidate ops of every layer, in gene order",
                 not_empty("must name at least one op"), distinct()),
      GNAS_FIELD(l_cfgs, "the search layers, each [out_channels, stride]",
                 not_empty("must hold at least one layer"), layer_rules()),
      GNAS_FIELD(stem_channels, "output channels of the 3x3 stem conv", at_least(1)),
      GNAS_FIELD(head_channels, "output channels of the 1x1 head conv", at_least(1)),
      GNAS_FIELD(macs_budget,
                 "hardware budget, millions of MACs; 0 = none (both spaces have exact MACs and "
                 "parameters: nasbench201's are those of the benchmark's standard network)",
                 at_least(0)),
      GNAS_FIELD(params_budget, "parameter budget of evolution, millions; 0 = none", at_least(0)),
      GNAS_FIELD(
          latency_budget_ms,
          "latency budget of evolution, ms at batch 1 as `latency_table` predicts it; 0 = none",
          at_least(0),
          check("> 0 needs latency_table",
                [](double ms, const Config& c) {
                  return ms == 0 || !c.latency_table.empty()
                             ? ""
                             : "needs latency_table (evaluate --profile-latency measures one)";
                })),
      GNAS_FIELD(latency_table,
                 "per-op latency CSV (`evaluate --profile-latency` writes one; a table measured on "
                 "another device works the same); empty = none"),
      GNAS_FIELD(sample_count, "architectures generate draws", at_least(1)),
      GNAS_FIELD(sampling.prescreen,
                 "> 0: generate draws N distinct candidates, scores each with the zero-cost "
                 "proxies (`proxies.names`, as `evaluate --proxies`) and keeps the `sample_count` "
                 "with the best ensemble rank (the mean over the proxies of each one's rank "
                 "fraction), in draw order; every candidate's scores and the choice land in "
                 "`log_dir/prescreen.csv`; 0 = uniform samples (the original)",
                 check("0 or >= sample_count",
                       [](int n, const Config& c) {
                         return n == 0 || n >= c.sample_count
                                    ? std::string()
                                    : "must be 0 or >= sample_count (" +
                                          std::to_string(c.sample_count) +
                                          "): it keeps sample_count of its candidates";
                       })),
      GNAS_FIELD(sampling.within_budget,
                 "generate keeps only architectures within macs_budget (the original did not)"),
      GNAS_FIELD(sampling.max_attempts, "draws allowed before generate gives up", at_least(1)),
      GNAS_FIELD(latency.warmup, "untimed forward passes before timing", at_least(0)),
      GNAS_FIELD(latency.repeats, "timed forward passes", at_least(1)),
      GNAS_FIELD(latency.threads, "intra-op threads while timing; 0 = num_threads", at_least(0)),
      GNAS_FIELD(latency.statistic,
                 "what of the timed passes is reported: the min is what the network costs when "
                 "nothing else runs; on a shared CPU the median moves with the neighbours (two "
                 "timings of the same 50 networks differed by 7.7 % on average with the median, "
                 "3.7 % with the min, docs/benchmarks.md)"),
      GNAS_FIELD(latency.calibration,
                 "whole sampled networks `evaluate --profile-latency` times to fit the table to "
                 "real forward passes (its fixed part, a scale on the ops as timed alone, a cost "
                 "per op beyond a layer's first); 0 = the ops as timed alone",
                 check("0 or >= 5",
                       [](int n, const Config&) {
                         return n == 0 || n >= 5
                                    ? ""
                                    : "must be 0 (none) or >= 5 (three terms are fitted)";
                       })),
      GNAS_FIELD(latency.runtime,
                 "what runs the timed networks: libtorch, or opencv (the network exported to ONNX "
                 "as `--export-onnx` writes it, in OpenCV's DNN module on the CPU), so a budget is "
                 "in the deployment runtime's milliseconds; the table records its runtime and a "
                 "table of another runtime is refused"),
      GNAS_FIELD(
          predictor.type,
          "gnn (DESIGN 1.6's graph network), mlp (on the flat op encoding) or xgboost "
          "(gradient-boosted regression trees on the flat op encoding and the graph features; "
          "fitted on every training label, so `epochs`, `batch_size`, `lr`, `weight_decay`, "
          "`ranking_weight`, `validation_share` and `patience` do not apply)",
          check("xgboost needs variant tuned",
                [](PredictorType type, const Config& c) {
                  return type != PredictorType::kXgboost ||
                                 c.predictor.variant == PredictorVariant::kTuned
                             ? ""
                             : "needs predictor.variant tuned (the original has no tree model)";
                })),
      GNAS_FIELD(predictor.variant,
                 "original (DESIGN 1.6 exactly: [out-degree, 1, 1] features, sigmoid output, MSE, "
                 "and its training recipe: Adam 1e-4, batch 1, 50 epochs, raw targets, no "
                 "validation split) or tuned (the switches below)"),
      GNAS_FIELD(predictor.node_features,
                 "tuned gnn: degree ([out-degree, 1, 1]) or ops (out-degree, op type one-hot, MACs "
                 "of the node)"),
      GNAS_FIELD(
          predictor.graph_features,
          "tuned: graph-level inputs of both the GNN's decoder and the MLP, standardised on the "
          "training labels: `graf` (GRAF-style: per op type the live op nodes; per set of op types "
          "the log number of input-to-output paths using only those ops and the shortest such "
          "path), `cost` (log MACs, log parameters) and `synflow` (log of the data-free zero-cost "
          "proxy of the architecture's network under one fixed reference initialisation, so the "
          "same in every run; computed once per architecture, ~1/60 s for a NAS-Bench-201 cell and "
          "~1/40 s for a layer-wise network on 2 cores, also for every architecture the evolution "
          "scores) and `zico` (ZiCo of the network under the same initialisation on one fixed "
          "stand-in batch of 8 seeded noise images with uniform labels, so it needs no data set "
          "and means the same everywhere; ~1/7 s for a NAS-Bench-201 cell); [] = none",
          distinct()),
      GNAS_FIELD(predictor.feature_cache,
                 "folder where the `synflow` and `zico` graph features one step computes are kept "
                 "for the next steps and runs (`synflow-<hash of the space and network "
                 "shape>.csv`, `arch,log_synflow`, and `zico-<hash>.csv`, `arch,zico`; the values "
                 "never change, so a cache is valid for every run of the same space); empty = "
                 "every process computes its own"),
      GNAS_FIELD(predictor.ranking_weight, "tuned: weight of a pairwise ranking loss added to MSE",
                 at_least(0)),
      GNAS_FIELD(predictor.ensemble, "tuned: independently seeded models, predictions averaged",
                 at_least(1)),
      GNAS_FIELD(predictor.hidden,
                 "tuned: node embedding width (gnn) or hidden width (mlp); the original is 128 "
                 "wide (64 ranks as well on our benchmark in half the training time; 32 is "
                 "unstable, docs/benchmarks.md)",
                 at_least(1)),
      GNAS_FIELD(predictor.blocks, "tuned gnn: aggregation + GRU blocks; the original has 5",
                 at_least(1)),
      GNAS_FIELD(predictor.epochs, "most passes over the training labels", at_least(1)),
      GNAS_FIELD(predictor.batch_size, "architectures per minibatch", at_least(1)),
      GNAS_FIELD(predictor.lr, "Adam learning rate", above(0)),
      GNAS_FIELD(predictor.weight_decay, "Adam L2 penalty", at_least(0)),
      GNAS_FIELD(predictor.validation_share,
                 "share of the training labels held out (seeded) to pick the epoch and stop early; "
                 "never the test labels",
                 in_range("[)", 0, 1)),
      GNAS_FIELD(predictor.patience,
                 "stop after N epochs without a better validation loss; 0 = never", at_least(0)),
      GNAS_FIELD(predictor.trees, "xgboost: boosting rounds, one tree each", at_least(1)),
      GNAS_FIELD(predictor.tree_depth, "xgboost: deepest tree", in_range("[]", 1, 16)),
      GNAS_FIELD(predictor.tree_eta, "xgboost: shrinkage of each tree's contribution",
                 in_range("(]", 0, 1)),
      GNAS_FIELD(predictor.tree_subsample,
                 "xgboost: share of the labels and of the features each tree sees",
                 in_range("(]", 0, 1)),
      GNAS_FIELD(predictor.test_count, "labels held out for the reported metrics; 0 = none",
                 at_least(0)),
      GNAS_FIELD(
          predictor.test_split,
          "last (the last `test_count` rows of the data, as the original) or random (seeded)"),
      GNAS_FIELD(evolution.population,
                 "architectures per generation: half crossover children, half mutation children",
                 at_least(2)),
      GNAS_FIELD(evolution.parents,
                 "the best architectures seen so far, which parents are drawn from", at_least(1)),
      GNAS_FIELD(evolution.mutation_prob, "per-gene mutation probability", in_range("[]", 0, 1)),
      GNAS_FIELD(evolution.generations, "generations after the first population", at_least(0)),
      GNAS_FIELD(
          evolution.max_attempts,
          "redraws of a child (or a first-population draw) that breaks a budget before a fallback",
          at_least(1)),
      GNAS_FIELD(evolution.variant,
                 "gnas (each generation P/2 crossover-only and P/2 mutation-only children of the "
                 "best `parents` seen) or original (the original's GA, DESIGN 1.7: the best P/2 of "
                 "the population survive, plus P/2 children, each a crossover with the cut in [0, "
                 "genes) followed by mutation)"),
      GNAS_FIELD(
          evolution.pareto,
          "Pareto mode: one search per budget (evenly spaced from the space's minimum MACs up to "
          "`macs_budget`), then the front of predicted accuracy vs MACs over everything scored"),
      GNAS_FIELD(evolution.pareto_budgets, "budgets of the Pareto mode", at_least(1)),
      GNAS_FIELD(proxies.names, "zero-cost proxies `evaluate --proxies` computes",
                 not_empty("must name at least one proxy"), distinct()),
      GNAS_FIELD(
          proxies.batch_size,
          "images of the seeded minibatch the proxies score on (zico compares its two halves)",
          check(">= 2",
                [](int n, const Config&) {
                  return n >= 2 ? "" : "must be >= 2 (zico compares two halves of the batch)";
                })),
      GNAS_FIELD(search.rounds,
                 "iterative refinement rounds after the first search (0 = the original pipeline); "
                 "label budget = `sample_count` + rounds x `per_round`",
                 at_least(0)),
      GNAS_FIELD(
          search.per_round,
          "architectures each round labels: the best predicted of the last search not yet labelled",
          at_least(1)),
      GNAS_FIELD(search.verify,
                 "after the last search, label the V best predicted architectures not yet labelled "
                 "(`generate --verify`) and answer with the best label: the answer is an "
                 "architecture whose accuracy was measured, never the predictor's unverified "
                 "favourite; label budget + V",
                 at_least(0),
                 check("> 0 needs search.pick best_labelled",
                       [](int v, const Config& c) {
                         return v == 0 || c.search.pick == AnswerPick::kBestLabelled
                                    ? ""
                                    : "labels the best predicted so that the best label can be the "
                                      "answer: needs search.pick best_labelled";
                       })),
      GNAS_FIELD(
          search.uncertainty_weight,
          "fitness of the search = ensemble mean - k x the ensemble's standard deviation (a lower "
          "confidence bound, so the search is not drawn to the predictor's confident errors)",
          at_least(0),
          check("> 0 needs predictor.ensemble >= 2",
                [](double k, const Config& c) {
                  return k == 0 || c.predictor.ensemble >= 2
                             ? ""
                             : "needs predictor.ensemble >= 2 (the spread of an ensemble)";
                })),
      GNAS_FIELD(
          search.pick,
          "the answer: best_labelled (the labelled architecture with the best label, the verified "
          "ones included) or evolved (the last search's best predicted, the original's answer)"),
  };
  return kFields;
}

#undef GNAS_FIELD

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

void apply_override(Node& root, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ConfigError("--set " + assignment + ": expected dotted.key=value");
  }
  const std::string key = assignment.substr(0, eq);
  if (!find_field(key)) throw ConfigError("--set: " + unknown_key_line(key));
  const Node value = parse_yaml(assignment.substr(eq + 1), "--set " + key);
  set_path(root, split_dotted(key), value);
}

void collect_unknown(const Node& map, const std::string& prefix,
                     const std::set<std::string>& sections, std::vector<std::string>& unknown,
                     std::vector<std::string>& errors) {
  for (const auto& kv : map) {
    const std::string key = prefix + kv.first.Scalar();
    if (find_field(key)) continue;
    if (sections.count(key)) {
      if (kv.second.IsMap()) {
        collect_unknown(kv.second, key + ".", sections, unknown, errors);
      } else if (!kv.second.IsNull()) {
        errors.push_back(key + " (" + render_yaml(kv.second) + "): must be a mapping of keys");
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
    std::string msg = origin + ": " + std::to_string(unknown.size()) +
                      " unknown configuration key" + (unknown.size() > 1 ? "s" : "") + ":";
    for (const auto& key : unknown) msg += "\n  " + unknown_key_line(key);
    throw ConfigError(msg);
  }
  Config config;
  std::vector<std::string> undecoded;
  for (const auto& f : fields()) {
    const Node node = find_path(root, split_dotted(f.key));
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
    const bool about_undecoded =
        std::any_of(undecoded.begin(), undecoded.end(), [&e](const auto& k) {
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
  root = resolve_includes(root, base_dir);
  if (root.IsNull()) root = Node(YAML::NodeType::Map);
  if (!root.IsMap()) throw ConfigError(origin + ": the top level must be a mapping of keys");
  for (const auto& o : overrides) apply_override(root, o);
  return decode_tree(root, origin);
}

}  // namespace

bool Config::operator==(const Config& o) const {
  const auto& all = fields();
  return std::all_of(all.begin(), all.end(), [&](const Field& f) { return f.equal(*this, o); });
}

const std::vector<ConfigKeyDoc>& config_keys() {
  static const std::vector<ConfigKeyDoc> kDocs = [] {
    std::vector<ConfigKeyDoc> docs;
    const Config defaults;
    for (const auto& f : fields()) {
      const Node value = f.write(defaults);
      docs.push_back({f.key, f.type, f.doc,
                      value.IsScalar() && value.Scalar().empty() ? "\"\"" : render_yaml(value),
                      f.rules});
    }
    return docs;
  }();
  return kDocs;
}

std::string config_keys_markdown() {
  // a `|` inside a cell would end it
  const auto cell = [](std::string text) {
    for (std::size_t at = text.find('|'); at != std::string::npos; at = text.find('|', at + 2)) {
      text.replace(at, 1, "\\|");
    }
    return text;
  };
  std::string table = "| key | type | default | rule | meaning |\n|---|---|---|---|---|\n";
  for (const auto& k : config_keys()) {
    table += "| `" + k.key + "` | " + cell(k.type) + " | " + cell(k.default_value) + " | " +
             cell(k.rule) + " | " + cell(k.doc) + " |\n";
  }
  return table;
}

Config load_config(const std::string& path, const std::vector<std::string>& overrides) {
  const fs::path p(path);
  Node root = read_yaml_file(p);
  // An empty file is far more often a mistake (a truncated copy, the wrong file) than a wish for
  // every default, and a run on defaults writes to the default paths.
  if (root.IsNull() || (root.IsMap() && root.size() == 0)) {
    throw ConfigError(path +
                      ": the configuration file is empty (no keys); start from "
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
  for (const auto& f : fields()) f.validate(c, errors);
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
