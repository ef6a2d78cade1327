#pragma once

// Every configuration key, declared once. Each entry is
//
//   X(S, type, name, default, doc, rules...)
//
// in file order: the C++ type of the value, the key's name (a member of the struct of section S;
// S is empty for a top-level key), its default (the original system's config.yml, DESIGN 1.1-1.5;
// a braced list is written in parentheses), the documentation --help, --show-config and the
// README's key table show, and any number of rules the validator checks (src/common/config.cpp
// defines them: at_least, above, in_range, not_empty, each, distinct, check for anything else,
// including rules across keys). config.hpp expands the lists into the structs' members;
// config.cpp expands them into the field list that reads, writes, compares and validates a
// Config. A new key is one entry here (and `build/bin/generate --keys-table` for the README).

#define GNAS_KEYS_ENVIRONMENT(X, S)                                                               \
  X(S, bool, cuda, true, "train on CUDA when available (training steps)")                         \
  X(S, int, ngpu, 1,                                                                              \
    "CUDA devices the label trainings (`train --train-data` and its agreement check) spread "     \
    "over, from the index of `device` on (cuda:K .. cuda:K+N-1), one architecture per device at " \
    "a time (times `trainings_per_device`); 1 = the one training device, CPU or GPU; > 1 needs "  \
    "that many CUDA devices",                                                                     \
    at_least(1))                                                                                  \
  X(S, int, trainings_per_device, 1,                                                              \
    "label trainings each device runs at once (threads of one process; a small network leaves "   \
    "most of a GPU idle); on the CPU they share `num_threads` (each gets num_threads / M, at "    \
    "least 1); each architecture and repeat keeps its own seed, so a label equals that of one "   \
    "training at a time with the same threads per training",                                      \
    at_least(1))                                                                                  \
  X(S, std::uint64_t, seed, 0, "seed of every random choice")                                     \
  X(S, std::string, device, "auto", "auto = CUDA when `cuda` is true and a GPU is there",         \
    check("auto, cpu, cuda or cuda:N", [](const std::string& d, const Config&) {                  \
      const bool ok = d == "auto" || d == "cpu" || d == "cuda" ||                                 \
                      (d.rfind("cuda:", 0) == 0 && d.size() > 5 &&                                \
                       d.find_first_not_of("0123456789", 5) == std::string::npos);                \
      return ok ? "" : "must be auto, cpu, cuda or cuda:N";                                       \
    }))                                                                                           \
  X(S, int, num_threads, 0,                                                                       \
    "CPU intra-op threads of every step; 0 = every CPU the process may use", at_least(0))

#define GNAS_KEYS_FILES(X, S)                                                                 \
  X(S, std::string, path_to_architecture, "logs/architecture.csv",                            \
    "sampled architectures (generate writes it)", not_empty())                                \
  X(S, std::string, path_to_evolution_architecture, "logs/evolution_architecture.csv",        \
    "the searched architecture", not_empty())                                                 \
  X(S, std::string, path_to_train_data, "logs/train_data.csv", "labelled architectures",      \
    not_empty())                                                                              \
  X(S, std::string, path_to_save_predictor, "logs/predictor.pt",                              \
    "where train_predictor saves the predictor", not_empty())                                 \
  X(S, std::string, predictor_pretrained, "logs/predictor.pt",                                \
    "the predictor evolution and evaluate load", not_empty())                                 \
  X(S, std::string, log_dir, "logs", "logs, summaries, resolved configs, plots", not_empty()) \
  X(S, std::string, write_dir, "logs/checkpoints", "training checkpoints", not_empty())

