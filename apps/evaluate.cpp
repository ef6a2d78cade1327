// evaluate: reports on architectures (MACs, parameters, CPU latency) and on predictors.
#include <iostream>

#include "gnas/app/cli.hpp"
#include "gnas/app/compare.hpp"
#include "gnas/app/evaluate_architectures.hpp"
#include "gnas/app/evaluate_predictor.hpp"
#include "gnas/app/export_onnx.hpp"
#include "gnas/app/fidelity.hpp"
#include "gnas/app/modes.hpp"
#include "gnas/app/profile_latency.hpp"
#include "gnas/app/proxies.hpp"
#include "gnas/app/report.hpp"

int main(int argc, char** argv) {
  std::string arch_file, latency_path, fidelity_file;
  bool predictor = false, learning_curve = false, compare = false, report = false, proxies = false;
  bool no_latency = false, export_onnx = false;
  int index = 0;
  CLI::Option* index_option = nullptr;
  std::size_t check_count = 10;
  CLI::Option* profile_option = nullptr;
  gnas::EvaluatePredictorOptions predictor_options;
  gnas::LearningCurveOptions curve_options;
  CLI::Option* arch_option = nullptr;
  gnas::EvaluateMode mode = gnas::EvaluateMode::kArchitectures;
  return gnas::app::run_main(
      argc, argv, "evaluate", "Reports on architectures, predictors and searches.",
      [&](CLI::App& cli) {
        arch_option =
            cli.add_option("--arch-file", arch_file,
                           "measure MACs, parameters and CPU latency of the architectures "
                           "in PATH (the project's CSV or the original's adjacency CSV); "
                           "without PATH: path_to_architecture")
                ->expected(0, 1);
        cli.add_flag("--no-latency", no_latency,
                     "with --arch-file: MACs and parameters only, no network timed");
        cli.add_flag(
            "--predictor", predictor,
            "rank quality of predictor_pretrained on labelled data (metrics, scatter plot)");
        cli.add_flag("--learning-curve", learning_curve,
                     "train config.predictor on growing label counts; Kendall tau of each");
        cli.add_option("--data", predictor_options.data,
                       "labelled CSV files (default path_to_train_data or its shards)");
        cli.add_option("--speed", predictor_options.speed_count,
                       "with --predictor: time batched inference on N sampled architectures");
        cli.add_option("--sizes", curve_options.sizes, "with --learning-curve: training-set sizes")
            ->delimiter(',');
        profile_option =
            cli.add_option("--profile-latency", latency_path,
                           "measure the per-op latency table of the layerwise space on "
                           "this machine into PATH (default log_dir/latency_table.csv)")
                ->expected(0, 1);
        cli.add_option("--check", check_count,
                       "with --profile-latency: sampled whole networks timed to check the table");
        cli.add_flag(
            "--compare", compare,
            "sampled, random-search and evolved architectures on one MACs-vs-accuracy plot");
        cli.add_flag("--report", report, "the run's static page, log_dir/report.html");
        cli.add_option(
            "--fidelity", fidelity_file,
            "labels of the same architectures from a longer recipe: their rank "
            "agreement with path_to_train_data's (how far the cheap labels can be trusted)");
        cli.add_flag("--proxies", proxies,
                     "zero-cost proxies (proxies.names) of the architectures of --arch-file PATH "
                     "(default path_to_architecture) into log_dir/proxies.csv; with --data, their "
                     "rank agreement with the labels");
        cli.add_flag("--export-onnx", export_onnx,
                     "row --index I (default 0) of --arch-file PATH (default "
                     "path_to_evolution_architecture) as log_dir/architecture_<I>.onnx, untrained, "
                     "checked by OpenCV's DNN module");
        index_option = cli.add_option("--index", index, "with --export-onnx: the 0-based row");
      },
      [&](const gnas::app::StepContext& ctx) {
        curve_options.data = predictor_options.data;
        switch (mode) {
          case gnas::EvaluateMode::kExportOnnx:
            gnas::run_export_onnx(ctx.config, {arch_file, index}, *ctx.log, std::cout);
            break;
          case gnas::EvaluateMode::kFidelity:
            gnas::run_fidelity(ctx.config, fidelity_file, *ctx.log, std::cout);
            break;
          case gnas::EvaluateMode::kProxies:
            gnas::run_proxies(ctx.config, {arch_file, predictor_options.data}, *ctx.log, std::cout);
            break;
          case gnas::EvaluateMode::kReport: gnas::run_report(ctx.config, *ctx.log); break;
          case gnas::EvaluateMode::kProfileLatency:
            gnas::run_profile_latency(ctx.config, latency_path, check_count, *ctx.log, std::cout);
            break;
          case gnas::EvaluateMode::kCompare:
            gnas::run_compare(ctx.config, *ctx.log, std::cout);
            break;
          case gnas::EvaluateMode::kPredictor:
            gnas::run_evaluate_predictor(ctx.config, predictor_options, *ctx.log, std::cout);
            break;
          case gnas::EvaluateMode::kLearningCurve:
            gnas::run_learning_curve(ctx.config, curve_options, *ctx.log, std::cout);
            break;
          case gnas::EvaluateMode::kArchitectures:
            gnas::run_evaluate_architectures(
                ctx.config, arch_file.empty() ? ctx.config.path_to_architecture : arch_file,
                *ctx.log, std::cout, !no_latency);
            break;
        }
      },
      [&] {
        mode =
            gnas::evaluate_mode({arch_option->count() > 0, no_latency, predictor, learning_curve,
                                 profile_option->count() > 0, compare, report, proxies,
                                 !fidelity_file.empty(), export_onnx, index_option->count() > 0});
        return gnas::outputs_name(mode);
      });
}
