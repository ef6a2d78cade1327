#pragma once

// Where every file of a run lives. The five paths a user sets (path_to_*, predictor_pretrained)
// come from the config; every other file a step writes for another step to read is named here,
// once, so no file name is spelled in two places. A run of the pipeline keeps all of them in one
// folder (`in_run_folder`).

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "gnas/common/config.hpp"

namespace gnas {

/// `--shard K/N`: this process takes the architectures whose index % N == K.
struct Shard {
  int index = 0;  ///< K
  int count = 1;  ///< N

  /// ".shardKofN" for shard K of N > 1, else "": every shard process writes its own files
  /// (labels, failures, summary, resolved config), so concurrent shards never overwrite each
  /// other's.
  std::string suffix() const;

  /// A variable of the process's environment, or nullopt when it is not set.
  using Environment = std::function<std::optional<std::string>(const char* name)>;
  /// The process's own environment (getenv).
  static std::optional<std::string> process_environment(const char* name);

  /// Reads "K/N", or "auto" / "auto/N": K and N from the scheduler that started the process, a
  /// Slurm array (K = SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN, N = SLURM_ARRAY_TASK_COUNT or
  /// MAX - MIN + 1) or a Kubernetes Indexed Job (K = JOB_COMPLETION_INDEX, N from "auto/N" or
  /// GNAS_SHARD_COUNT). Throws UsageError unless 0 <= K < N, naming the variables it read, or all
  /// it looked for when none is set.
  static Shard parse(const std::string& text, const Environment& env = process_environment);
};

/// The prefixes of the search's files: `evolution_*` and the random-search baseline's
/// `random_search_*`.
inline constexpr std::string_view kEvolutionPrefix = "evolution";
inline constexpr std::string_view kRandomSearchPrefix = "random_search";

/// The files of one search (evolution or random search), each behind its prefix.
namespace search_files {
inline constexpr std::string_view kArchitecture = "architecture.csv";  ///< random search's answer
inline constexpr std::string_view kTopk = "topk.csv";
inline constexpr std::string_view kExplored = "explored.csv";
inline constexpr std::string_view kHistory = "history.csv";
inline constexpr std::string_view kExploredSvg = "explored.svg";
inline constexpr std::string_view kProgressSvg = "progress.svg";
inline constexpr std::string_view kPareto = "pareto.csv";
inline constexpr std::string_view kParetoSvg = "pareto.svg";
inline constexpr std::string_view kParetoLatency = "pareto_latency.csv";
inline constexpr std::string_view kParetoLatencySvg = "pareto_latency.svg";
}  // namespace search_files

class RunLayout {
 public:
  explicit RunLayout(const Config& config);

  // The user's paths.
  const std::string& architecture() const { return config_.path_to_architecture; }
  const std::string& train_data() const { return config_.path_to_train_data; }
  const std::string& predictor_out() const { return config_.path_to_save_predictor; }
  const std::string& predictor_in() const { return config_.predictor_pretrained; }
  const std::string& evolution_architecture() const {
    return config_.path_to_evolution_architecture;
  }

  /// The labelled-data file of a shard: path_to_train_data itself for 1 shard, else
  /// "<stem>.shardKofN<ext>" beside it.
  std::string train_data(const Shard& shard) const;
  /// <log_dir>/train_failures.csv (".shardKofN" before ".csv" for shard K of N > 1).
  std::string train_failures(const Shard& shard) const;
  /// <log_dir>/label_agreement.csv (per shard as train_failures).
  std::string label_agreement(const Shard& shard) const;
  /// <log_dir>/race.csv: search.race's second trainings of the best labels.
  std::string race() const { return in_log_dir("race.csv"); }

  /// <log_dir>/<prefix>_<file>: `search_file(kEvolutionPrefix, search_files::kExplored)`.
  std::string search_file(std::string_view prefix, std::string_view file) const;
  std::string evolution_explored() const {
    return search_file(kEvolutionPrefix, search_files::kExplored);
  }
  std::string random_search_architecture() const {
    return search_file(kRandomSearchPrefix, search_files::kArchitecture);
  }

  /// <log_dir>/<name>_summary.yml, <name>_config.yml, <step>.log.
  std::string summary(std::string_view name) const;
  std::string resolved_config(std::string_view name) const;
  std::string step_log(std::string_view step) const;
  /// <log_dir>/run.yml: what the pipeline ran (name, config, overrides, seed, version, start).
  std::string run_record() const;

  std::string report() const { return in_log_dir("report.html"); }
  std::string compare_csv() const { return in_log_dir("compare.csv"); }
  std::string compare_svg() const { return in_log_dir("compare.svg"); }
  std::string training_curves_svg() const { return in_log_dir("training_curves.svg"); }
  std::string predictions_csv() const { return in_log_dir("predictions.csv"); }
  std::string predictor_scatter_svg() const { return in_log_dir("train_predictor_scatter.svg"); }
  std::string prescreen_csv() const { return in_log_dir("prescreen.csv"); }
  std::string proxies_csv() const { return in_log_dir("proxies.csv"); }
  std::string final_model() const { return in_log_dir("final_model.pt"); }
  std::string final_model_frozen() const { return in_log_dir("final_model_frozen.pt"); }
  std::string final_model_onnx() const { return in_log_dir("final_model.onnx"); }

  /// One training's folders: <log_dir>/<run>/epochs.csv and <write_dir>/<run>/checkpoint.pt.
  std::string epochs_csv(std::string_view run) const;
  std::string checkpoint(std::string_view run) const;
  static constexpr std::string_view kEpochsFile = "epochs.csv";

  /// <log_dir>/runs/<name>: the folder of one pipeline run.
  static std::string run_folder(const Config& config, const std::string& name);

 private:
  std::string in_log_dir(std::string_view file) const;
  Config config_;
};

/// `config` with every file of the run in `dir`: log_dir = dir, write_dir = dir/checkpoints,
/// architecture.csv, train_data.csv, predictor.pt (saved and loaded) and
/// evolution_architecture.csv there.
Config in_run_folder(Config config, const std::string& dir);

}  // namespace gnas
