#pragma once

// The typed configuration of every gnas step. Each key (type, name, default, documentation,
// rules) is declared once, in config_keys.hpp; this header expands those lists into the structs
// below, config.cpp into the field list from which reading, writing, equality, the validator,
// --help and the README's key table are made. YAML overrides the defaults and `--set
// dotted.key=value` overrides the YAML.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gnas/common/config_keys.hpp"

namespace gnas {

// --- options: a key that names one of a few choices is an enum, decoded when the config loads ---

enum class Optimizer { kSgd, kAdam, kRmsprop };
enum class LrScheduler { kStep, kCosine, kCosineOriginal };
enum class DatasetKind { kCifar10, kCifar100, kFashionMnist, kMnist };
enum class LatencyStatistic { kMin, kMedian };
enum class LatencyRuntime { kLibtorch, kOpencv };
enum class PredictorType { kGnn, kMlp, kXgboost };
enum class PredictorVariant { kOriginal, kTuned };
/// How graph nodes are described to a graph predictor.
enum class NodeFeatures {
  kDegree,  ///< the space's own graph features (DESIGN 1.6: [out-degree, 1, 1])
  kOps,     ///< [out-degree without self loop, one-hot node type, MACs (millions)]
};
enum class TestSplit { kLast, kRandom };
enum class EvolutionVariant { kGnas, kOriginal };
enum class AnswerPick { kEvolved, kBestLabelled };
/// The zero-cost proxies (nn/proxies.hpp).
enum class ProxyKind { kSynflow, kNwot, kGradNorm, kSnip, kZico };
/// The graph-level predictor features (predictor/graph_features.hpp).
enum class GraphFeatureSet { kGraf, kCost, kSynflow, kZico };
/// What a label measures (labels.measure).
enum class LabelMeasure { kBestTop1, kTrainLoss, kEvalLoss };
/// The forward passes' number format (mixed_precision).
enum class MixedPrecision { kNone, kBf16, kFp16 };
/// The candidate operations of the layer-wise space (DESIGN 1.2; nn/ops.hpp builds them).
enum class OpKind { kSkip, kSepConv3, kSepConv5, kSepConv7, kDilConv3, kDilConv5 };

/// The names config files (and summaries, and predictor files) spell an option's values with.
template <typename E>
struct OptionNames;

#define GNAS_OPTION_NAMES(E, ...)                                              \
  template <>                                                                  \
  struct OptionNames<E> {                                                      \
    static constexpr std::pair<E, std::string_view> kValues[] = {__VA_ARGS__}; \
  };
GNAS_OPTION_NAMES(Optimizer, {Optimizer::kSgd, "sgd"}, {Optimizer::kAdam, "adam"},
                  {Optimizer::kRmsprop, "rmsprop"})
GNAS_OPTION_NAMES(LrScheduler, {LrScheduler::kStep, "step"}, {LrScheduler::kCosine, "cosine"},
                  {LrScheduler::kCosineOriginal, "cosine_original"})
GNAS_OPTION_NAMES(DatasetKind, {DatasetKind::kCifar10, "cifar10"},
                  {DatasetKind::kCifar100, "cifar100"},
                  {DatasetKind::kFashionMnist, "fashion_mnist"}, {DatasetKind::kMnist, "mnist"})
GNAS_OPTION_NAMES(LatencyStatistic, {LatencyStatistic::kMin, "min"},
                  {LatencyStatistic::kMedian, "median"})
GNAS_OPTION_NAMES(LatencyRuntime, {LatencyRuntime::kLibtorch, "libtorch"},
                  {LatencyRuntime::kOpencv, "opencv"})
GNAS_OPTION_NAMES(PredictorType, {PredictorType::kGnn, "gnn"}, {PredictorType::kMlp, "mlp"},
                  {PredictorType::kXgboost, "xgboost"})
GNAS_OPTION_NAMES(PredictorVariant, {PredictorVariant::kOriginal, "original"},
                  {PredictorVariant::kTuned, "tuned"})
GNAS_OPTION_NAMES(NodeFeatures, {NodeFeatures::kDegree, "degree"}, {NodeFeatures::kOps, "ops"})
GNAS_OPTION_NAMES(TestSplit, {TestSplit::kLast, "last"}, {TestSplit::kRandom, "random"})
GNAS_OPTION_NAMES(EvolutionVariant, {EvolutionVariant::kGnas, "gnas"},
                  {EvolutionVariant::kOriginal, "original"})
GNAS_OPTION_NAMES(AnswerPick, {AnswerPick::kEvolved, "evolved"},
                  {AnswerPick::kBestLabelled, "best_labelled"})
GNAS_OPTION_NAMES(ProxyKind, {ProxyKind::kSynflow, "synflow"}, {ProxyKind::kNwot, "nwot"},
                  {ProxyKind::kGradNorm, "grad_norm"}, {ProxyKind::kSnip, "snip"},
                  {ProxyKind::kZico, "zico"})
GNAS_OPTION_NAMES(GraphFeatureSet, {GraphFeatureSet::kGraf, "graf"},
                  {GraphFeatureSet::kCost, "cost"}, {GraphFeatureSet::kSynflow, "synflow"},
                  {GraphFeatureSet::kZico, "zico"})
GNAS_OPTION_NAMES(LabelMeasure, {LabelMeasure::kBestTop1, "best_top1"},
                  {LabelMeasure::kTrainLoss, "train_loss"}, {LabelMeasure::kEvalLoss, "eval_loss"})
GNAS_OPTION_NAMES(MixedPrecision, {MixedPrecision::kNone, "none"}, {MixedPrecision::kBf16, "bf16"},
                  {MixedPrecision::kFp16, "fp16"})
GNAS_OPTION_NAMES(OpKind, {OpKind::kSkip, "skip"}, {OpKind::kSepConv3, "sep_conv_3x3"},
                  {OpKind::kSepConv5, "sep_conv_5x5"}, {OpKind::kSepConv7, "sep_conv_7x7"},
                  {OpKind::kDilConv3, "dil_conv_3x3"}, {OpKind::kDilConv5, "dil_conv_5x5"})
#undef GNAS_OPTION_NAMES

/// The name of an option's value ("sgd").
template <typename E, typename = decltype(OptionNames<E>::kValues)>
std::string option_name(E value) {
  for (const auto& [v, name] : OptionNames<E>::kValues) {
    if (v == value) return std::string(name);
  }
  return "?";
}

/// The value an option's name spells; nullopt for a name the option does not have.
template <typename E>
std::optional<E> option_from_name(std::string_view name) {
  for (const auto& [v, n] : OptionNames<E>::kValues) {
    if (n == name) return v;
  }
  return std::nullopt;
}

/// Every name of an option, "a, b, c".
template <typename E>
std::string option_names() {
  std::string names;
  for (const auto& [v, n] : OptionNames<E>::kValues)
    names += (names.empty() ? "" : ", ") + std::string(n);
  return names;
}

/// One search layer of the macro network (DESIGN 1.1).
struct LayerConfig {
  int out_channels = 16;  ///< channels the layer outputs
  int stride = 1;         ///< 1 or 2 (2 halves the feature map)

