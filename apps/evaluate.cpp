// evaluate: reports on architectures (MACs, parameters, CPU latency).
#include <iostream>

#include "gnas/app/cli.hpp"
#include "gnas/app/evaluate.hpp"
#include "gnas/common/errors.hpp"

int main(int argc, char** argv) {
  std::string arch_file;
  return gnas::app::run_main(
      argc, argv, "evaluate", "Reports on architectures, predictors and searches.",
      [&](CLI::App& cli) {
        cli.add_option("--arch-file", arch_file,
                       "architectures to measure: the project's CSV or the original's adjacency CSV");
      },
      [&](const gnas::app::StepContext& ctx) {
        if (arch_file.empty()) throw gnas::UsageError("evaluate: nothing to do; give --arch-file PATH");
        gnas::run_evaluate_architectures(ctx.config, arch_file, *ctx.log, std::cout);
      });
}
