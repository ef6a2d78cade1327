#include "gnas/app/evolution.hpp"

#include "gnas/app/modes.hpp"
#include "gnas/app/summary.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/run_layout.hpp"
#include "gnas/common/svg_plot.hpp"
#include "gnas/common/text.hpp"
#include "gnas/predictor/graph_features.hpp"
#include "gnas/predictor/predictor.hpp"
#include "gnas/registry/search_spaces.hpp"
#include "gnas/search/random_search.hpp"

namespace gnas {
namespace {

// id, arch, predicted, macs_m, params, and latency_ms when the space predicts latency.
std::string scored_csv(const SearchSpace& space, const std::vector<Scored>& list) {
  std::vector<std::string> header{"id", "arch", "predicted", "macs_m", "params"};
  if (space.has_latency()) header.emplace_back("latency_ms");
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Scored& s = list[i];
    rows.push_back({std::to_string(i), space.format(s.arch), format_fixed(s.fitness, 6),
                    format_fixed(s.cost.macs_m, 6), std::to_string(s.cost.params)});
    if (space.has_latency()) rows.back().push_back(format_fixed(s.cost.latency_ms, 4));
  }
  return format_csv(header, rows);
}

// Accuracy vs cost: the explored cloud and its front.
Plot front_plot(const std::string& title, const std::vector<Scored>& pooled,
                const std::vector<Scored>& front, CostMeasure measure) {
  const bool latency = measure == CostMeasure::kLatency;
  Plot plot{title,
            latency ? "latency (ms, latency table)" : "MACs (millions)",
            "predicted accuracy",
            {},
            false,
            640,
            480};
  PlotSeries cloud{"explored", {}, {}, false};
  PlotSeries line{"Pareto front", {}, {}, true};
  for (const auto& e : pooled) {
    cloud.x.push_back(latency ? e.cost.latency_ms : e.cost.macs_m);
    cloud.y.push_back(e.fitness);
  }
  for (const auto& e : front) {
    line.x.push_back(latency ? e.cost.latency_ms : e.cost.macs_m);
    line.y.push_back(e.fitness);
  }
  plot.series = {cloud, line};
  return plot;
}

}  // namespace

std::vector<std::string> evolution_inputs(const Config& config) {
  std::vector<std::string> inputs{config.predictor_pretrained};
  if (!config.latency_table.empty()) inputs.push_back(config.latency_table);
  return inputs;
}

