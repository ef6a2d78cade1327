// generate: draws the architectures to label (step 1 of the pipeline), or adds a refinement
// round's best predicted ones.
#include "gnas/app/generate.hpp"

#include "gnas/app/cli.hpp"
#include "gnas/app/modes.hpp"
#include "gnas/common/errors.hpp"

int main(int argc, char** argv) {
  int round = 0;
  CLI::Option* refine = nullptr;
  CLI::Option* verify = nullptr;
  return gnas::app::run_main(
      argc, argv, "generate",
      "Draws sample_count architectures of the search space into path_to_architecture; with "
      "--refine R, appends round R's search.per_round best predicted unlabelled architectures "
      "of <log_dir>/evolution_explored.csv instead; with --verify, the search.verify best "
      "predicted after the last round.",
      [&](CLI::App& cli) {
        refine = cli.add_option("--refine", round, "refinement round R (1..search.rounds)");
        verify =
            cli.add_flag("--verify",
                         "the verification round (search.verify) after the last refinement round")
                ->excludes(refine);
      },
      [&](const gnas::app::StepContext& ctx) {
        if (verify->count() > 0) {
          if (ctx.config.search.verify == 0) throw gnas::UsageError("--verify: search.verify is 0");
          gnas::run_refine(ctx.config, ctx.config.search.rounds + 1, *ctx.log);
        } else if (refine->count() > 0) {
          gnas::run_refine(ctx.config, round, *ctx.log);
        } else {
          gnas::run_generate(ctx.config, *ctx.log);
        }
      },
      [&] {
        return gnas::outputs_name(verify->count() > 0   ? gnas::GenerateMode::kVerify
                                  : refine->count() > 0 ? gnas::GenerateMode::kRefine
                                                        : gnas::GenerateMode::kSample);
      });
}