#define GNAS_KEYS_DATA(X, S)                                                                 \
  X(S, int, epochs, 60, "training epochs per architecture", at_least(1))                     \
  X(S, int, batch_size, 1024, "training batch size", at_least(1))                            \
  X(S, int, print_freq, 10, "progress line every N batches", at_least(1))                    \
  X(S, DatasetKind, dataset, DatasetKind::kCifar100,                                         \
    "the data set, which fixes its files' format (README, Training: data)")                  \
  X(S, int, classes, 100, "number of classes", at_least(2))                                  \
  X(S, std::string, dataset_dir, "data", "folder holding the dataset files", not_empty())    \
  X(S, int, input_size, 32,                                                                  \
    "input height = width, pixels: smaller images are zero-padded, larger ones "              \
    "area-downscaled (a reduced-resolution recipe; MACs are counted at this size)",           \
    at_least(1))                                                                             \
  X(S, int, input_channels, 3, "3 for CIFAR, 1 for (Fashion-)MNIST", at_least(1))            \
  X(S, double, train_portion, 1.0,                                                           \
    "share of the training split used to train; the rest validates", in_range("(]", 0, 1))   \
  X(S, std::vector<double>, mean, (std::vector<double>{0.49139968, 0.48215827, 0.44653124}), \
    "per-channel normalisation mean", values_per_channel())                                  \
  X(S, std::vector<double>, std, (std::vector<double>{0.2023, 0.1994, 0.2010}),              \
    "per-channel normalisation standard deviation", values_per_channel(), each(above(0)))

#define GNAS_KEYS_OPTIM_STATE(X, S)                                           \
  X(S, Optimizer, optimizer, Optimizer::kSgd, "the training optimizer")       \
  X(S, double, lr, 0.1, "initial learning rate", above(0))                    \
  X(S, double, momentum, 0.9, "SGD / RMSprop momentum", in_range("[)", 0, 1)) \
  X(S, double, weight_decay, 4e-4, "L2 penalty", at_least(0))

#define GNAS_KEYS_TRAINING(X, S)                                                               \
  X(S, LrScheduler, lr_scheduler, LrScheduler::kStep,                                          \
    "step (x decay_ratio every step_size epochs), cosine (half a cosine from lr to 0 over "    \
    "the epochs, set once per epoch) or cosine_original (the original's code: T_max = epochs " \
    "x batches per epoch, stepped once per epoch: with the original's 49 batches per epoch "   \
    "the rate stays within 0.1 % of `optim_state.lr` over 60 epochs)")                         \
  X(S, int, step_size, 25, "epochs between step decays", at_least(1))                          \
  X(S, double, decay_ratio, 0.1, "step decay factor", in_range("(]", 0, 1))                    \
  X(S, double, label_smoothing, 0.1, "cross-entropy target = one_hot x (1 - e) + e / classes", \
    in_range("[)", 0, 1))                                                                      \
  X(S, int, train_subset, 0, "train on a seeded random N images; 0 = the whole split",         \
    at_least(0))                                                                               \
  X(S, int, test_subset, 0, "evaluate on a seeded random N images; 0 = the whole split",       \
    at_least(0))                                                                               \
  X(S, int, repeats, 2,                                                                        \
    "trainings per architecture for a label (its mean best top-1), each with its own seed",    \
    at_least(1))                                                                               \
  X(S, MixedPrecision, mixed_precision, MixedPrecision::kNone,                                 \
    "number format of the training and evaluation forward passes (autocast): none (float32), " \
    "bf16 (CUDA or CPU; no loss scaling needed) or fp16 (CUDA only; the loss is scaled "       \
    "dynamically as PyTorch's GradScaler does: a step with inf/NaN gradients is skipped and "  \
    "the scale halved, doubled after 2,000 good steps; a resumed training starts the scale "   \
    "afresh)")                                                                                 \
  X(S, bool, channels_last, true, "NHWC memory format for convolutions (faster on CPU)")

#define GNAS_KEYS_AUGMENT(X, S)                                                                   \
  X(S, int, crop_padding, 4, "zero padding of the random crop, pixels; 0 = no crop", at_least(0)) \
  X(S, bool, flip, true, "random horizontal flip")

