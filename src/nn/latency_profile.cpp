#include "gnas/nn/latency_profile.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>

#include "gnas/common/clock.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/seed.hpp"
#include "gnas/common/stats.hpp"
#include "gnas/nn/network.hpp"
#include "gnas/nn/onnx_export.hpp"
#include "gnas/nn/space_network.hpp"
#include "gnas/space/layerwise_space.hpp"
#include "gnas/space/rng.hpp"

namespace gnas::nn {

namespace {

bool on_opencv(const LatencyConfig& config) { return config.runtime == LatencyRuntime::kOpencv; }

// The machine's CPU ticks from /proc/stat's first line: {stolen by the hypervisor, all}; {0, 0}
// where there is no such file.
std::pair<double, double> cpu_ticks() {
  std::ifstream in("/proc/stat");
  std::string name;
  if (!(in >> name) || name != "cpu") return {0, 0};
  double value = 0, total = 0, steal = 0;
  for (int field = 0; field < 8 && in >> value; ++field) {
    total += value;
    if (field == 7) steal = value;
  }
  return {steal, total};
}

}  // namespace

LatencyTimer::LatencyTimer(const LatencyConfig& config) : config_(config) {
  if (on_opencv(config_)) {
    // 0: as many as LibTorch's intra-op setting, which the step set from num_threads
    previous_threads_ =
        set_opencv_threads(config_.threads > 0 ? config_.threads : torch::get_num_threads());
  } else {
    previous_threads_ = torch::get_num_threads();
    if (config_.threads > 0) torch::set_num_threads(config_.threads);
  }
}

LatencyTimer::~LatencyTimer() {
  if (on_opencv(config_)) {
    set_opencv_threads(previous_threads_);
  } else if (config_.threads > 0) {
    torch::set_num_threads(previous_threads_);
  }
}

std::vector<double> LatencyTimer::time_ms(const std::vector<Run>& runs) const {
  torch::NoGradGuard no_grad;
  for (const Run& run : runs) {
    for (int i = 0; i < config_.warmup; ++i) run();
  }
  std::vector<std::vector<double>> times(runs.size());
  for (int done = 0; done < config_.repeats; done += kPassesPerRound) {
    const int passes = std::min(kPassesPerRound, config_.repeats - done);
    for (std::size_t r = 0; r < runs.size(); ++r) {
      for (int i = 0; i < passes; ++i) {
        const auto start = Clock::now();
        runs[r]();
        times[r].push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      }
    }
  }
  std::vector<double> result;
  for (const auto& t : times) {
    result.push_back(config_.statistic == LatencyStatistic::kMedian
                         ? median(t)
                         : *std::min_element(t.begin(), t.end()));
  }
  return result;
}

LatencyTimer::Run LatencyTimer::op(const CandidateOpOptions& options, int input_size) const {
  auto op = make_candidate_op(options);
  op->eval();
  if (on_opencv(config_)) {
    auto runner = std::make_shared<OpenCvRunner>(OpenCvRunner::op(*op, options, input_size));
    return [runner] { runner->run(); };
  }
  const torch::Tensor x = torch::randn({1, options.in_channels(), input_size, input_size});
  return [op, x] { op->forward(x); };
}

LatencyTimer::Run LatencyTimer::add(int channels, int size) const {
  if (on_opencv(config_)) {
    auto runner = std::make_shared<OpenCvRunner>(OpenCvRunner::add(channels, size));
    return [runner] { runner->run(); };
  }
  const torch::Tensor a = torch::randn({1, channels, size, size});
  const torch::Tensor b = torch::randn({1, channels, size, size});
  return [a, b] { (void)(a + b); };
}

LatencyTimer::Run LatencyTimer::network(const SearchSpace& space, const Architecture& arch) const {
  SpaceNetwork net = build_network(space, arch);
  net.module->eval();
  if (on_opencv(config_)) {
    auto runner = std::make_shared<OpenCvRunner>(net.to_opencv());
    return [runner] { runner->run(); };
  }
  const torch::Tensor x = torch::randn({1, net.input_channels, net.input_size, net.input_size});
  return [net, x] { net.forward(x); };
}

LatencyProfile profile_latency(const MacroShape& shape, const LatencyConfig& config,
                               std::uint64_t seed, const std::string& origin,
                               std::size_t check_count) {
  const auto start = Clock::now();
  LatencyTimer timer(config);
  // What is timed, in one list: each layer's ops and add, the fixed part's network, the
  // calibration networks, then the check networks.
  std::vector<LatencyTimer::Run> runs;
  std::vector<LatencyEntry> entries{
      LatencyEntry{"fixed", 0, option_name(config.runtime), 0, 0, 0, 0, 0}};
  for (std::size_t l = 0; l < shape.layers.size(); ++l) {
    const int in = shape.in_channels(l), out = shape.layers[l].out_channels;
    const int stride = shape.layers[l].stride, size = shape.feature_size(l);
    for (std::size_t k = 0; k < shape.ops.size(); ++k) {
      runs.push_back(timer.op(CandidateOpOptions(shape.ops[k], in, out, stride), size));
      entries.push_back(
          {"op", static_cast<int>(l) + 1, op_name(shape.ops[k]), in, out, stride, size, 0});
    }
    runs.push_back(timer.add(out, shape.feature_size(l + 1)));
    entries.push_back(
        {"add", static_cast<int>(l) + 1, "", out, out, 1, shape.feature_size(l + 1), 0});
  }
  const LayerwiseSpace space(shape);
  const Architecture cheapest = space.cheapest(CostMeasure::kMacs);
  runs.push_back(timer.network(space, cheapest));
  Rng rng(derive_seed(seed, SeedPurpose::kEvaluate, 1));
  std::vector<Architecture> calibration;
  for (int i = 0; i < config.calibration; ++i) {
    calibration.push_back(space.sample(rng));
    runs.push_back(timer.network(space, calibration.back()));
  }
  const std::size_t table_runs = runs.size();
  // The check: other draws, apart from the calibration networks (up to 1,000 redraws each).
  const std::set<Architecture> fitted(calibration.begin(), calibration.end());
  Rng check_rng(derive_seed(seed, SeedPurpose::kEvaluate));
  std::vector<Architecture> check;
  for (std::size_t i = 0; i < check_count; ++i) {
    Architecture arch = space.sample(check_rng);
    for (int redraw = 0; redraw < 1000 && fitted.count(arch) > 0; ++redraw)
      arch = space.sample(check_rng);
    check.push_back(arch);
    runs.push_back(timer.network(space, arch));
  }
  const double setup_seconds = seconds_since(start);
  const auto timing_start = Clock::now();
  const auto ticks_before = cpu_ticks();
  const std::vector<double> ms = timer.time_ms(runs);
  const auto ticks_after = cpu_ticks();
  const double timing_seconds = seconds_since(timing_start);

  // The fixed part: the cheapest network minus its ops.
  for (std::size_t i = 1; i < entries.size(); ++i) entries[i].latency_ms = ms[i - 1];
  double fixed = ms[entries.size() - 1];
  const std::size_t per_layer = shape.ops.size() + 1;
  for (std::size_t l = 0; l < shape.layers.size(); ++l) {
    for (std::size_t k = 0; k < shape.ops.size(); ++k) {
      if (space.uses(cheapest, l, k)) fixed -= ms[l * per_layer + k];
    }
  }
  entries.front().latency_ms = std::max(0.0, fixed);
  LatencyProfile profile{
      LatencyTable(std::move(entries), shape, origin), std::nullopt, {}, std::move(check), {}, 0};
  if (!calibration.empty()) {
    const std::vector<double> measured(
        ms.begin() + static_cast<std::ptrdiff_t>(table_runs - calibration.size()),
        ms.begin() + static_cast<std::ptrdiff_t>(table_runs));
    profile.calibrated = profile.timed.calibrated(calibration, measured, shape, &profile.fit);
  }
  profile.check_ms.assign(ms.begin() + static_cast<std::ptrdiff_t>(table_runs), ms.end());
  if (const double all = ticks_after.second - ticks_before.second; all > 0) {
    profile.steal_share = (ticks_after.first - ticks_before.first) / all;
  }
  // The check's share of the timing is left out: what profiling alone would take.
  double table_ms = 0, all_ms = 0;
  for (std::size_t i = 0; i < ms.size(); ++i) {
    all_ms += ms[i];
    if (i < table_runs) table_ms += ms[i];
  }
  profile.seconds =
      setup_seconds * static_cast<double>(table_runs) / static_cast<double>(runs.size()) +
      timing_seconds * (all_ms > 0 ? table_ms / all_ms : 1.0);
  return profile;
}

}  // namespace gnas::nn
