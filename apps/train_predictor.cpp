// train_predictor: fits the accuracy predictor to the labelled architectures (step 3).
#include "gnas/app/train_predictor.hpp"

#include "gnas/app/cli.hpp"
#include "gnas/app/modes.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> data;
  return gnas::app::run_main(
      argc, argv, std::string(gnas::kTrainPredictorName),
      "Trains the accuracy predictor on path_to_train_data and saves it to path_to_save_predictor.",
      [&](CLI::App& cli) {
        cli.add_option("--data", data,
                       "labelled CSV files to read instead of path_to_train_data (or its shards)");
      },
      [&](const gnas::app::StepContext& ctx) {
        gnas::run_train_predictor(ctx.config, data, *ctx.log);
      });
}
