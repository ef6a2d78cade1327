#include "gnas/app/generate.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <unordered_set>

#include "gnas/app/modes.hpp"
#include "gnas/app/proxies.hpp"
#include "gnas/app/summary.hpp"
#include "gnas/common/clock.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/run_layout.hpp"
#include "gnas/common/seed.hpp"
#include "gnas/common/stats.hpp"
#include "gnas/common/text.hpp"
#include "gnas/predictor/labels.hpp"
#include "gnas/registry/search_spaces.hpp"
#include "gnas/space/arch_io.hpp"
#include "gnas/space/search_space.hpp"

namespace gnas {

namespace {

// The (group, choice) a gene value counts towards in the usage statistics: a yes/no gene named
// "group.choice" counts when set (the layer-wise space: "layer1.skip"); any other gene counts
// its value under its own name (NAS-Bench-201: "edge0to1" -> "nor_conv_3x3").
std::pair<std::string, std::string> usage_key(const SearchSpace& space, std::size_t i,
                                              std::uint8_t value) {
  const std::string label = space.gene_label(i);
  const auto dot = label.find('.');
  if (space.gene_values(i) == 2 && dot != std::string::npos) {
    return {label.substr(0, dot), value ? label.substr(dot + 1) : std::string()};
  }
  return {label, space.value_label(i, value)};
}

// sampling.prescreen: the sample_count candidates with the best proxy ensemble rank, in draw
// order; every candidate's scores and the choice in <log_dir>/prescreen.csv.
std::vector<Architecture> prescreen(const Config& config, const SearchSpace& space,
                                    const std::vector<Architecture>& candidates,
                                    spdlog::logger& log) {
  const ProxyScores scores = score_architectures(config, space, candidates, log);
  const std::vector<double> vote = ensemble_rank(scores);
  std::vector<std::size_t> order(candidates.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return vote[a] > vote[b]; });
  std::vector<char> chosen(candidates.size(), 0);
  for (std::size_t r = 0; r < static_cast<std::size_t>(config.sample_count); ++r)
    chosen[order[r]] = 1;
  std::vector<Architecture> kept;
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (chosen[i]) kept.push_back(candidates[i]);
    rows.push_back({space.format(candidates[i])});
    for (const double v : scores.scores[i]) rows.back().push_back(format_score(v));
    rows.back().push_back(format_fixed(vote[i], 6));
    rows.back().push_back(chosen[i] ? "1" : "0");
  }
  std::vector<std::string> header{"arch"};
  header.insert(header.end(), scores.columns.begin(), scores.columns.end());
  header.insert(header.end(), {"ensemble_rank", "chosen"});
  write_file_atomic(RunLayout(config).prescreen_csv(), format_csv(header, rows));
  log.info(
      "[prescreen] kept the {} of {} candidates with the best proxy ensemble rank ({:.1f} "
      "candidates/s{})",
      kept.size(), candidates.size(), scores.archs_per_second,
      scores.stand_in ? ", stand-in minibatch" : "");
  return kept;
}

}  // namespace

GenerateResult run_generate(const Config& config, spdlog::logger& log) {
  const auto start = Clock::now();
  const auto space = make_search_space(config);
  Rng rng(derive_seed(config.seed, SeedPurpose::kSampling));
  GenerateResult result;
  std::unordered_set<Architecture, ArchitectureHash> seen;
  int attempts = 0;
  const int draws = config.sampling.prescreen > 0 ? config.sampling.prescreen : config.sample_count;
  while (static_cast<int>(result.archs.size()) < draws) {
    if (attempts++ >= config.sampling.max_attempts) {
      throw Error("generate: only " + std::to_string(result.archs.size()) +
                  " distinct architectures in " + std::to_string(config.sampling.max_attempts) +
                  " draws (sampling.max_attempts); lower sample_count or raise the attempts");
    }
    Architecture arch =
        config.sampling.within_budget
            ? sample_within_budget(*space, config.macs_budget, config.sampling.max_attempts, rng)
            : space->sample(rng);
    if (seen.insert(arch).second) result.archs.push_back(std::move(arch));
  }
  if (config.sampling.prescreen > 0) result.archs = prescreen(config, *space, result.archs, log);
  write_architecture_csv(config.path_to_architecture, *space, result.archs);

  std::vector<double> macs;
  std::map<std::string, std::map<std::string, int>> usage;  // group -> choice -> count
  int within_budget = 0;
  for (const auto& arch : result.archs) {
    macs.push_back(space->cost(arch).macs_m);
    within_budget += config.macs_budget <= 0 || macs.back() <= config.macs_budget;
    for (std::size_t i = 0; i < arch.genes.size(); ++i) {
      const auto [group, choice] = usage_key(*space, i, arch.genes[i]);
      if (!choice.empty()) usage[group][choice] += 1;
    }
  }
  std::sort(macs.begin(), macs.end());
  result.macs_min_m = macs.front();
  result.macs_max_m = macs.back();
  result.macs_median_m = median_of_sorted(macs);
  const std::size_t n = macs.size();
  result.seconds = seconds_since(start);

  log.info("wrote {} architectures to {} in {:.3f} s", n, config.path_to_architecture,
           result.seconds);
  if (space->has_cost()) {
    log.info("MACs (M): min {:.6f}, median {:.6f}, max {:.6f}; {} of {} within macs_budget {}",
             result.macs_min_m, result.macs_median_m, result.macs_max_m, within_budget, n,
             format_number(config.macs_budget));
  }
  YAML::Node values;
  values["count"] = static_cast<int>(n);
  values["output"] = config.path_to_architecture;
  if (config.sampling.prescreen > 0) {
    values["prescreen"] = config.sampling.prescreen;
    values["prescreen_file"] = RunLayout(config).prescreen_csv();
  }
  values["macs_min_m"] = format_fixed(result.macs_min_m, 6);
  values["macs_median_m"] = format_fixed(result.macs_median_m, 6);
  values["macs_max_m"] = format_fixed(result.macs_max_m, 6);
  values["within_budget"] = within_budget;
  YAML::Node op_usage;
  for (const auto& [group, choices] : usage) {
    std::string line = group + ":";
    // Keep the space's gene order, not alphabetical order, in the log line.
    for (std::size_t i = 0; i < space->gene_count(); ++i) {
      for (int v = 0; v < space->gene_values(i); ++v) {
        const auto [g, choice] = usage_key(*space, i, static_cast<std::uint8_t>(v));
        if (g != group || choice.empty() || op_usage[group][choice]) continue;
        const auto count = choices.count(choice) ? choices.at(choice) : 0;
        line += " " + choice + " " + std::to_string(count);
        op_usage[group][choice] = count;
      }
    }
    log.info("chosen {}", line);
  }
  values["op_usage"] = op_usage;
  app::write_summary(config, outputs_name(GenerateMode::kSample), values, result.seconds);
  return result;
}

