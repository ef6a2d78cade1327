#include "gnas/app/evaluate.hpp"

#include <chrono>
#include <cstdio>

#include "gnas/app/summary.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/text.hpp"
#include "gnas/nn/network.hpp"
#include "gnas/space/arch_io.hpp"
#include "gnas/space/layerwise_space.hpp"

namespace gnas {

EvaluateArchitecturesResult run_evaluate_architectures(const Config& config,
                                                       const std::string& arch_file,
                                                       spdlog::logger& log, std::ostream& out) {
  const auto start = std::chrono::steady_clock::now();
  const auto space = make_search_space(config);
  const auto archs = read_architectures(arch_file, *space);
  const auto* layerwise = dynamic_cast<const LayerwiseSpace*>(space.get());
  log.info("evaluating {} architectures of {}", archs.size(), arch_file);

  EvaluateArchitecturesResult result;
  result.output = join_path(config.log_dir, "evaluate_architectures.csv");
  std::vector<std::vector<std::string>> rows;
  char line[256];
  std::snprintf(line, sizeof line, "%5s  %-*s  %12s  %10s  %11s\n", "#",
                static_cast<int>(space->format(archs[0]).size()), "arch", "MACs (M)", "params",
                "latency ms");
  out << line;
  torch::manual_seed(static_cast<int64_t>(config.seed));
  for (std::size_t i = 0; i < archs.size(); ++i) {
    ArchitectureReport report;
    report.arch = space->format(archs[i]);
    const Cost cost = space->cost(archs[i]);
    report.macs_m = cost.macs_m;
    report.params = cost.params;
    if (layerwise != nullptr) {
      nn::Network net(layerwise->shape(), archs[i]);
      report.latency_ms = nn::measure_latency(net, layerwise->shape(), 1, config.latency.warmup,
                                              config.latency.repeats, config.latency.threads)
                              .median_ms;
    }
    std::snprintf(line, sizeof line, "%5zu  %s  %12.6f  %10lld  %11.3f\n", i, report.arch.c_str(),
                  report.macs_m, static_cast<long long>(report.params), report.latency_ms);
    out << line;
    rows.push_back({report.arch, format_fixed(report.macs_m, 6), std::to_string(report.params),
                    format_fixed(report.latency_ms, 4)});
    result.rows.push_back(std::move(report));
  }
  out.flush();
  write_file_atomic(result.output, format_csv({"arch", "macs_m", "params", "latency_ms"}, rows));
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log.info("wrote {} in {:.2f} s", result.output, result.seconds);

  YAML::Node values;
  values["mode"] = "architectures";
  values["input"] = arch_file;
  values["output"] = result.output;
  values["count"] = static_cast<int>(result.rows.size());
  values["latency_threads"] = config.latency.threads;
  values["latency_repeats"] = config.latency.repeats;
  app::write_summary(config, "evaluate", values, result.seconds);
  return result;
}

}  // namespace gnas