#define GNAS_KEYS_LABELS(X, S)                                                                    \
  X(S, int, agreement_check, 0,                                                                   \
    "K > 0: after labelling, `train --train-data` trains the architectures with id < K once "     \
    "more with a fresh seed into `log_dir/label_agreement.csv` "                                  \
    "(`id,arch,top1_1,top1_check,seed`) and reports `label_agreement_tau` (Kendall tau "          \
    "between the two trainings) and `label_spread_median`: what the labels are worth before "     \
    "a predictor learns from them; 0 = off",                                                      \
    at_least(0),                                                                                  \
    check("0 or >= 3",                                                                            \
          [](int k, const Config&) {                                                              \
            return k == 0 || k >= 3                                                               \
                       ? ""                                                                       \
                       : "must be 0 or >= 3 (a rank agreement needs three architectures)";        \
          }),                                                                                     \
    check("<= sample_count", [](int k, const Config& c) {                                         \
      return k <= c.sample_count ? std::string()                                                  \
                                 : "must be <= sample_count (" + std::to_string(c.sample_count) + \
                                       "): the check retrains labelled architectures";            \
    }))                                                                                           \
  X(S, bool, common_random_numbers, false,                                                        \
    "every architecture of one repeat trains from the same seed (data order, "                    \
    "augmentation and initialisation stream), so that noise they all share cancels in "           \
    "the ranking; false = a seed per architecture (the original)")                                \
  X(S, int, bn_recalibration, 0,                                                                  \
    "N > 0: before each evaluation the BatchNorm statistics are recomputed (a plain average) "    \
    "over N training batches of the current weights, in place of running averages that lag "      \
    "behind a large learning rate; 0 = running averages (the original)",                          \
    at_least(0))                                                                                  \
  X(S, LabelMeasure, measure, LabelMeasure::kBestTop1,                                            \
    "what a label is: best_top1 (the best top-1 on the evaluation split over the "                \
    "epochs, the original) or train_loss (exp(-the mean training loss of the last "               \
    "epoch): the geometric mean of the probability the network gave each training "               \
    "image's class in its last epoch, a training-speed estimate that averages over "              \
    "every batch of that epoch instead of one evaluation of the validation images) or "           \
    "eval_loss (exp(-the mean cross-entropy on the evaluation split after the last "               \
    "epoch): the same geometric mean on the validation images, graded by confidence "              \
    "instead of counted right or wrong); the labels, the agreement check and the final "          \
    "training's `label` use it",                                                                  \
    check("a loss measure needs training (benchmark_table empty)",                                \
          [](LabelMeasure m, const Config& c) {                                                   \
            return m == LabelMeasure::kBestTop1 || c.benchmark_table.empty()                      \
                       ? std::string()                                                            \
                       : "a benchmark table holds accuracies, not losses; "                       \
                         "use best_top1 or leave benchmark_table empty";                          \
          }))

#define GNAS_KEYS_SPACE(X, S)                                                                    \
  X(S, std::string, search_space, "layerwise",                                                   \
    "a space registered in registry/search_spaces.cpp: layerwise (the original's "               \
    "macro space) or nasbench201 (the NAS-Bench-201 cell space, for benchmark mode); "           \
    "another name is refused when a step builds the space",                                      \
    not_empty())                                                                                 \
  X(S, std::string, benchmark_table, {},                                                         \
    "benchmark mode: CSV `arch,test_acc` (percent) that `train` looks architectures "            \
    "up in instead of training them; empty = train for real")                                    \
  X(S, std::vector<OpKind>, ops_name,                                                            \
    (std::vector<OpKind>{OpKind::kSkip, OpKind::kSepConv3, OpKind::kSepConv5, OpKind::kSepConv7, \
                         OpKind::kDilConv3, OpKind::kDilConv5}),                                 \
    "candidate ops of every layer, in gene order", not_empty("must name at least one op"),       \
    distinct())                                                                                  \
  X(S, std::vector<LayerConfig>, l_cfgs,                                                         \
    (std::vector<LayerConfig>{{16, 1}, {32, 2}, {40, 2}, {80, 2}, {320, 1}}),                    \
    "the search layers, each [out_channels, stride]", not_empty("must hold at least one layer"), \
    layer_rules())                                                                               \
  X(S, int, stem_channels, 16, "output channels of the 3x3 stem conv", at_least(1))              \
  X(S, int, head_channels, 1280, "output channels of the 1x1 head conv", at_least(1))