  bool operator==(const LayerConfig& o) const {
    return out_channels == o.out_channels && stride == o.stride;
  }
};

// A key's member, its initialiser the key's default (config_keys.hpp).
#define GNAS_CONFIG_MEMBER(S, type, name, default_value, ...) type name = default_value;

/// Optimizer settings; the original keeps them in optim_state.yml, pulled in with `!include`.
struct OptimState {
  GNAS_KEYS_OPTIM_STATE(GNAS_CONFIG_MEMBER, optim_state)
};

/// How `generate` draws its architectures.
struct SamplingConfig {
  GNAS_KEYS_SAMPLING(GNAS_CONFIG_MEMBER, sampling)
};

/// Training-time augmentation (DESIGN 1.5), done on whole batches.
struct AugmentConfig {
  GNAS_KEYS_AUGMENT(GNAS_CONFIG_MEMBER, augment)
};

/// How `train --train-data` labels beyond the recipe: label noise measured, and reduced.
struct LabelsConfig {
  GNAS_KEYS_LABELS(GNAS_CONFIG_MEMBER, labels)
};

/// How `evaluate` measures CPU latency.
struct LatencyConfig {
  GNAS_KEYS_LATENCY(GNAS_CONFIG_MEMBER, latency)
};

/// The evolutionary search (DESIGN 1.7; defaults are the original's).
struct EvolutionConfig {
  GNAS_KEYS_EVOLUTION(GNAS_CONFIG_MEMBER, evolution)
};

/// The accuracy predictor and how `train_predictor` fits it (DESIGN 1.6 and issue 4).
struct PredictorConfig {
  GNAS_KEYS_PREDICTOR(GNAS_CONFIG_MEMBER, predictor)
};

/// Zero-cost proxies (`evaluate --proxies`): scores of an untrained network on one minibatch.
struct ProxyConfig {
  GNAS_KEYS_PROXIES(GNAS_CONFIG_MEMBER, proxies)
};

/// Iterative refinement (beyond the original): after the first predictor and search, label the
/// per_round best predicted architectures not yet labelled, retrain, search again; R times.
struct SearchConfig {
  GNAS_KEYS_SEARCH(GNAS_CONFIG_MEMBER, search)
};

/// Every key of every step; the sections are the nested structs (`predictor.lr`).
struct Config {
  GNAS_KEYS_ENVIRONMENT(GNAS_CONFIG_MEMBER, )
  GNAS_KEYS_FILES(GNAS_CONFIG_MEMBER, )
  GNAS_KEYS_DATA(GNAS_CONFIG_MEMBER, )
  OptimState optim_state;
  GNAS_KEYS_TRAINING(GNAS_CONFIG_MEMBER, )
  AugmentConfig augment;
  LabelsConfig labels;
  GNAS_KEYS_SPACE(GNAS_CONFIG_MEMBER, )
  GNAS_KEYS_BUDGETS(GNAS_CONFIG_MEMBER, )
  SamplingConfig sampling;
  LatencyConfig latency;
  PredictorConfig predictor;
  EvolutionConfig evolution;
  SearchConfig search;
  ProxyConfig proxies;

