#pragma once

// The whole search as one resumable call: generate -> train --train-data -> train_predictor ->
// evolution (-> search.rounds refinement rounds) (-> search.verify) -> evolution --random-search
// -> train of the answer -> evaluate --compare -> evaluate --report, every step in this process,
// every file of the run in one folder (<log_dir>/runs/<name>, common/run_layout.hpp). A step
// runs when its record (app/summary.hpp: the inputs it consumed, the outputs it wrote, the
// configuration) says it is out of date, and a partial one resumes; so running the same call
// again after a kill or a crash continues where it stopped, and after a finished run does
// nothing. Whether an architecture is a random sample or a refinement pick is read from
// architecture.csv's `source` column.

#include <ostream>
#include <string>
#include <vector>

namespace gnas {

struct PipelineOptions {
  std::string config_path;             ///< the configuration YAML
  std::vector<std::string> overrides;  ///< --set key=value, in order
  std::string run;                     ///< the run's folder name; empty: the config file's stem
};

struct PipelineStep {
  std::string step;   ///< generate, train, train_predictor, evolution, evaluate
  std::string flags;  ///< the step's own flags, as its command line would give them
  bool ran = false;   ///< false: up to date, skipped
};

struct PipelineResult {
  std::string run_dir;
  std::vector<PipelineStep> steps;  ///< in order, the skipped ones too
  std::size_t ran() const;          ///< steps that ran
};

/// Runs the pipeline; writes one line per step on `out` ("pipeline: <step> <flags>" for a step
/// that runs, "pipeline (up to date): <step> <flags>" for one skipped) and the steps' logs on
/// stderr and <run>/<step>.log. Writes <run>/run.yml (name, config, overrides, seed, version,
/// start) when the run is new. Throws UsageError for a run name that is not one folder name,
/// ConfigError/DataError as the steps do, Stopped on SIGINT/SIGTERM (every file whole).
PipelineResult run_pipeline(const PipelineOptions& options, std::ostream& out);

}  // namespace gnas