RefineResult run_refine(const Config& config, int round, spdlog::logger& log) {
  const auto start = Clock::now();
  if (round < 1) throw UsageError("--refine (" + std::to_string(round) + "): rounds count from 1");
  const auto space = make_search_space(config);
  RefineResult result;
  result.round = round;
  std::vector<Architecture> archs = read_architectures(config.path_to_architecture, *space);
  std::vector<std::string> sources = read_architecture_sources(
      config.path_to_architecture, static_cast<std::size_t>(config.sample_count));
  const auto per_round = static_cast<std::size_t>(config.search.per_round);
  // The verification round follows the refinement rounds and adds search.verify.
  const bool verification = config.search.verify > 0 && round == config.search.rounds + 1;
  const std::size_t before = static_cast<std::size_t>(config.sample_count) +
                             static_cast<std::size_t>(round - 1) * per_round;
  const std::size_t target =
      before + (verification ? static_cast<std::size_t>(config.search.verify) : per_round);
  if (archs.size() < before) {
    throw DataError(config.path_to_architecture + ": holds " + std::to_string(archs.size()) +
                    " architectures; refinement round " + std::to_string(round) + " starts from " +
                    std::to_string(before) +
                    " (sample_count + (round - 1) x search.per_round): "
                    "run the rounds in order");
  }
  if (archs.size() >= target) {
    log.info("[refine] round {}: {} already holds {} architectures; nothing to add", round,
             config.path_to_architecture, archs.size());
    result.total = archs.size();
    return result;
  }
  // Architectures labelled or waiting for a label are not proposed again.
  std::unordered_set<Architecture, ArchitectureHash> known(archs.begin(), archs.end());
  std::size_t unlabelled = archs.size();
  for (const auto& file : labelled_data_files(config.path_to_train_data)) {
    const LabelledSet labelled = read_labelled({file}, *space);
    for (const auto& a : labelled.archs) unlabelled -= known.count(a);
    known.insert(labelled.archs.begin(), labelled.archs.end());
  }
  if (unlabelled > 0) {
    log.warn("[refine] {} architectures of {} have no label yet (train --train-data labels them)",
             unlabelled, config.path_to_architecture);
  }
  const std::string explored_path = RunLayout(config).evolution_explored();
  const CsvTable explored = read_csv(explored_path);
  const std::size_t arch_col = explored.column("arch");
  const std::size_t predicted_col = explored.column("predicted");
  std::vector<std::pair<double, Architecture>> candidates;
  for (std::size_t r = 0; r < explored.rows.size(); ++r) {
    const std::string where = explored_path + ":" + std::to_string(explored.lines[r]);
    Architecture arch;
    try {
      arch = space->parse(trim(explored.rows[r][arch_col]));
    } catch (const DataError& e) {
      throw DataError(where + ": " + e.what());
    }
    if (known.count(arch)) continue;
    candidates.emplace_back(parse_double(explored.rows[r][predicted_col], where + ": predicted"),
                            arch);
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  const std::size_t need = target - archs.size();
  for (std::size_t i = 0; i < candidates.size() && result.added.size() < need; ++i) {
    if (!known.insert(candidates[i].second).second) continue;
    result.added.push_back(candidates[i].second);
    archs.push_back(candidates[i].second);
    sources.push_back(verification ? "verify" : "refine" + std::to_string(round));
    log.info("[refine] round {}: + {} (predicted {:.4f})", round,
             space->format(candidates[i].second), candidates[i].first);
  }
  if (result.added.size() < need) {
    log.warn("[refine] round {}: only {} of {} wanted architectures in {} are new", round,
             result.added.size(), need, explored_path);
  }
  write_architecture_csv(config.path_to_architecture, *space, archs, sources);
  result.total = archs.size();
  const double seconds = seconds_since(start);
  YAML::Node values;
  values["mode"] = verification ? "verify" : "refine";
  values["round"] = round;
  values["added"] = static_cast<int>(result.added.size());
  values["count"] = static_cast<int>(result.total);
  values["output"] = config.path_to_architecture;
  app::write_summary(config,
                     outputs_name(verification ? GenerateMode::kVerify : GenerateMode::kRefine),
                     values, seconds);
  return result;
}

}  // namespace gnas