  bool operator==(const Config& o) const;
};

#undef GNAS_CONFIG_MEMBER

/// One entry of the key registry, for --help and the README.
struct ConfigKeyDoc {
  std::string key;
  std::string type;
  std::string doc;
  std::string default_value;  ///< as a written config holds it (YAML)
  std::string rule;           ///< what the validator demands; "" = any value of the type
};

/// Every known key, in file order.
const std::vector<ConfigKeyDoc>& config_keys();

/// The README's key table (Markdown): key, type, default, rule, meaning; one row per key.
std::string config_keys_markdown();

/// Loads `path` (YAML, `!include` resolved relative to the including file), applies `overrides`
/// ("dotted.key=value", value parsed as YAML) and validates.
/// Throws ConfigError: unreadable file, YAML syntax (file:line:col), unknown keys (all listed,
/// each with the closest known key), wrong types or ranges ("key (value): rule", all listed).
Config load_config(const std::string& path, const std::vector<std::string>& overrides = {});

/// Same as load_config but from YAML text; `origin` names it in messages and anchors `!include`.
Config load_config_text(const std::string& yaml, const std::string& origin,
                        const std::vector<std::string>& overrides = {});

/// Every rule violation of `config`, one "key (value): rule" line each; empty when valid.
std::vector<std::string> validation_errors(const Config& config);

/// The resolved config as YAML that load_config_text reads back into an equal Config.
std::string to_yaml(const Config& config);

}  // namespace gnas
