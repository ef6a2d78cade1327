#pragma once

// The typed configuration of every gnas step. Defaults live in the member initialisers below and
// equal the original system's config.yml (DESIGN 1.1-1.5); YAML overrides them and `--set
// dotted.key=value` overrides the YAML. This header holds the values and their defaults; each
// key's documentation and rules are declared once, beside its member's name, in config.cpp's
// field list, from which the validator, equality, --help and the README's key table are made.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
enum class LabelMeasure { kBestTop1, kTrainLoss };
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
                  {LabelMeasure::kTrainLoss, "train_loss"})
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

/// Optimizer settings; the original keeps them in optim_state.yml, pulled in with `!include`.
struct OptimState {
  Optimizer optimizer = Optimizer::kSgd;
  double lr = 0.1;             ///< initial learning rate
  double momentum = 0.9;       ///< SGD/RMSprop momentum, in [0, 1)
  double weight_decay = 4e-4;  ///< L2 penalty, >= 0
};

/// How `generate` draws its architectures.
struct SamplingConfig {
  bool within_budget = false;  ///< keep only architectures within macs_budget (the original: no)
  int max_attempts = 1000000;  ///< draws allowed in all before giving up
  /// > 0: draw N candidates, score them with the zero-cost proxies (proxies.names) and keep the
  /// sample_count with the best ensemble rank; 0 = uniform samples (the original)
  int prescreen = 0;
};

/// Training-time augmentation (DESIGN 1.5), done on whole batches.
struct AugmentConfig {
  int crop_padding = 4;  ///< zero padding of the random crop, pixels; 0 = no crop
  bool flip = true;      ///< random horizontal flip
};

/// How `train --train-data` labels beyond the recipe: label noise measured, and reduced.
struct LabelsConfig {
  /// K > 0: the first K architectures of the file (id < K) are trained once more with a fresh
  /// seed; the summary reports the Kendall tau between those trainings and the labels
  int agreement_check = 0;
  /// every architecture of one repeat trains from the same seed (data order, augmentation and
  /// initialisation stream), so noise that all share cancels in the ranking; false = a seed per
  /// architecture (the original)
  bool common_random_numbers = false;
  /// N > 0: before each evaluation, BatchNorm statistics are recomputed (a plain average) over N
  /// training batches of the current weights; 0 = the running averages (the original)
  int bn_recalibration = 0;
  /// best_top1: the best top-1 on the evaluation split over the epochs (the original) |
  /// train_loss: exp(-the last epoch's mean training loss), a training-speed estimate
  LabelMeasure measure = LabelMeasure::kBestTop1;
};

/// How `evaluate` measures CPU latency.
struct LatencyConfig {
  int warmup = 5;    ///< untimed forward passes before timing
  int repeats = 20;  ///< timed forward passes
  int threads = 1;   ///< intra-op threads while timing; 0 = num_threads
  /// what of the repeats is reported: min (robust to other processes sharing the CPU) | median
  LatencyStatistic statistic = LatencyStatistic::kMin;
  /// whole networks timed by --profile-latency to fit the table to real forward passes; 0 = none
  int calibration = 40;
  /// libtorch | opencv (the exported ONNX model in OpenCV's DNN module)
  LatencyRuntime runtime = LatencyRuntime::kLibtorch;
};

/// The evolutionary search (DESIGN 1.7; defaults are the original's).
struct EvolutionConfig {
  int population = 20;         ///< architectures per generation
  int parents = 10;            ///< size of the top-k pool the parents come from
  double mutation_prob = 0.1;  ///< per-gene mutation probability
  int generations = 1000;
  int max_attempts = 1000;  ///< redraws of one child that breaks a constraint
  bool pareto =
      false;  ///< search at pareto_budgets MACs budgets up to macs_budget; report the front
  int pareto_budgets = 8;
  /// gnas (P/2 crossover-only + P/2 mutation-only children from the best seen) | original
  /// (the original's GA: best P/2 of the population + P/2 crossover-then-mutation children)
  EvolutionVariant variant = EvolutionVariant::kGnas;
};

/// The accuracy predictor and how `train_predictor` fits it (DESIGN 1.6 and issue 4).
struct PredictorConfig {
  PredictorType type =
      PredictorType::kGnn;  ///< gnn (DESIGN 1.6) | mlp (flat op encoding) | xgboost
  PredictorVariant variant = PredictorVariant::kTuned;  ///< original (DESIGN 1.6 exactly) | tuned
  NodeFeatures node_features = NodeFeatures::kOps;      ///< tuned gnn
  double ranking_weight = 0.0;    ///< tuned: weight of the pairwise ranking loss beside MSE
  int ensemble = 1;               ///< tuned: independently seeded models, predictions averaged
  int hidden = 64;                ///< tuned: node embedding width (gnn), hidden width (mlp)
  int blocks = 5;                 ///< tuned gnn: aggregation + GRU blocks
  int epochs = 100;               ///< most passes over the training labels
  int batch_size = 16;            ///< architectures per minibatch
  double lr = 1e-3;               ///< Adam learning rate
  double weight_decay = 0.0;      ///< Adam L2 penalty
  double validation_share = 0.1;  ///< share of the training labels held out to pick the epoch
  int patience = 20;              ///< stop after N epochs without validation gain; 0 = never
  int trees = 500;                ///< xgboost: boosting rounds (one tree each)
  int tree_depth = 6;             ///< xgboost: deepest tree
  double tree_eta = 0.05;         ///< xgboost: shrinkage of each tree's contribution
  double tree_subsample = 0.8;    ///< xgboost: share of the labels and of the features per tree
  int test_count = 50;            ///< labels held out for the reported metrics; 0 = none
  TestSplit test_split = TestSplit::kLast;  ///< the original: the file's last rows
  /// tuned: graph-level inputs beside the graph / flat encoding: graf (path counts by op type),
  /// cost (log MACs and parameters), synflow (log of the data-free proxy); empty = none
  std::vector<GraphFeatureSet> graph_features;
  /// folder whose files keep computed synflow features across steps and runs; "" = none
  std::string feature_cache;
};

