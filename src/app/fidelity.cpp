#include "gnas/app/fidelity.hpp"

#include <filesystem>
#include <unordered_map>
#include <vector>

#include "gnas/app/modes.hpp"
#include "gnas/app/summary.hpp"
#include "gnas/common/clock.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/stats.hpp"
#include "gnas/common/text.hpp"
#include "gnas/predictor/labels.hpp"
#include "gnas/predictor/metrics.hpp"
#include "gnas/registry/search_spaces.hpp"

namespace gnas {

FidelityResult run_fidelity(const Config& config, const std::string& file, spdlog::logger& log,
                            std::ostream& out) {
  const auto start = Clock::now();
  std::error_code ignored;
  if (file == config.path_to_train_data ||
      (std::filesystem::exists(file) &&
       std::filesystem::equivalent(file, config.path_to_train_data, ignored))) {
    throw UsageError("--fidelity (" + file +
                     "): is path_to_train_data itself; give the labels of "
                     "the longer recipe (e.g. train --train-data --set epochs=... --set "
                     "path_to_train_data=OTHER.csv)");
  }
  const auto space = make_search_space(config);
  const LabelledSet cheap = read_labelled(labelled_data_files(config.path_to_train_data), *space);
  const LabelledSet reference = read_labelled({file}, *space);
  std::unordered_map<Architecture, double, ArchitectureHash> long_label;
  for (std::size_t i = 0; i < reference.size(); ++i)
    long_label[reference.archs[i]] = reference.labels[i];
  std::vector<double> a, b, difference;
  for (std::size_t i = 0; i < cheap.size(); ++i) {
    const auto it = long_label.find(cheap.archs[i]);
    if (it == long_label.end()) continue;
    a.push_back(cheap.labels[i]);
    b.push_back(it->second);
    difference.push_back(it->second - cheap.labels[i]);
  }
  if (a.size() < 3) {
    throw DataError("--fidelity: " + config.path_to_train_data + " and " + file + " share " +
                    std::to_string(a.size()) + " architectures; a rank agreement needs 3");
  }
  FidelityResult result;
  result.n = a.size();
  result.kendall_tau = kendall_tau(a, b);
  result.spearman = spearman(a, b);
  result.median_difference = median(difference);
  result.seconds = seconds_since(start);
  out << "fidelity: " << result.n << " architectures; Kendall tau "
      << format_fixed(result.kendall_tau, 4) << ", Spearman " << format_fixed(result.spearman, 4)
      << ", median (long - cheap) " << format_fixed(100 * result.median_difference, 2)
      << " points\n";
  log.info("[fidelity] {} vs {}: {} architectures, Kendall tau {:.4f}", config.path_to_train_data,
           file, result.n, result.kendall_tau);
  YAML::Node values;
  values["mode"] = "fidelity";
  values["cheap"] = config.path_to_train_data;
  values["long"] = file;
  values["n"] = static_cast<int>(result.n);
  values["kendall_tau"] = format_fixed(result.kendall_tau, 4);
  values["spearman"] = format_fixed(result.spearman, 4);
  values["median_difference"] = format_fixed(result.median_difference, 6);
  app::write_summary(config, outputs_name(EvaluateMode::kFidelity), values, result.seconds);
  return result;
}

}  // namespace gnas
