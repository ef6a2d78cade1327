// generate: draws the architectures to label (step 1 of the pipeline).
#include "gnas/app/cli.hpp"
#include "gnas/app/generate.hpp"

int main(int argc, char** argv) {
  return gnas::app::run_main(
      argc, argv, "generate",
      "Draws sample_count architectures of the search space into path_to_architecture.",
      [](CLI::App&) {},
      [](const gnas::app::StepContext& ctx) { gnas::run_generate(ctx.config, *ctx.log); });
}