#define GNAS_KEYS_BUDGETS(X, S)                                                                    \
  X(S, double, macs_budget, 15.0,                                                                  \
    "hardware budget, millions of MACs; 0 = none (both spaces have exact MACs and "                \
    "parameters: nasbench201's are those of the benchmark's standard network)",                    \
    at_least(0))                                                                                   \
  X(S, double, params_budget, 0, "parameter budget of evolution, millions; 0 = none", at_least(0)) \
  X(S, double, latency_budget_ms, 0,                                                               \
    "latency budget of evolution, ms at batch 1 as `latency_table` predicts it; 0 = none",         \
    at_least(0), check("> 0 needs latency_table", [](double ms, const Config& c) {                 \
      return ms == 0 || !c.latency_table.empty()                                                   \
                 ? ""                                                                              \
                 : "needs latency_table (evaluate --profile-latency measures one)";                \
    }))                                                                                            \
  X(S, std::string, latency_table, {},                                                             \
    "per-op latency CSV (`evaluate --profile-latency` writes one; a table measured on "            \
    "another device works the same); empty = none")                                                \
  X(S, int, sample_count, 300, "architectures generate draws", at_least(1))

#define GNAS_KEYS_SAMPLING(X, S)                                                       \
  X(S, int, prescreen, 0,                                                              \
    "> 0: generate draws N distinct candidates, scores each with the zero-cost "       \
    "proxies (`proxies.names`, as `evaluate --proxies`) and keeps the `sample_count` " \
    "with the best ensemble rank (the mean over the proxies of each one's rank "       \
    "fraction), in draw order; every candidate's scores and the choice land in "       \
    "`log_dir/prescreen.csv`; 0 = uniform samples (the original)",                     \
    check("0 or >= sample_count", [](int n, const Config& c) {                         \
      return n == 0 || n >= c.sample_count                                             \
                 ? std::string()                                                       \
                 : "must be 0 or >= sample_count (" + std::to_string(c.sample_count) + \
                       "): it keeps sample_count of its candidates";                   \
    }))                                                                                \
  X(S, bool, within_budget, false,                                                     \
    "generate keeps only architectures within macs_budget (the original did not)")     \
  X(S, int, max_attempts, 1000000, "draws allowed before generate gives up", at_least(1))

#define GNAS_KEYS_LATENCY(X, S)                                                           \
  X(S, int, warmup, 5, "untimed forward passes before timing", at_least(0))               \
  X(S, int, repeats, 20, "timed forward passes", at_least(1))                             \
  X(S, int, threads, 1, "intra-op threads while timing; 0 = num_threads", at_least(0))    \
  X(S, LatencyStatistic, statistic, LatencyStatistic::kMin,                               \
    "what of the timed passes is reported: the min is what the network costs when "       \
    "nothing else runs; on a shared CPU the median moves with the neighbours (two "       \
    "timings of the same 50 networks differed by 7.7 % on average with the median, "      \
    "3.7 % with the min, docs/benchmarks.md)")                                            \
  X(S, int, calibration, 40,                                                              \
    "whole sampled networks `evaluate --profile-latency` times to fit the table to "      \
    "real forward passes (its fixed part, a scale on the ops as timed alone, a cost "     \
    "per op beyond a layer's first); 0 = the ops as timed alone",                         \
    check("0 or >= 5", [](int n, const Config&) {                                         \
      return n == 0 || n >= 5 ? "" : "must be 0 (none) or >= 5 (three terms are fitted)"; \
    }))                                                                                   \
  X(S, LatencyRuntime, runtime, LatencyRuntime::kLibtorch,                                \
    "what runs the timed networks: libtorch, or opencv (the network exported to ONNX "    \
    "as `--export-onnx` writes it, in OpenCV's DNN module on the CPU), so a budget is "   \
    "in the deployment runtime's milliseconds; the table records its runtime and a "      \
    "table of another runtime is refused")

