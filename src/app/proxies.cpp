#include "gnas/app/proxies.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <unordered_map>

#include "gnas/app/modes.hpp"
#include "gnas/app/summary.hpp"
#include "gnas/common/clock.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/run_layout.hpp"
#include "gnas/common/seed.hpp"
#include "gnas/common/stop.hpp"
#include "gnas/common/text.hpp"
#include "gnas/data/dataset.hpp"
#include "gnas/data/loader.hpp"
#include "gnas/nn/proxies.hpp"
#include "gnas/predictor/labels.hpp"
#include "gnas/predictor/metrics.hpp"
#include "gnas/registry/search_spaces.hpp"
#include "gnas/space/arch_io.hpp"

namespace gnas {
namespace {

// proxies.batch_size images of the training split, drawn with the proxies' own stream and
// normalised as for training (no augmentation); or, in benchmark mode, the stand-in.
nn::ProxyBatch proxy_batch(const Config& config, bool stand_in) {
  const int64_t b = config.proxies.batch_size;
  const std::uint64_t seed = derive_seed(config.seed, SeedPurpose::kProxies, 1);
  if (stand_in) {
    auto generator = at::detail::createCPUGenerator(seed);
    return {
        torch::randn({b, config.input_channels, config.input_size, config.input_size}, generator),
        torch::randint(config.classes, {b}, generator, torch::kInt64)};
  }
  const data::Splits splits = data::load_splits(config);
  if (splits.train.size() < b) {
    throw ConfigError("proxies.batch_size (" + std::to_string(b) + "): the training split has " +
                      std::to_string(splits.train.size()) + " images");
  }
  torch::Tensor perm =
      torch::randperm(splits.train.size(), at::detail::createCPUGenerator(seed), torch::kInt64);
  const data::Dataset chosen = data::select(splits.train, perm.narrow(0, 0, b));
  Config c = config;
  c.batch_size = static_cast<int>(b);
  c.channels_last = false;
  data::Loader loader(chosen, c, torch::kCPU, /*train=*/false);
  auto generator = at::detail::createCPUGenerator(seed);
  loader.start_epoch(generator);
  auto [images, labels] = loader.batch(0, generator);
  return {images, labels};
}

}  // namespace

std::string format_score(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return format_number(v);
}

ProxyScores score_architectures(const Config& config, const SearchSpace& space,
                                const std::vector<Architecture>& archs, spdlog::logger& log) {
  const std::vector<ProxyKind>& kinds = config.proxies.names;
  std::string names;
  for (const ProxyKind kind : kinds) names += (names.empty() ? "" : ", ") + option_name(kind);
  ProxyScores result;
  result.stand_in = !config.benchmark_table.empty();
  const nn::ProxyBatch batch = proxy_batch(config, result.stand_in);
  log.info("[proxies] {} architectures; {} on a minibatch of {} {}", archs.size(), names,
           config.proxies.batch_size,
           result.stand_in ? "stand-in images (seeded standard-normal noise, uniform labels: "
                             "benchmark mode has no images of the table's data set)"
                           : "training images of " + option_name(config.dataset));
  result.columns = {"params", "macs_m"};
  for (const ProxyKind kind : kinds) result.columns.push_back(option_name(kind));
  const std::uint64_t seed = derive_seed(config.seed, SeedPurpose::kProxies);
  const auto start = Clock::now();
  for (std::size_t i = 0; i < archs.size(); ++i) {
    throw_if_stop_requested("while scoring proxies (architecture " + std::to_string(i) + ")");
    const Cost cost = space.cost(archs[i]);
    std::vector<double> row{static_cast<double>(cost.params), cost.macs_m};
    const std::vector<double> scores = nn::score_proxies(space, archs[i], batch, kinds, seed);
    row.insert(row.end(), scores.begin(), scores.end());
    result.scores.push_back(std::move(row));
    if ((i + 1) % 100 == 0) log.info("[proxies] {} / {} scored", i + 1, archs.size());
  }
  const double seconds = seconds_since(start);
  result.archs_per_second = static_cast<double>(archs.size()) / std::max(seconds, 1e-9);
  return result;
}

std::vector<double> ensemble_rank(const ProxyScores& scores) {
  const std::size_t n = scores.scores.size();
  std::vector<double> vote(n, 0.0);
  if (n < 2) return std::vector<double>(n, 1.0);
  const std::size_t first = 2;  // params and macs_m are costs, not proxies
  for (std::size_t c = first; c < scores.columns.size(); ++c) {
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    const auto key = [&](std::size_t i) {
      const double v = scores.scores[i][c];
      return std::isfinite(v) ? v : -std::numeric_limits<double>::infinity();
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
    for (std::size_t r = 0; r < n; ++r)
      vote[order[r]] += static_cast<double>(r) / static_cast<double>(n - 1);
  }
  const auto proxies = static_cast<double>(scores.columns.size() - first);
  for (double& v : vote) v /= proxies;
  return vote;
}

ProxiesResult run_proxies(const Config& config, const ProxiesOptions& options, spdlog::logger& log,
                          std::ostream& out) {
  const auto start = Clock::now();
  const auto space = make_search_space(config);
  const std::string path =
      options.arch_file.empty() ? config.path_to_architecture : options.arch_file;
  const std::vector<Architecture> archs = read_architectures(path, *space);
  std::optional<LabelledSet> labelled;  // read first: a bad file costs no scoring
  if (!options.data.empty()) labelled = read_labelled(options.data, *space);

  ProxyScores scored = score_architectures(config, *space, archs, log);
  ProxiesResult result;
  result.columns = std::move(scored.columns);
  result.scores = std::move(scored.scores);
  result.stand_in = scored.stand_in;
  result.archs_per_second = scored.archs_per_second;
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < archs.size(); ++i) {
    rows.push_back({space->format(archs[i])});
    for (const double v : result.scores[i]) rows.back().push_back(format_score(v));
  }
  std::vector<std::string> header{"arch"};
  header.insert(header.end(), result.columns.begin(), result.columns.end());
  result.output = RunLayout(config).proxies_csv();
  write_file_atomic(result.output, format_csv(header, rows));

  YAML::Node values;
  values["mode"] = "proxies";
  values["arch_file"] = path;
  values["count"] = static_cast<int>(archs.size());
  for (const ProxyKind kind : config.proxies.names) values["proxies"].push_back(option_name(kind));
  values["batch"] = result.stand_in ? "stand-in (seeded standard-normal images, uniform labels)"
                                    : "training images of " + option_name(config.dataset);
  values["batch_size"] = config.proxies.batch_size;
  values["archs_per_second"] = format_fixed(result.archs_per_second, 3);
  for (std::size_t c = 0; c < result.columns.size(); ++c) {
    int bad = 0;
    for (const auto& row : result.scores) bad += !std::isfinite(row[c]);
    values["non_finite"][result.columns[c]] = bad;
  }
  if (labelled) {
    std::unordered_map<Architecture, double, ArchitectureHash> label_of;
    for (std::size_t i = 0; i < labelled->size(); ++i)
      label_of[labelled->archs[i]] = labelled->labels[i];
    for (std::size_t c = 0; c < result.columns.size(); ++c) {
      std::vector<double> truth, score;
      for (std::size_t i = 0; i < archs.size(); ++i) {
        const auto it = label_of.find(archs[i]);
        if (it == label_of.end() || !std::isfinite(result.scores[i][c])) continue;
        truth.push_back(it->second);
        score.push_back(result.scores[i][c]);
      }
      ProxyAgreement a{result.columns[c], truth.size(), 0, 0};
      if (truth.size() >= 2) {
        a.spearman = spearman(score, truth);
        a.kendall_tau = kendall_tau(score, truth);
      }
      values["agreement"][a.proxy]["n"] = static_cast<int>(a.n);
      values["agreement"][a.proxy]["spearman"] = format_fixed(a.spearman, 4);
      values["agreement"][a.proxy]["kendall_tau"] = format_fixed(a.kendall_tau, 4);
      out << a.proxy << "  n " << a.n << "  spearman " << format_fixed(a.spearman, 4)
          << "  kendall_tau " << format_fixed(a.kendall_tau, 4) << "\n";
      result.agreement.push_back(a);
    }
  }
  result.seconds = seconds_since(start);
  log.info("[proxies] {} architectures in {:.1f} s ({:.2f} per second); wrote {}", archs.size(),
           result.seconds, result.archs_per_second, result.output);
  app::write_summary(config, outputs_name(EvaluateMode::kProxies), values, result.seconds);
  return result;
}

}  // namespace gnas
