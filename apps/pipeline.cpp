// pipeline: the whole search, resumable, in one command (app/pipeline.hpp).
#include "gnas/app/pipeline.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

#include "gnas/app/cli.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/stop.hpp"
#include "gnas/common/version.hpp"

int main(int argc, char** argv) {
  gnas::PipelineOptions options;
  CLI::App cli(
      "Runs the whole search in <log_dir>/runs/NAME: generate, label, fit the predictor, evolve "
      "(with search.rounds refinement rounds and search.verify), the random-search baseline, the "
      "answer's final training, the comparison and the report. A step that is up to date is "
      "skipped and a partial one resumed: run the same command again after a stop.",
      "pipeline");
  cli.add_option("CONFIG", options.config_path, "configuration YAML")->required();
  cli.add_option("--run", options.run, "the run's folder name (default: the config file's name)");
  cli.add_option("--set", options.overrides,
                 "override a key: dotted.key=value (value in YAML syntax)");
  cli.set_version_flag("--version", std::string(gnas::version()) + " (" + gnas::git_hash() + ")");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? gnas::app::kExitOk : gnas::app::kExitBadInput;
  }
  try {
    gnas::install_stop_handlers();
    gnas::run_pipeline(options, std::cout);
    return gnas::app::kExitOk;
  } catch (const gnas::Stopped& e) {
    std::cerr << "pipeline: " << e.what() << "; every file written so far is whole: run the same "
              << "command again to continue\n";
    return 128 + e.signal();
  } catch (const gnas::ConfigError& e) {
    std::cerr << "pipeline: configuration error: " << e.what() << "\n";
  } catch (const gnas::DataError& e) {
    std::cerr << "pipeline: input error: " << e.what() << "\n";
  } catch (const gnas::UsageError& e) {
    std::cerr << "pipeline: usage error: " << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "pipeline: " << e.what() << "\n";
    return gnas::app::kExitFailure;
  }
  return gnas::app::kExitBadInput;
}
