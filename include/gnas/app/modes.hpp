#pragma once

// Which mode of a step a command line asks for, and the name of the files that mode's run leaves
// in log_dir: `<name>_config.yml` (the resolved configuration) and `<name>_summary.yml`. Every mode
// has its own name, so running one mode never overwrites another's record. The rules live here,
// not in apps/, so that tests reach them.

#include <string>
#include <string_view>

namespace gnas {

/// train_predictor has one mode.
inline constexpr std::string_view kTrainPredictorName = "train_predictor";

enum class GenerateMode { kSample, kRefine, kVerify };
enum class TrainMode { kLabels, kFinal };
enum class EvolutionMode { kEvolution, kRandomSearch };
enum class EvaluateMode {
  kArchitectures,
  kPredictor,
  kLearningCurve,
  kProfileLatency,
  kCompare,
  kReport,
  kProxies,
  kFidelity,
  kExportOnnx,
};

/// generate, generate_refine, generate_verify.
std::string outputs_name(GenerateMode mode);
/// train_labels (--train-data), train_final.
std::string outputs_name(TrainMode mode);
/// evolution, random_search (whose every output is named random_search_*).
std::string outputs_name(EvolutionMode mode);
/// evaluate_<mode>: evaluate_architectures, evaluate_predictor, ... evaluate_export_onnx.
std::string outputs_name(EvaluateMode mode);

/// The flags of `train` that choose its mode.
struct TrainFlags {
  bool load_architecture = false;  ///< --load-architecture
  bool train_data = false;         ///< --train-data
  bool shard = false;              ///< --shard given
  bool arch_file = false;          ///< --arch-file given
  bool index = false;              ///< --index given
  bool best_labelled = false;      ///< --best-labelled
};

/// The mode the flags ask for; UsageError naming the flags for a combination that means nothing.
TrainMode train_mode(const TrainFlags& flags);

/// The flags of `evaluate` that choose its mode.
struct EvaluateFlags {
  bool arch_file = false;        ///< --arch-file [PATH] given
  bool no_latency = false;       ///< --no-latency
  bool predictor = false;        ///< --predictor
  bool learning_curve = false;   ///< --learning-curve
  bool profile_latency = false;  ///< --profile-latency [PATH] given
  bool compare = false;          ///< --compare
  bool report = false;           ///< --report
  bool proxies = false;          ///< --proxies
  bool fidelity = false;         ///< --fidelity FILE given
  bool export_onnx = false;      ///< --export-onnx
  bool index = false;            ///< --index given
};

/// The one mode the flags ask for (--arch-file is a mode of its own unless --proxies or
/// --export-onnx names the architectures with it); UsageError for none, several, or a flag that
/// goes with another mode.
EvaluateMode evaluate_mode(const EvaluateFlags& flags);

}  // namespace gnas