#define GNAS_KEYS_PREDICTOR(X, S)                                                                 \
  X(S, PredictorType, type, PredictorType::kGnn,                                                  \
    "gnn (DESIGN 1.6's graph network), mlp (on the flat op encoding) or xgboost "                 \
    "(gradient-boosted regression trees on the flat op encoding and the graph features; "         \
    "fitted on every training label, so `epochs`, `batch_size`, `lr`, `weight_decay`, "           \
    "`ranking_weight`, `validation_share` and `patience` do not apply)",                          \
    check("xgboost needs variant tuned", [](PredictorType type, const Config& c) {                \
      return type != PredictorType::kXgboost || c.predictor.variant == PredictorVariant::kTuned   \
                 ? ""                                                                             \
                 : "needs predictor.variant tuned (the original has no tree model)";              \
    }))                                                                                           \
  X(S, PredictorVariant, variant, PredictorVariant::kTuned,                                       \
    "original (DESIGN 1.6 exactly: [out-degree, 1, 1] features, sigmoid output, MSE, "            \
    "and its training recipe: Adam 1e-4, batch 1, 50 epochs, raw targets, no "                    \
    "validation split) or tuned (the switches below)")                                            \
  X(S, NodeFeatures, node_features, NodeFeatures::kOps,                                           \
    "tuned gnn: degree ([out-degree, 1, 1]) or ops (out-degree, op type one-hot, MACs "           \
    "of the node)")                                                                               \
  X(S, std::vector<GraphFeatureSet>, graph_features, {},                                          \
    "tuned: graph-level inputs of both the GNN's decoder and the MLP, standardised on the "       \
    "training labels: `graf` (GRAF-style: per op type the live op nodes; per set of op types "    \
    "the log number of input-to-output paths using only those ops and the shortest such "         \
    "path), `cost` (log MACs, log parameters) and `synflow` (log of the data-free zero-cost "     \
    "proxy of the architecture's network under one fixed reference initialisation, so the "       \
    "same in every run; computed once per architecture, ~1/60 s for a NAS-Bench-201 cell and "    \
    "~1/40 s for a layer-wise network on 2 cores, also for every architecture the evolution "     \
    "scores) and `zico` (ZiCo of the network under the same initialisation on one fixed "         \
    "stand-in batch of 8 seeded noise images with uniform labels, so it needs no data set "       \
    "and means the same everywhere; ~1/7 s for a NAS-Bench-201 cell); [] = none",                 \
    distinct())                                                                                   \
  X(S, std::string, feature_cache, {},                                                            \
    "folder where the `synflow` and `zico` graph features one step computes are kept "            \
    "for the next steps and runs (`synflow-<hash of the space and network "                       \
    "shape>.csv`, `arch,log_synflow`, and `zico-<hash>.csv`, `arch,zico`; the values "            \
    "never change, so a cache is valid for every run of the same space); empty = "                \
    "every process computes its own")                                                             \
  X(S, double, ranking_weight, 0.0, "tuned: weight of a pairwise ranking loss added to MSE",      \
    at_least(0))                                                                                  \
  X(S, int, ensemble, 1, "tuned: independently seeded models, predictions averaged", at_least(1)) \
  X(S, int, hidden, 64,                                                                           \
    "tuned: node embedding width (gnn) or hidden width (mlp); the original is 128 "               \
    "wide (64 ranks as well on our benchmark in half the training time; 32 is "                   \
    "unstable, docs/benchmarks.md)",                                                              \
    at_least(1))                                                                                  \
  X(S, int, blocks, 5, "tuned gnn: aggregation + GRU blocks; the original has 5", at_least(1))    \
  X(S, int, epochs, 100, "most passes over the training labels", at_least(1))                     \
  X(S, int, batch_size, 16, "architectures per minibatch", at_least(1))                           \
  X(S, double, lr, 1e-3, "Adam learning rate", above(0))                                          \
  X(S, double, weight_decay, 0.0, "Adam L2 penalty", at_least(0))                                 \
  X(S, double, validation_share, 0.1,                                                             \
    "share of the training labels held out (seeded) to pick the epoch and stop early; "           \
    "never the test labels",                                                                      \
    in_range("[)", 0, 1))                                                                         \
  X(S, int, patience, 20, "stop after N epochs without a better validation loss; 0 = never",      \
    at_least(0))                                                                                  \
  X(S, int, trees, 500, "xgboost: boosting rounds, one tree each", at_least(1))                   \
  X(S, int, tree_depth, 6, "xgboost: deepest tree", in_range("[]", 1, 16))                        \
  X(S, double, tree_eta, 0.05, "xgboost: shrinkage of each tree's contribution",                  \
    in_range("(]", 0, 1))                                                                         \
  X(S, double, tree_subsample, 0.8,                                                               \
    "xgboost: share of the labels and of the features each tree sees", in_range("(]", 0, 1))      \
  X(S, int, test_count, 50, "labels held out for the reported metrics; 0 = none", at_least(0))    \
  X(S, TestSplit, test_split, TestSplit::kLast,                                                   \
    "last (the last `test_count` rows of the data, as the original) or random (seeded)")          \
  X(S, int, test_repeats, 1,                                                                      \
    "R > 1: the predictor is also fitted on R - 1 more random splits (each its own held-out "     \
    "labels and initialisation) and the summary adds the Kendall tau's mean and standard "        \
    "deviation over all R (`kendall_tau_mean`, `kendall_tau_sd`): one split of a few labels is "  \
    "a noisy draw; the saved predictor is the first split's; R - 1 more fits",                    \
    at_least(1), check("> 1 needs test_split random and test_count > 0", [](int r, const Config& c) { \
      return r == 1 || (c.predictor.test_split == TestSplit::kRandom && c.predictor.test_count > 0) \
                 ? ""                                                                             \
                 : "more splits need test_split random and test_count > 0 (the last rows are "    \
                   "always the same split)";                                                      \
    }))

