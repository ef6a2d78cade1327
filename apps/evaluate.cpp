// evaluate: reports on architectures (MACs, parameters, CPU latency).
#include <iostream>

#include "gnas/app/cli.hpp"
#include "gnas/app/evaluate.hpp"
#include "gnas/common/errors.hpp"

int main(int argc, char** argv) {
  std::string arch_file;
  CLI::Option* arch_option = nullptr;
  return gnas::app::run_main(
      argc, argv, "evaluate", "Reports on architectures, predictors and searches.",
      [&](CLI::App& cli) {
        arch_option = cli.add_option("--arch-file", arch_file,
                                     "measure MACs, parameters and CPU latency of the architectures "
                                     "in PATH (the project's CSV or the original's adjacency CSV); "
                                     "without PATH: path_to_architecture")
                          ->expected(0, 1);
      },
      [&](const gnas::app::StepContext& ctx) {
        if (arch_option->count() == 0) {
          throw gnas::UsageError("evaluate: nothing to do; give --arch-file [PATH]");
        }
        const std::string path = arch_file.empty() ? ctx.config.path_to_architecture : arch_file;
        gnas::run_evaluate_architectures(ctx.config, path, *ctx.log, std::cout);
      });
}
