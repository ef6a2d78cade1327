// generate: draws the architectures to label (step 1 of the pipeline), or adds a refinement
// round's best predicted ones.
#include "gnas/app/cli.hpp"
#include "gnas/app/generate.hpp"

int main(int argc, char** argv) {
  int round = 0;
  CLI::Option* refine = nullptr;
  return gnas::app::run_main(
      argc, argv, "generate",
      "Draws sample_count architectures of the search space into path_to_architecture; with "
      "--refine R, appends round R's search.per_round best predicted unlabelled architectures "
      "of <log_dir>/evolution_explored.csv instead.",
      [&](CLI::App& cli) {
        refine = cli.add_option("--refine", round, "refinement round R (1..search.rounds)");
      },
      [&](const gnas::app::StepContext& ctx) {
        if (refine->count() > 0) {
          gnas::run_refine(ctx.config, round, *ctx.log);
        } else {
          gnas::run_generate(ctx.config, *ctx.log);
        }
      });
}
