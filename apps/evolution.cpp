// evolution: searches the space under the budgets with the predictor as fitness (step 4).
#include "gnas/app/evolution.hpp"

#include "gnas/app/cli.hpp"
#include "gnas/app/modes.hpp"

int main(int argc, char** argv) {
  bool random_search = false;
  return gnas::app::run_main(
      argc, argv, "evolution",
      "Evolutionary search under macs_budget (and params_budget) with predictor_pretrained as "
      "fitness; writes path_to_evolution_architecture.",
      [&](CLI::App& cli) {
        cli.add_flag(
            "--random-search", random_search,
            "the baseline: as many predictor queries spent on uniform samples within the budget");
      },
      [&](const gnas::app::StepContext& ctx) {
        gnas::run_evolution(ctx.config, random_search, *ctx.log);
      },
      [&] {
        return gnas::outputs_name(random_search ? gnas::EvolutionMode::kRandomSearch
                                                : gnas::EvolutionMode::kEvolution);
      });
}
