// train: labels architectures for the predictor (--train-data) or trains the final model.
#include "gnas/app/train.hpp"

#include "gnas/app/cli.hpp"
#include "gnas/app/modes.hpp"

int main(int argc, char** argv) {
  bool train_data = false, load_architecture = false, resume = false, best_labelled = false;
  std::string shard;
  CLI::Option* arch_file = nullptr;
  CLI::Option* index = nullptr;
  gnas::TrainFinalOptions final_options;
  gnas::TrainMode mode = gnas::TrainMode::kFinal;
  return gnas::app::run_main(
      argc, argv, "train", "Trains architectures: labels for the predictor, or the final model.",
      [&](CLI::App& cli) {
        cli.add_flag("--load-architecture", load_architecture,
                     "train architectures read from a file (required, as in the original)");
        cli.add_flag("--train-data", train_data,
                     "label every architecture of path_to_architecture into path_to_train_data");
        cli.add_option("--shard", shard,
                       "K/N: with --train-data, only indices with i % N == K; auto (or auto/N): K "
                       "and N from a Slurm array (SLURM_ARRAY_TASK_ID, _COUNT) or a Kubernetes "
                       "Indexed Job (JOB_COMPLETION_INDEX, GNAS_SHARD_COUNT)");
        arch_file = cli.add_option("--arch-file", final_options.arch_file,
                                   "final model: architecture file (default path_to_architecture)");
        index = cli.add_option("--index", final_options.index,
                               "final model: row of the file (0-based)");
        cli.add_flag("--best-labelled", best_labelled,
                     "final model: the architecture of path_to_train_data with the best label "
                     "(search.pick: best_labelled)");
        cli.add_flag("--resume", resume, "continue an interrupted training from its checkpoint");
      },
      [&](const gnas::app::StepContext& ctx) {
        if (mode == gnas::TrainMode::kLabels) {
          gnas::run_train_data(
              ctx.config, {gnas::Shard::parse(shard.empty() ? "0/1" : shard), resume}, *ctx.log);
        } else {
          final_options.resume = resume;
          final_options.best_labelled = best_labelled;
          gnas::run_train_final(ctx.config, final_options, *ctx.log);
        }
      },
      [&] {
        mode = gnas::train_mode({load_architecture, train_data, !shard.empty(),
                                 arch_file->count() > 0, index->count() > 0, best_labelled});
        // each shard its own summary and resolved config: shards run side by side
        return gnas::outputs_name(mode) +
               (shard.empty() ? std::string() : gnas::Shard::parse(shard).suffix());
      });
}