EvolutionRunResult run_evolution(const Config& config, bool random, spdlog::logger& log) {
  const auto space = make_search_space(config);
  load_feature_cache(config.predictor.feature_cache, *space);
  const Constraints constraints{config.macs_budget, config.params_budget, config.latency_budget_ms};
  check_feasible(*space, constraints);
  const Predictor predictor = Predictor::load(config.predictor_pretrained, *space);
  log.info("[evolution] predictor {} ({} {}); macs_budget {} M{}{}", config.predictor_pretrained,
           option_name(predictor.spec().variant), option_name(predictor.spec().type),
           format_number(config.macs_budget),
           config.params_budget > 0
               ? ", params_budget " + format_number(config.params_budget) + " M"
               : std::string(),
           config.latency_budget_ms > 0
               ? ", latency_budget_ms " + format_number(config.latency_budget_ms) + " (" +
                     config.latency_table + ")"
               : std::string());
  // Optimism about the predictor's errors is what a search exploits: with uncertainty_weight k
  // the fitness is a lower confidence bound, the ensemble's mean less k of its spreads.
  const double k = config.search.uncertainty_weight;
  if (k > 0 && predictor.spec().members < 2) {
    throw ConfigError("search.uncertainty_weight (" + format_number(k) + "): the predictor " +
                      config.predictor_pretrained +
                      " has one network; train it with "
                      "predictor.ensemble >= 2");
  }
  const Fitness fitness = [&](const std::vector<Architecture>& archs) {
    if (k == 0) return predictor.predict(*space, archs);
    const Predictor::Spread spread = predictor.predict_spread(*space, archs);
    std::vector<double> bound(archs.size());
    for (std::size_t i = 0; i < archs.size(); ++i) bound[i] = spread.mean[i] - k * spread.std[i];
    return bound;
  };
  const EvolutionOptions options = EvolutionOptions::from_config(config);
  EvolutionRunResult result;
  const std::string mode =
      outputs_name(random ? EvolutionMode::kRandomSearch : EvolutionMode::kEvolution);
  const bool pareto = config.evolution.pareto;
  // Pareto mode: everything scored, and its fronts over MACs and (with a latency table) latency.
  std::vector<Scored> pooled, front, latency_front;
  if (random) {
    const auto queries = static_cast<std::size_t>(options.population) *
                         static_cast<std::size_t>(options.generations + 1);
    result.search = random_search(*space, constraints, queries, options, fitness);
    if (pareto) {
      pooled = result.search.explored;
      front = pareto_front(pooled);
    }
  } else if (pareto) {
    ParetoResult p =
        pareto_search(*space, constraints, config.evolution.pareto_budgets, options, fitness);
    for (std::size_t i = 0; i < p.budgets.size(); ++i) {
      log.info("[evolution] pareto budget {}/{}: {:.3f} M MACs, best predicted {:.4f}", i + 1,
               p.budgets.size(), p.budgets[i], p.best_per_budget[i].fitness);
    }
    result.search = std::move(p.search);
    pooled = std::move(p.explored);
    front = std::move(p.front);
  } else {
    result.search = evolve(*space, constraints, options, fitness);
  }
  const SearchResult& s = result.search;
  const Scored& best = s.best();
  log.info(
      "[evolution] {}: best {} predicted {:.4f}, {:.3f} M MACs, {} parameters; {} "
      "architectures scored in {:.2f} s ({:.0f} predictions/s)",
      mode, space->format(best.arch), best.fitness, best.cost.macs_m, best.cost.params, s.queries,
      s.seconds, static_cast<double>(s.queries) / s.seconds);

  if (pareto && space->has_latency()) latency_front = pareto_front(pooled, CostMeasure::kLatency);
  // The baseline writes beside evolution's files, never over them: evaluate --compare reads both.
  const RunLayout layout(config);
  const auto out = [&](std::string_view name) { return layout.search_file(mode, name); };
  result.output = random ? out(search_files::kArchitecture) : config.path_to_evolution_architecture;
  write_file_atomic(result.output, scored_csv(*space, {best}));
  write_file_atomic(out(search_files::kTopk), scored_csv(*space, s.top));
  write_file_atomic(out(search_files::kExplored), scored_csv(*space, s.explored));
  std::vector<std::vector<std::string>> history;
  for (const auto& h : s.history) {
    history.push_back({std::to_string(h.generation), format_fixed(h.best, 6),
                       format_fixed(h.mean, 6), std::to_string(h.unique),
                       format_fixed(h.seconds, 4)});
  }
  write_file_atomic(out(search_files::kHistory),
                    format_csv({"generation", "best", "mean", "unique", "seconds"}, history));

  // A space without a cost model is plotted against the order of scoring instead of MACs.
  const bool costed = space->has_cost();
  Plot explored{mode + ": " + std::to_string(s.queries) + " architectures scored",
                costed ? "MACs (millions)" : "architecture, in the order scored",
                "predicted accuracy",
                {},
                false,
                640,
                480};
  PlotSeries all{"explored", {}, {}, false};
  double best_x = best.cost.macs_m;
  for (std::size_t i = 0; i < s.explored.size(); ++i) {
    const Scored& e = s.explored[i];
    all.x.push_back(costed ? e.cost.macs_m : static_cast<double>(i));
    all.y.push_back(e.fitness);
    if (!costed && e.arch == best.arch) best_x = static_cast<double>(i);
  }
  explored.series.push_back(all);
  explored.series.push_back(
      {"best: " + space->format(best.arch), {best_x}, {best.fitness}, false, 7});
  write_file_atomic(out(search_files::kExploredSvg), render_svg(explored));
  Plot progress{mode + ": best predicted accuracy so far",
                "generation",
                "predicted accuracy",
                {},
                false,
                640,
                480};
  PlotSeries best_line{"best so far", {}, {}, true};
  PlotSeries mean_line{"generation mean", {}, {}, true};
  for (const auto& h : s.history) {
    best_line.x.push_back(h.generation);
    best_line.y.push_back(h.best);
    mean_line.x.push_back(h.generation);
    mean_line.y.push_back(h.mean);
  }
  progress.series = {best_line, mean_line};
  write_file_atomic(out(search_files::kProgressSvg), render_svg(progress));

  if (pareto) {
    write_file_atomic(out(search_files::kPareto), scored_csv(*space, front));
    write_file_atomic(out(search_files::kParetoSvg),
                      render_svg(front_plot(mode + ": predicted accuracy vs MACs, " +
                                                std::to_string(front.size()) + "-point front of " +
                                                std::to_string(pooled.size()) + " architectures",
                                            pooled, front, CostMeasure::kMacs)));
    log.info("[evolution] Pareto front: {} architectures of {} ({})", front.size(), pooled.size(),
             out(search_files::kPareto));
    if (!latency_front.empty()) {
      write_file_atomic(out(search_files::kParetoLatency), scored_csv(*space, latency_front));
      write_file_atomic(
          out(search_files::kParetoLatencySvg),
          render_svg(front_plot(mode + ": predicted accuracy vs latency, " +
                                    std::to_string(latency_front.size()) + "-point front",
                                pooled, latency_front, CostMeasure::kLatency)));
    }
  }

  YAML::Node values;
  values["mode"] = mode;
  values["output"] = result.output;
  values["best_arch"] = space->format(best.arch);
  values["best_predicted"] = format_fixed(best.fitness, 6);
  values["best_macs_m"] = format_fixed(best.cost.macs_m, 6);
  values["best_params"] = best.cost.params;
  values["macs_budget"] = format_number(config.macs_budget);
  values["params_budget"] = format_number(config.params_budget);
  if (space->has_latency()) {
    values["best_latency_ms"] = format_fixed(best.cost.latency_ms, 4);
    values["latency_budget_ms"] = format_number(config.latency_budget_ms);
    values["latency_table"] = config.latency_table;
  }
  values["generations"] = static_cast<int>(s.history.size()) - 1;
  values["unique_evaluated"] = static_cast<int>(s.queries);
  values["fallbacks"] = static_cast<int>(s.fallbacks);
  if (pareto) {
    values["pareto_points"] = static_cast<int>(front.size());
    values["pareto_explored"] = static_cast<int>(pooled.size());
  }
  values["search_seconds"] = format_fixed(s.seconds, 3);
  values["predictions_per_second"] = format_fixed(static_cast<double>(s.queries) / s.seconds, 1);
  if (pareto && !latency_front.empty())
    values["pareto_latency_points"] = static_cast<int>(latency_front.size());
  app::write_summary(config, mode, values, s.seconds,
                     {evolution_inputs(config), {result.output, out(search_files::kExplored)}});
  save_feature_cache(config.predictor.feature_cache, *space);
  return result;
}

}  // namespace gnas
