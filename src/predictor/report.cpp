#include "gnas/predictor/report.hpp"

#include "gnas/common/csv.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/svg_plot.hpp"
#include "gnas/common/text.hpp"

namespace gnas {

void write_predictions_csv(const std::string& path, const SearchSpace& space,
                           const std::vector<Architecture>& archs, const std::vector<double>& truth,
                           const std::vector<double>& predicted) {
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < archs.size(); ++i) {
    rows.push_back(
        {space.format(archs[i]), format_fixed(truth[i], 6), format_fixed(predicted[i], 6)});
  }
  write_file_atomic(path, format_csv({"arch", "true", "predicted"}, rows));
}

void write_scatter_svg(const std::string& path, const std::string& title,
                       const std::vector<double>& truth, const std::vector<double>& predicted,
                       const RankMetrics& metrics) {
  Plot plot;
  plot.title = title + ": Kendall tau " + format_fixed(metrics.kendall_tau, 3) +
               " (n = " + std::to_string(metrics.count) + ")";
  plot.x_label = "true accuracy";
  plot.y_label = "predicted accuracy";
  plot.diagonal = true;
  plot.series.push_back({"", truth, predicted, false});
  write_file_atomic(path, render_svg(plot));
}

void add_metric_keys(YAML::Node& values, const RankMetrics& metrics) {
  values["kendall_tau"] = format_fixed(metrics.kendall_tau, 6);
  values["spearman"] = format_fixed(metrics.spearman, 6);
  values["mae"] = format_fixed(metrics.mae, 6);
  values["precision_at_5"] = format_fixed(metrics.precision_at_5, 6);
  values["precision_at_10"] = format_fixed(metrics.precision_at_10, 6);
}

}  // namespace gnas