#define GNAS_KEYS_EVOLUTION(X, S)                                                                 \
  X(S, int, population, 20,                                                                       \
    "architectures per generation: half crossover children, half mutation children", at_least(2)) \
  X(S, int, parents, 10, "the best architectures seen so far, which parents are drawn from",      \
    at_least(1))                                                                                  \
  X(S, double, mutation_prob, 0.1, "per-gene mutation probability", in_range("[]", 0, 1))         \
  X(S, int, generations, 1000, "generations after the first population", at_least(0))             \
  X(S, int, max_attempts, 1000,                                                                   \
    "redraws of a child (or a first-population draw) that breaks a budget before a fallback",     \
    at_least(1))                                                                                  \
  X(S, EvolutionVariant, variant, EvolutionVariant::kGnas,                                        \
    "gnas (each generation P/2 crossover-only and P/2 mutation-only children of the "             \
    "best `parents` seen) or original (the original's GA, DESIGN 1.7: the best P/2 of "           \
    "the population survive, plus P/2 children, each a crossover with the cut in [0, "            \
    "genes) followed by mutation)")                                                               \
  X(S, bool, pareto, false,                                                                       \
    "Pareto mode: one search per budget (evenly spaced from the space's minimum MACs up to "      \
    "`macs_budget`), then the front of predicted accuracy vs MACs over everything scored")        \
  X(S, int, pareto_budgets, 8, "budgets of the Pareto mode", at_least(1))

