#include "gnas/app/modes.hpp"

#include "gnas/common/errors.hpp"
#include "gnas/common/run_layout.hpp"

namespace gnas {

std::string outputs_name(GenerateMode mode) {
  switch (mode) {
    case GenerateMode::kSample: return "generate";
    case GenerateMode::kRefine: return "generate_refine";
    case GenerateMode::kVerify: return "generate_verify";
  }
  return "generate";
}

std::string outputs_name(TrainMode mode) {
  return mode == TrainMode::kLabels ? "train_labels" : "train_final";
}

std::string outputs_name(EvolutionMode mode) {
  return std::string(mode == EvolutionMode::kEvolution ? kEvolutionPrefix : kRandomSearchPrefix);
}

std::string outputs_name(EvaluateMode mode) {
  switch (mode) {
    case EvaluateMode::kArchitectures: return "evaluate_architectures";
    case EvaluateMode::kPredictor: return "evaluate_predictor";
    case EvaluateMode::kLearningCurve: return "evaluate_learning_curve";
    case EvaluateMode::kProfileLatency: return "evaluate_profile_latency";
    case EvaluateMode::kCompare: return "evaluate_compare";
    case EvaluateMode::kReport: return "evaluate_report";
    case EvaluateMode::kProxies: return "evaluate_proxies";
    case EvaluateMode::kFidelity: return "evaluate_fidelity";
    case EvaluateMode::kExportOnnx: return "evaluate_export_onnx";
  }
  return "evaluate";
}

TrainMode train_mode(const TrainFlags& f) {
  const bool picks_one = f.arch_file || f.index || f.best_labelled;
  if (f.best_labelled && (f.arch_file || f.index)) {
    throw UsageError(
        "train: --best-labelled picks from path_to_train_data; drop --arch-file/--index");
  }
  if (!f.load_architecture) {
    throw UsageError("train: give --load-architecture (with --train-data for labels)");
  }
  if (f.train_data && picks_one) {
    throw UsageError(
        "train: --arch-file/--index/--best-labelled choose the final model's architecture; "
        "--train-data "
        "labels every architecture of path_to_architecture");
  }
  if (!f.train_data && f.shard) throw UsageError("train: --shard only applies with --train-data");
  return f.train_data ? TrainMode::kLabels : TrainMode::kFinal;
}

EvaluateMode evaluate_mode(const EvaluateFlags& f) {
  // With --proxies and --export-onnx, --arch-file names the architectures instead of being a mode.
  const bool architectures = f.arch_file && !f.proxies && !f.export_onnx;
  const int modes = architectures + f.predictor + f.learning_curve + f.profile_latency + f.compare +
                    f.report + f.proxies + f.fidelity + f.export_onnx;
  if (modes != 1) {
    throw UsageError(
        "evaluate: give exactly one of --arch-file [PATH], --predictor, --learning-curve, "
        "--profile-latency [PATH], --compare, --report, --proxies [--arch-file PATH], --fidelity "
        "FILE, "
        "--export-onnx [--arch-file PATH] [--index I]");
  }
  if (f.index && !f.export_onnx) throw UsageError("evaluate: --index goes with --export-onnx");
  if (f.no_latency && !architectures)
    throw UsageError("evaluate: --no-latency goes with --arch-file [PATH]");
  if (f.export_onnx) return EvaluateMode::kExportOnnx;
  if (f.fidelity) return EvaluateMode::kFidelity;
  if (f.proxies) return EvaluateMode::kProxies;
  if (f.report) return EvaluateMode::kReport;
  if (f.profile_latency) return EvaluateMode::kProfileLatency;
  if (f.compare) return EvaluateMode::kCompare;
  if (f.predictor) return EvaluateMode::kPredictor;
  if (f.learning_curve) return EvaluateMode::kLearningCurve;
  return EvaluateMode::kArchitectures;
}

}  // namespace gnas
