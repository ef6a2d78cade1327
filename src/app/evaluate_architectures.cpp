#include "gnas/app/evaluate_architectures.hpp"

#include <torch/torch.h>

#include <cstdio>
#include <optional>
#include <vector>

#include "gnas/app/modes.hpp"
#include "gnas/app/summary.hpp"
#include "gnas/common/clock.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/seed.hpp"
#include "gnas/common/text.hpp"
#include "gnas/nn/latency_profile.hpp"
#include "gnas/registry/search_spaces.hpp"
#include "gnas/space/arch_io.hpp"

namespace gnas {

EvaluateArchitecturesResult run_evaluate_architectures(const Config& config,
                                                       const std::string& arch_file,
                                                       spdlog::logger& log, std::ostream& out,
                                                       bool time_latency) {
  const auto start = Clock::now();
  const auto space = make_search_space(config);
  const auto archs = read_architectures(arch_file, *space);
  log.info("evaluating {} architectures of {}", archs.size(), arch_file);

  EvaluateArchitecturesResult result;
  result.output = join_path(config.log_dir, "evaluate_architectures.csv");
  std::vector<std::vector<std::string>> rows;
  char line[256];
  std::snprintf(line, sizeof line, "%5s  %-*s  %12s  %10s  %11s\n", "#",
                static_cast<int>(space->format(archs[0]).size()), "arch", "MACs (M)", "params",
                "latency ms");
  out << line;
  torch::manual_seed(static_cast<int64_t>(derive_seed(config.seed, SeedPurpose::kEvaluate)));
  std::optional<nn::LatencyTimer> timer;
  if (time_latency)
    timer.emplace(config.latency);  // one network at a time: a file may hold thousands
  for (std::size_t i = 0; i < archs.size(); ++i) {
    ArchitectureReport report;
    report.arch = space->format(archs[i]);
    const Cost cost = space->cost(archs[i]);
    report.macs_m = cost.macs_m;
    report.params = cost.params;
    report.table_latency_ms = cost.latency_ms;
    if (time_latency) {
      report.latency_ms = timer->time_ms(timer->network(*space, archs[i]));
      std::snprintf(line, sizeof line, "%5zu  %s  %12.6f  %10lld  %11.3f\n", i, report.arch.c_str(),
                    report.macs_m, static_cast<long long>(report.params), report.latency_ms);
    } else {
      std::snprintf(line, sizeof line, "%5zu  %s  %12.6f  %10lld  %11s\n", i, report.arch.c_str(),
                    report.macs_m, static_cast<long long>(report.params), "-");
    }
    out << line;
    rows.push_back({report.arch, format_fixed(report.macs_m, 6), std::to_string(report.params)});
    if (time_latency) rows.back().push_back(format_fixed(report.latency_ms, 4));
    if (space->has_latency()) rows.back().push_back(format_fixed(report.table_latency_ms, 4));
    result.rows.push_back(std::move(report));
  }
  out.flush();
  std::vector<std::string> header{"arch", "macs_m", "params"};
  if (time_latency) header.emplace_back("latency_ms");
  if (space->has_latency()) header.emplace_back("table_latency_ms");
  write_file_atomic(result.output, format_csv(header, rows));
  result.seconds = seconds_since(start);
  log.info("wrote {} in {:.2f} s", result.output, result.seconds);

  YAML::Node values;
  values["mode"] = "architectures";
  values["input"] = arch_file;
  values["output"] = result.output;
  values["count"] = static_cast<int>(result.rows.size());
  values["latency_timed"] = time_latency;
  values["latency_runtime"] = option_name(config.latency.runtime);
  values["latency_statistic"] = option_name(config.latency.statistic);
  values["latency_threads"] = config.latency.threads;
  values["latency_repeats"] = config.latency.repeats;
  app::write_summary(config, outputs_name(EvaluateMode::kArchitectures), values, result.seconds);
  return result;
}

}  // namespace gnas
