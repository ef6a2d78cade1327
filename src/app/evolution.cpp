#include "gnas/app/evolution.hpp"

#include "gnas/app/summary.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/svg_plot.hpp"
#include "gnas/common/text.hpp"
#include "gnas/predictor/predictor.hpp"

namespace gnas {
namespace {

std::vector<std::string> scored_row(const SearchSpace& space, std::size_t id, const Scored& s) {
  return {std::to_string(id), space.format(s.arch), format_fixed(s.fitness, 6),
          format_fixed(s.cost.macs_m, 6), std::to_string(s.cost.params)};
}

std::string scored_csv(const SearchSpace& space, const std::vector<Scored>& list) {
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < list.size(); ++i) rows.push_back(scored_row(space, i, list[i]));
  return format_csv({"id", "arch", "predicted", "macs_m", "params"}, rows);
}

}  // namespace

EvolutionRunResult run_evolution(const Config& config, bool random, spdlog::logger& log) {
  const auto space = make_search_space(config);
  const Constraints constraints{config.macs_budget, config.params_budget};
  check_feasible(*space, constraints);
  const Predictor predictor = Predictor::load(config.predictor_pretrained, *space);
  log.info("[evolution] predictor {} ({} {}); macs_budget {} M{}", config.predictor_pretrained,
           predictor.spec().variant, predictor.spec().type, format_number(config.macs_budget),
           config.params_budget > 0 ? ", params_budget " + format_number(config.params_budget) + " M"
                                    : std::string());
  const Fitness fitness = [&](const std::vector<Architecture>& archs) {
    return predictor.predict(*space, archs);
  };
  const EvolutionOptions options = EvolutionOptions::from_config(config);
  EvolutionRunResult result;
  const std::string mode = random ? "random_search" : "evolution";
  const bool pareto = config.evolution.pareto;
  std::vector<Scored> pooled, front;  // Pareto mode: everything scored, and its front
  if (random) {
    const auto queries = static_cast<std::size_t>(options.population) *
                         static_cast<std::size_t>(options.generations + 1);
    result.search = random_search(*space, constraints, queries, options, fitness);
    if (pareto) {
      pooled = result.search.explored;
      front = pareto_front(pooled);
    }
  } else if (pareto) {
    ParetoResult p = pareto_search(*space, constraints, config.evolution.pareto_budgets, options, fitness);
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
  log.info("[evolution] {}: best {} predicted {:.4f}, {:.3f} M MACs, {} parameters; {} "
           "architectures scored in {:.2f} s ({:.0f} predictions/s)",
           mode, space->format(best.arch), best.fitness, best.cost.macs_m, best.cost.params,
           s.queries, s.seconds, static_cast<double>(s.queries) / s.seconds);

  result.output = config.path_to_evolution_architecture;
  write_file_atomic(result.output, scored_csv(*space, {best}));
  write_file_atomic(join_path(config.log_dir, "evolution_topk.csv"), scored_csv(*space, s.top));
  write_file_atomic(join_path(config.log_dir, "evolution_explored.csv"), scored_csv(*space, s.explored));
  std::vector<std::vector<std::string>> history;
  for (const auto& h : s.history) {
    history.push_back({std::to_string(h.generation), format_fixed(h.best, 6), format_fixed(h.mean, 6),
                       std::to_string(h.unique), format_fixed(h.seconds, 4)});
  }
  write_file_atomic(join_path(config.log_dir, "evolution_history.csv"),
                    format_csv({"generation", "best", "mean", "unique", "seconds"}, history));

  // A space without a cost model is plotted against the order of scoring instead of MACs.
  const bool costed = space->has_cost();
  Plot explored{mode + ": " + std::to_string(s.queries) + " architectures scored",
                costed ? "MACs (millions)" : "architecture, in the order scored",
                "predicted accuracy", {}, false, 640, 480};
  PlotSeries all{"explored", {}, {}, false};
  double best_x = best.cost.macs_m;
  for (std::size_t i = 0; i < s.explored.size(); ++i) {
    const Scored& e = s.explored[i];
    all.x.push_back(costed ? e.cost.macs_m : static_cast<double>(i));
    all.y.push_back(e.fitness);
    if (!costed && e.arch == best.arch) best_x = static_cast<double>(i);
  }
  explored.series.push_back(all);
  explored.series.push_back({"best: " + space->format(best.arch), {best_x}, {best.fitness}, false});
  write_file_atomic(join_path(config.log_dir, "evolution_explored.svg"), render_svg(explored));
  Plot progress{mode + ": best predicted accuracy so far", "generation", "predicted accuracy",
                {}, false, 640, 480};
  PlotSeries best_line{"best so far", {}, {}, true};
  PlotSeries mean_line{"generation mean", {}, {}, true};
  for (const auto& h : s.history) {
    best_line.x.push_back(h.generation);
    best_line.y.push_back(h.best);
    mean_line.x.push_back(h.generation);
    mean_line.y.push_back(h.mean);
  }
  progress.series = {best_line, mean_line};
  write_file_atomic(join_path(config.log_dir, "evolution_progress.svg"), render_svg(progress));

  if (pareto) {
    write_file_atomic(join_path(config.log_dir, "evolution_pareto.csv"), scored_csv(*space, front));
    Plot plot{mode + ": predicted accuracy vs MACs, " + std::to_string(front.size()) +
                  "-point front of " + std::to_string(pooled.size()) + " architectures",
              "MACs (millions)", "predicted accuracy", {}, false, 640, 480};
    PlotSeries cloud{"explored", {}, {}, false};
    PlotSeries line{"Pareto front", {}, {}, true};
    for (const auto& e : pooled) {
      cloud.x.push_back(e.cost.macs_m);
      cloud.y.push_back(e.fitness);
    }
    for (const auto& e : front) {
      line.x.push_back(e.cost.macs_m);
      line.y.push_back(e.fitness);
    }
    plot.series = {cloud, line};
    write_file_atomic(join_path(config.log_dir, "evolution_pareto.svg"), render_svg(plot));
    log.info("[evolution] Pareto front: {} architectures of {} ({}/evolution_pareto.csv)",
             front.size(), pooled.size(), config.log_dir);
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
  values["generations"] = static_cast<int>(s.history.size()) - 1;
  values["unique_evaluated"] = static_cast<int>(s.queries);
  values["fallbacks"] = static_cast<int>(s.fallbacks);
  if (pareto) {
    values["pareto_points"] = static_cast<int>(front.size());
    values["pareto_explored"] = static_cast<int>(pooled.size());
  }
  values["search_seconds"] = format_fixed(s.seconds, 3);
  values["predictions_per_second"] = format_fixed(static_cast<double>(s.queries) / s.seconds, 1);
  app::write_summary(config, "evolution", values, s.seconds);
  return result;
}

}  // namespace gnas
