#include "gnas/app/profile_latency.hpp"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "gnas/app/modes.hpp"
#include "gnas/app/summary.hpp"
#include "gnas/common/clock.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/seed.hpp"
#include "gnas/common/text.hpp"
#include "gnas/nn/latency_profile.hpp"
#include "gnas/predictor/metrics.hpp"
#include "gnas/registry/search_spaces.hpp"
#include "gnas/space/layerwise_space.hpp"

namespace gnas {

namespace {

// The CPU's model name (Linux), for the record of where a latency table was measured.
std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return trim(line.substr(line.find(':') + 1));
  }
  return "unknown";
}

}  // namespace

ProfileLatencyResult run_profile_latency(const Config& config, const std::string& path,
                                         std::size_t check_count, spdlog::logger& log,
                                         std::ostream& out) {
  const auto start = Clock::now();
  const auto space = make_search_space(config);
  const MacroShape& shape =
      require_macro_shape(*space, "--profile-latency (it times the macro network's ops)");
  ProfileLatencyResult result;
  result.output = path.empty() ? join_path(config.log_dir, "latency_table.csv") : path;
  result.check_output = join_path(config.log_dir, "latency_check.csv");
  torch::manual_seed(static_cast<int64_t>(derive_seed(config.seed, SeedPurpose::kEvaluate)));
  log.info(
      "[latency] timing {} ops x {} layers on {}, {} of {} runs after {} ({} threads); calibration "
      "on {} networks",
      shape.ops.size(), shape.layers.size(), option_name(config.latency.runtime),
      option_name(config.latency.statistic), config.latency.repeats, config.latency.warmup,
      config.latency.threads, config.latency.calibration);
  const nn::LatencyProfile profile =
      nn::profile_latency(shape, config.latency, config.seed, result.output, check_count);
  const std::vector<Architecture>& check = profile.check;
  const LatencyTable& table = profile.table();
  write_file_atomic(result.output, table.to_csv());
  result.profile_seconds = profile.seconds;
  result.fixed_ms = table.fixed_ms();
  result.fit = profile.fit;
  out << table.to_csv();
  if (profile.calibrated) {
    char line[240];
    std::snprintf(line, sizeof line,
                  "calibration on %zu networks: fixed %.4f ms, ops x %.4f, %+.4f ms per op beyond "
                  "a layer's first; "
                  "mean |error| on them %.1f %%\n",
                  profile.fit.networks, profile.fit.fixed_ms, profile.fit.scale,
                  profile.fit.per_extra_op_ms, 100 * profile.fit.mean_abs_error);
    out << line;
  }

  if (profile.steal_share > 0.02) {
    log.warn(
        "[latency] the hypervisor took {:.0f} % of the CPU while timing (steal, /proc/stat): the "
        "latencies are less reliable than on a quiet machine; compare the check below",
        100 * profile.steal_share);
  }

  // The check: the other networks, timed whole, against both tables.
  const LayerwiseSpace with_table(shape, table), timed_alone(shape, profile.timed);
  const std::vector<double>& measured = profile.check_ms;
  std::vector<double> predicted, alone;
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < check.size(); ++i) {
    predicted.push_back(with_table.cost(check[i]).latency_ms);
    alone.push_back(timed_alone.cost(check[i]).latency_ms);
    rows.push_back({with_table.format(check[i]), format_fixed(measured[i], 4),
                    format_fixed(predicted[i], 4), format_fixed(alone[i], 4),
                    format_fixed((predicted[i] - measured[i]) / measured[i], 4)});
  }
  result.check_count = check_count;
  const auto check_of = [&measured](const std::vector<double>& p) {
    ProfileLatencyResult::Check c;
    std::size_t within = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      const double error = std::abs(p[i] - measured[i]) / measured[i];
      c.mean_abs_error += error;
      within += error <= 0.1;
    }
    c.mean_abs_error /= static_cast<double>(p.size());
    c.within_10_percent = static_cast<double>(within) / static_cast<double>(p.size());
    c.spearman = p.size() > 1 ? rank_metrics(measured, p).spearman : 0;
    return c;
  };
  if (check_count == 0) std::filesystem::remove(result.check_output);  // it checked another table
  if (check_count > 0) {
    write_file_atomic(
        result.check_output,
        format_csv({"arch", "measured_ms", "table_ms", "timed_alone_ms", "error"}, rows));
    result.check = check_of(predicted);
    result.timed_alone = check_of(alone);
    char line[300];
    const auto print = [&](const char* what, const ProfileLatencyResult::Check& c) {
      std::snprintf(
          line, sizeof line,
          "check on %zu other sampled networks: %s vs measured latency, mean |error| %.1f %%, "
          "%.0f %% within +-10 %%, Spearman %.3f\n",
          check_count, what, 100 * c.mean_abs_error, 100 * c.within_10_percent, c.spearman);
      out << line;
    };
    print(profile.calibrated ? "table" : "table (not calibrated)", result.check);
    if (profile.calibrated) print("ops as timed alone", result.timed_alone);
  }
  result.seconds = seconds_since(start);
  log.info("[latency] wrote {} (fixed part {:.3f} ms); profiling's share {:.1f} s, {:.1f} s in all",
           result.output, result.fixed_ms, result.profile_seconds, result.seconds);
  YAML::Node values;
  values["mode"] = "profile_latency";
  values["output"] = result.output;
  values["device"] = "cpu: " + cpu_model();
  values["runtime"] = option_name(config.latency.runtime);
  values["statistic"] = option_name(config.latency.statistic);
  values["threads"] = config.latency.threads;
  values["warmup"] = config.latency.warmup;
  values["repeats"] = config.latency.repeats;
  values["fixed_ms"] = format_fixed(result.fixed_ms, 4);
  values["profile_seconds"] = format_fixed(result.profile_seconds, 2);
  if (profile.steal_share >= 0) values["cpu_steal_share"] = format_fixed(profile.steal_share, 4);
  values["calibration_networks"] = static_cast<int>(result.fit.networks);
  if (profile.calibrated) {
    values["calibration_fixed_ms"] = format_fixed(result.fit.fixed_ms, 4);
    values["calibration_scale"] = format_fixed(result.fit.scale, 4);
    values["calibration_per_extra_op_ms"] = format_fixed(result.fit.per_extra_op_ms, 4);
    values["calibration_mean_abs_error"] = format_fixed(result.fit.mean_abs_error, 4);
  }
  values["check_count"] = static_cast<int>(result.check_count);
  if (check_count > 0) {
    values["check_output"] = result.check_output;
    values["check_mean_abs_error"] = format_fixed(result.check.mean_abs_error, 4);
    values["check_within_10_percent"] = format_fixed(result.check.within_10_percent, 4);
    values["check_spearman"] = format_fixed(result.check.spearman, 4);
    values["check_timed_alone_mean_abs_error"] = format_fixed(result.timed_alone.mean_abs_error, 4);
    values["check_timed_alone_within_10_percent"] =
        format_fixed(result.timed_alone.within_10_percent, 4);
    values["check_timed_alone_spearman"] = format_fixed(result.timed_alone.spearman, 4);
  }
  app::write_summary(config, outputs_name(EvaluateMode::kProfileLatency), values, result.seconds);
  return result;
}

}  // namespace gnas
