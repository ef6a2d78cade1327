#include "gnas/app/generate.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <unordered_set>

#include "gnas/app/summary.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/text.hpp"
#include "gnas/space/arch_io.hpp"
#include "gnas/space/search_space.hpp"

namespace gnas {

GenerateResult run_generate(const Config& config, spdlog::logger& log) {
  const auto start = std::chrono::steady_clock::now();
  const auto space = make_search_space(config);
  Rng rng(config.seed);
  GenerateResult result;
  std::unordered_set<Architecture, ArchitectureHash> seen;
  int attempts = 0;
  while (static_cast<int>(result.archs.size()) < config.sample_count) {
    if (attempts++ >= config.sampling.max_attempts) {
      throw Error("generate: only " + std::to_string(result.archs.size()) +
                  " distinct architectures in " + std::to_string(config.sampling.max_attempts) +
                  " draws (sampling.max_attempts); lower sample_count or raise the attempts");
    }
    Architecture arch = config.sampling.within_budget
                            ? sample_within_budget(*space, config.macs_budget,
                                                   config.sampling.max_attempts, rng)
                            : space->sample(rng);
    if (seen.insert(arch).second) result.archs.push_back(std::move(arch));
  }
  write_architecture_csv(config.path_to_architecture, *space, result.archs);

  std::vector<double> macs;
  std::map<std::string, std::map<std::string, int>> usage;  // group -> choice -> count
  int within_budget = 0;
  for (const auto& arch : result.archs) {
    macs.push_back(space->cost(arch).macs_m);
    within_budget += macs.back() <= config.macs_budget;
    for (std::size_t i = 0; i < arch.genes.size(); ++i) {
      const std::string label = space->gene_label(i);
      const auto dot = label.find('.');
      usage[label.substr(0, dot)][label.substr(dot + 1)] += arch.genes[i] != 0;
    }
  }
  std::sort(macs.begin(), macs.end());
  const std::size_t n = macs.size();
  result.macs_min_m = macs.front();
  result.macs_max_m = macs.back();
  result.macs_median_m = n % 2 ? macs[n / 2] : 0.5 * (macs[n / 2 - 1] + macs[n / 2]);
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  log.info("wrote {} architectures to {} in {:.3f} s", n, config.path_to_architecture,
           result.seconds);
  log.info("MACs (M): min {:.6f}, median {:.6f}, max {:.6f}; {} of {} within macs_budget {}",
           result.macs_min_m, result.macs_median_m, result.macs_max_m, within_budget, n,
           format_number(config.macs_budget));
  YAML::Node values;
  values["count"] = static_cast<int>(n);
  values["output"] = config.path_to_architecture;
  values["macs_min_m"] = format_fixed(result.macs_min_m, 6);
  values["macs_median_m"] = format_fixed(result.macs_median_m, 6);
  values["macs_max_m"] = format_fixed(result.macs_max_m, 6);
  values["within_budget"] = within_budget;
  YAML::Node op_usage;
  for (const auto& [group, choices] : usage) {
    std::string line = group + ":";
    // Keep the space's gene order, not alphabetical order, in the log line.
    for (std::size_t i = 0; i < space->gene_count(); ++i) {
      const std::string label = space->gene_label(i);
      if (label.rfind(group + ".", 0) != 0) continue;
      const std::string choice = label.substr(group.size() + 1);
      line += " " + choice + " " + std::to_string(choices.at(choice));
      op_usage[group][choice] = choices.at(choice);
    }
    log.info("chosen {}", line);
  }
  values["op_usage"] = op_usage;
  app::write_summary(config, "generate", values, result.seconds);
  return result;
}

}  // namespace gnas
