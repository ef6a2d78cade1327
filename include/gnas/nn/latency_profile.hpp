#pragma once

// `evaluate --profile-latency`: measures the per-op latency table of the layer-wise space on
// this machine (batch 1, eval mode, no autograd) with the configured runtime, and times whole
// networks the same way (the table's calibration and its check, evaluate --arch-file).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/nn/ops.hpp"
#include "gnas/space/latency_table.hpp"
#include "gnas/space/search_space.hpp"

namespace gnas::nn {

/// Times forward passes on `config.runtime` (libtorch | opencv) as `config` says: `warmup`
/// untimed passes, then `statistic` (min | median) of `repeats` timed ones, with `threads`
/// intra-op threads while the timer lives (0: LibTorch's setting as it is, which the step set
/// from num_threads; OpenCV gets the same count).
class LatencyTimer {
 public:
  /// One forward pass of something prepared for timing.
  using Run = std::function<void()>;

  explicit LatencyTimer(const LatencyConfig& config);
  ~LatencyTimer();
  LatencyTimer(const LatencyTimer&) = delete;
  LatencyTimer& operator=(const LatencyTimer&) = delete;

  /// One candidate op alone on its [1, C_in, S, S] input.
  Run op(const CandidateOpOptions& options, int input_size) const;
  /// One element-wise add of two [1, C, S, S] tensors.
  Run add(int channels, int size) const;
  /// A fresh network of `arch` (initialised from LibTorch's random state), of either space.
  Run network(const SearchSpace& space, const Architecture& arch) const;

  /// The latency of each of `runs`, ms. They are timed interleaved: after the warm-up, rounds in
  /// which each run in turn does kPassesPerRound consecutive passes, until each has done
  /// `repeats`; so a burst of other work on the CPU, or a change of its speed, touches a few
  /// passes of every run rather than every pass of a few.
  std::vector<double> time_ms(const std::vector<Run>& runs) const;
  double time_ms(const Run& run) const { return time_ms(std::vector<Run>{run}).front(); }

  const LatencyConfig& config() const { return config_; }

  static constexpr int kPassesPerRound = 2;

 private:
  LatencyConfig config_;
  int previous_threads_ = 0;
};

struct LatencyProfile {
  LatencyTable timed;                      ///< the ops as timed alone
  std::optional<LatencyTable> calibrated;  ///< fitted to whole networks (config.calibration > 0)
  LatencyCalibration fit;
  std::vector<Architecture> check;  ///< the check networks
  std::vector<double> check_ms;     ///< their measured latencies
  double seconds = 0;               ///< the table's share of the timing (not the check's)
  /// Share of the machine's CPU time the hypervisor took (steal, /proc/stat) while timing; -1
  /// where unknown. Timings under much steal are unreliable.
  double steal_share = -1;
  /// the table to use
  const LatencyTable& table() const { return calibrated ? *calibrated : timed; }
};

/// The table: every candidate op of every layer alone on its input shape, one element-wise add
/// per layer, and the fixed part (a whole network of the cheapest architecture minus its ops);
/// then, with config.calibration > 0, fitted to that many sampled whole networks drawn from
/// `seed` (LatencyTable::calibrated). `check_count` other sampled networks (none of the
/// calibration's while the space has others) are timed in the same rounds as a check, so that the
/// table and its check see the machine alike. `origin` names the tables in messages.
LatencyProfile profile_latency(const MacroShape& shape, const LatencyConfig& config,
                               std::uint64_t seed, const std::string& origin,
                               std::size_t check_count = 0);

}  // namespace gnas::nn