#define GNAS_KEYS_PROXIES(X, S)                                                                   \
  X(S, std::vector<ProxyKind>, names,                                                             \
    (std::vector<ProxyKind>{ProxyKind::kSynflow, ProxyKind::kNwot, ProxyKind::kGradNorm,          \
                            ProxyKind::kSnip, ProxyKind::kZico}),                                 \
    "zero-cost proxies `evaluate --proxies` computes", not_empty("must name at least one proxy"), \
    distinct())                                                                                   \
  X(S, int, batch_size, 32,                                                                       \
    "images of the seeded minibatch the proxies score on (zico compares its two halves)",         \
    check(">= 2", [](int n, const Config&) {                                                      \
      return n >= 2 ? "" : "must be >= 2 (zico compares two halves of the batch)";                \
    }))

#define GNAS_KEYS_SEARCH(X, S)                                                                 \
  X(S, int, rounds, 0,                                                                         \
    "iterative refinement rounds after the first search (0 = the original pipeline); "         \
    "label budget = `sample_count` + rounds x `per_round`",                                    \
    at_least(0))                                                                               \
  X(S, int, per_round, 10,                                                                     \
    "architectures each round labels: the best predicted of the last search not yet labelled", \
    at_least(1))                                                                               \
  X(S, int, verify, 5,                                                                         \
    "after the last search, label the V best predicted architectures not yet labelled "        \
    "(`generate --verify`) and answer with the best label: the answer is an "                  \
    "architecture whose accuracy was measured, never the predictor's unverified "              \
    "favourite; label budget + V",                                                             \
    at_least(0), check("> 0 needs search.pick best_labelled", [](int v, const Config& c) {     \
      return v == 0 || c.search.pick == AnswerPick::kBestLabelled                              \
                 ? ""                                                                          \
                 : "labels the best predicted so that the best label can be the "              \
                   "answer: needs search.pick best_labelled";                                  \
    }))                                                                                        \
  X(S, int, race, 0,                                                                           \
    "K > 0: before the answer is trained, the K labelled architectures within the budgets "    \
    "with the best labels are trained once more from one seed of their own (into "             \
    "`log_dir/race.csv`) and the answer is the one with the best mean of its trainings: the "  \
    "best of many noisy labels is partly luck (the winner's curse), a second training tells "  \
    "luck from merit; K more trainings; 0 = the best label is the answer",                     \
    at_least(0),                                                                               \
    check("0 or >= 2",                                                                         \
          [](int k, const Config&) {                                                           \
            return k == 0 || k >= 2 ? ""                                                       \
                                    : "must be 0 or >= 2 (a race needs two runners)";          \
          }),                                                                                  \
    check("> 0 needs search.pick best_labelled", [](int k, const Config& c) {                  \
      return k == 0 || c.search.pick == AnswerPick::kBestLabelled                              \
                 ? ""                                                                          \
                 : "races the best labels for the answer: needs search.pick best_labelled";    \
    }))                                                                                        \
  X(S, double, uncertainty_weight, 0.0,                                                        \
    "fitness of the search = ensemble mean - k x the ensemble's standard deviation (a lower "  \
    "confidence bound, so the search is not drawn to the predictor's confident errors)",       \
    at_least(0), check("> 0 needs predictor.ensemble >= 2", [](double k, const Config& c) {    \
      return k == 0 || c.predictor.ensemble >= 2                                               \
                 ? ""                                                                          \
                 : "needs predictor.ensemble >= 2 (the spread of an ensemble)";                \
    }))                                                                                        \
  X(S, AnswerPick, pick, AnswerPick::kBestLabelled,                                            \
    "the answer: best_labelled (the labelled architecture with the best label, the verified "  \
    "ones included) or evolved (the last search's best predicted, the original's answer)")
