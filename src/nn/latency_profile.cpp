#include "gnas/nn/latency_profile.hpp"

#include <algorithm>
#include <chrono>
#include <functional>

#include "gnas/nn/network.hpp"
#include "gnas/nn/ops.hpp"
#include "gnas/nn/space_network.hpp"
#include "gnas/space/layerwise_space.hpp"
#include "gnas/common/stats.hpp"

namespace gnas::nn {

namespace {

double median_ms(const std::function<void()>& run, int warmup, int repeats) {
  for (int i = 0; i < warmup; ++i) run();
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    run();
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  return median(times);
}

}  // namespace

LatencyTable profile_latency(const MacroShape& shape, int warmup, int repeats, int threads,
                             const std::string& origin) {
  const int previous_threads = torch::get_num_threads();
  if (threads > 0) torch::set_num_threads(threads);
  torch::NoGradGuard no_grad;
  std::vector<LatencyEntry> entries;
  std::vector<std::vector<double>> op_ms(shape.layers.size());
  for (std::size_t l = 0; l < shape.layers.size(); ++l) {
    const int in = shape.in_channels(l), out = shape.layers[l].out_channels;
    const int stride = shape.layers[l].stride, size = shape.feature_size(l);
    const int out_size = shape.feature_size(l + 1);
    for (std::size_t k = 0; k < shape.ops.size(); ++k) {
      auto op = make_candidate_op(CandidateOpOptions(shape.ops[k], in, out, stride));
      op->eval();
      const torch::Tensor x = torch::randn({1, in, size, size});
      const double ms = median_ms([&] { op->forward(x); }, warmup, repeats);
      op_ms[l].push_back(ms);
      entries.push_back({"op", static_cast<int>(l) + 1,
                         std::string(kOpNames[static_cast<std::size_t>(shape.ops[k])].first), in, out,
                         stride, size, ms});
    }
    const torch::Tensor a = torch::randn({1, out, out_size, out_size});
    const torch::Tensor b = torch::randn({1, out, out_size, out_size});
    entries.push_back({"add", static_cast<int>(l) + 1, "", out, out, 1, out_size,
                       median_ms([&] { (void)(a + b); }, warmup, repeats)});
  }
  // The fixed part: a whole network whose layers hold one op each, minus those ops.
  const LayerwiseSpace space(shape);
  const Architecture cheapest = space.cheapest(CostMeasure::kMacs);
  SpaceNetwork net = build_network(space, cheapest);
  double fixed = measure_latency(net, 1, warmup, repeats, 0).median_ms;
  for (std::size_t l = 0; l < shape.layers.size(); ++l) {
    for (std::size_t k = 0; k < shape.ops.size(); ++k) {
      if (space.uses(cheapest, l, k)) fixed -= op_ms[l][k];
    }
  }
  entries.insert(entries.begin(), LatencyEntry{"fixed", 0, "", 0, 0, 0, 0, std::max(0.0, fixed)});
  if (threads > 0) torch::set_num_threads(previous_threads);
  return LatencyTable(std::move(entries), shape, origin);
}

}  // namespace gnas::nn