/// Zero-cost proxies (`evaluate --proxies`): scores of an untrained network on one minibatch.
struct ProxyConfig {
  /// which to compute: synflow, nwot, grad_norm, snip, zico
  std::vector<ProxyKind> names{ProxyKind::kSynflow, ProxyKind::kNwot, ProxyKind::kGradNorm,
                               ProxyKind::kSnip, ProxyKind::kZico};
  int batch_size = 32;  ///< images of the seeded minibatch (zico splits it in two halves)
};

/// Iterative refinement (beyond the original): after the first predictor and search, label the
/// per_round best predicted architectures not yet labelled, retrain, search again; R times.
struct SearchConfig {
  int rounds = 0;      ///< refinement rounds R; 0 = the original pipeline
  int per_round = 10;  ///< architectures K labelled per round
  /// the answer: best_labelled (the best label, verified ones included) | evolved (best predicted,
  /// the original's answer)
  AnswerPick pick = AnswerPick::kBestLabelled;
  /// after the last search, label the V best predicted architectures not yet labelled, so that
  /// the answer (best_labelled) is one whose accuracy was measured; 0 = none (the original)
  int verify = 5;
  /// fitness of the search = ensemble mean - k x ensemble std (k >= 0; needs predictor.ensemble >=
  /// 2)
  double uncertainty_weight = 0.0;
};

struct Config {
  // --- run environment ---
  bool cuda = true;        ///< train on CUDA when available (training steps)
  int ngpu = 1;            ///< GPUs to use
  std::uint64_t seed = 0;  ///< seed of every random choice
  std::string device =
      "auto";           ///< auto | cpu | cuda | cuda:N (auto: CUDA when `cuda` and available)
  int num_threads = 0;  ///< CPU intra-op threads of every step; 0 = every CPU the process may use

  // --- files (relative paths are relative to the working directory) ---
  std::string path_to_architecture = "logs/architecture.csv";  ///< generate's output
  std::string path_to_evolution_architecture = "logs/evolution_architecture.csv";
  std::string path_to_train_data = "logs/train_data.csv";    ///< labelled architectures
  std::string path_to_save_predictor = "logs/predictor.pt";  ///< train_predictor's output
  std::string predictor_pretrained = "logs/predictor.pt";    ///< predictor evolution loads
  std::string log_dir = "logs";                              ///< logs, summaries, plots
  std::string write_dir = "logs/checkpoints";                ///< training checkpoints

  // --- training recipe (DESIGN 1.5) ---
  int epochs = 60;
  int batch_size = 1024;
  int print_freq = 10;  ///< progress line every N batches
  DatasetKind dataset = DatasetKind::kCifar100;
  int classes = 100;
  std::string dataset_dir = "data";  ///< holds cifar-10-batches-bin/ or cifar-100-binary/
  int input_size = 32;               ///< input height = width, pixels
  int input_channels = 3;            ///< 3 for CIFAR, 1 for (Fashion-)MNIST
  double train_portion = 1.0;        ///< share of the training split used to train; rest validates
  std::vector<double> mean{0.49139968, 0.48215827, 0.44653124};  ///< per channel
  std::vector<double> std{0.2023, 0.1994, 0.2010};               ///< per channel
  OptimState optim_state;
  LrScheduler lr_scheduler = LrScheduler::kStep;
  int step_size = 25;            ///< epochs between step decays
  double decay_ratio = 0.1;      ///< step decay factor
  double label_smoothing = 0.1;  ///< cross-entropy target = one_hot (1 - e) + e / classes
  int train_subset = 0;          ///< train on a seeded random N images; 0 = the whole split
  int test_subset = 0;           ///< evaluate on a seeded random N images; 0 = all
  int repeats = 2;               ///< trainings per architecture for a label (different seeds)
  bool channels_last = true;     ///< NHWC memory format for convolutions (faster on CPU)
  AugmentConfig augment;
  LabelsConfig labels;

  // --- search space (DESIGN 1.1-1.2) ---
  std::string search_space = "layerwise";  ///< layerwise | nasbench201
  std::string
      benchmark_table;  ///< benchmark mode: CSV arch,test_acc (percent) train looks up; "" = train
  std::vector<OpKind> ops_name{OpKind::kSkip,     OpKind::kSepConv3, OpKind::kSepConv5,
                               OpKind::kSepConv7, OpKind::kDilConv3, OpKind::kDilConv5};
  std::vector<LayerConfig> l_cfgs{{16, 1}, {32, 2}, {40, 2}, {80, 2}, {320, 1}};
  int stem_channels = 16;    ///< output channels of the 3x3 stem conv
  int head_channels = 1280;  ///< output channels of the 1x1 head conv

  // --- search ---
  double macs_budget = 15.0;     ///< hardware budget, millions of multiply-accumulates; 0 = none
  double params_budget = 0;      ///< parameter budget, millions; 0 = none
  double latency_budget_ms = 0;  ///< latency budget (batch 1, from latency_table), ms; 0 = none
  std::string latency_table;     ///< per-op latency CSV (evaluate --profile-latency); "" = none
  int sample_count = 300;        ///< architectures `generate` draws
  SamplingConfig sampling;
  LatencyConfig latency;
  PredictorConfig predictor;
  EvolutionConfig evolution;
  SearchConfig search;
  ProxyConfig proxies;

  bool operator==(const Config& o) const;
};

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
