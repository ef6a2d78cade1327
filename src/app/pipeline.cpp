#include "gnas/app/pipeline.hpp"

#include <ctime>
#include <filesystem>
#include <functional>
#include <iostream>

#include "gnas/app/compare.hpp"
#include "gnas/app/evolution.hpp"
#include "gnas/app/generate.hpp"
#include "gnas/app/modes.hpp"
#include "gnas/app/report.hpp"
#include "gnas/app/summary.hpp"
#include "gnas/app/train.hpp"
#include "gnas/app/train_predictor.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/logging.hpp"
#include "gnas/common/run_layout.hpp"
#include "gnas/common/stop.hpp"
#include "gnas/common/text.hpp"
#include "gnas/common/version.hpp"
#include "gnas/predictor/labels.hpp"
#include "gnas/space/arch_io.hpp"
#include "gnas/train/device.hpp"

namespace gnas {

namespace fs = std::filesystem;

std::size_t PipelineResult::ran() const {
  std::size_t n = 0;
  for (const auto& s : steps) n += s.ran;
  return n;
}

namespace {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// The refinement stage an architecture file has reached, from its `source` column: 0 for random
// samples only, R once round R added its picks, rounds + 1 once the verification round did.
int latest_stage(const Config& config) {
  if (!fs::exists(config.path_to_architecture)) return -1;
  int stage = 0;
  for (const auto& source : read_architecture_sources(
           config.path_to_architecture, static_cast<std::size_t>(config.sample_count))) {
    if (source == "verify") {
      stage = std::max(stage, config.search.rounds + 1);
    } else if (source.rfind("refine", 0) == 0 && source.size() > 6) {
      stage = std::max(stage, std::stoi(source.substr(6)));
    }
  }
  return stage;
}

// Runs the steps of one pipeline run in this process, each with its own logger, log file and
// resolved configuration, as its executable would.
class Runner {
 public:
  Runner(Config config, std::string origin, std::ostream& out, PipelineResult& result)
      : config_(std::move(config)), origin_(std::move(origin)), out_(out), result_(result) {}

  const Config& config() const { return config_; }

  // Runs `body` as step `step` (files named `name`, app/modes.hpp), or skips it when `fresh`.
  void step(const std::string& step, const std::string& name, const std::string& flags, bool fresh,
            const std::function<void(spdlog::logger&)>& body) {
    result_.steps.push_back({step, flags, !fresh});
    if (fresh) {
      out_ << "pipeline (up to date): " << step << " " << flags << std::endl;
      return;
    }
    out_ << "pipeline: " << step << " " << flags << std::endl;
    const auto log = make_step_logger(step);
    add_log_file(*log, RunLayout(config_).step_log(step));
    log->info("gnas {} ({}) {}", version(), git_hash(), step);
    log->info("command line: {} (step: {} {})", origin_, step, flags);
    const auto write_config = [&] {
      app::write_resolved_config(config_, name, origin_ + " (step: " + step + " " + flags + ")");
    };
    try {
      body(*log);
    } catch (const ConfigError&) {
      throw;  // refused: the outputs already there keep their configuration
    } catch (const DataError&) {
      throw;
    } catch (const UsageError&) {
      throw;
    } catch (const std::exception& e) {
      try {
        write_config();
      } catch (const std::exception& second) {
        log->warn("the resolved configuration was not written: {}", second.what());
      }
      log->error("{}", e.what());
      throw;
    }
    write_config();
  }

  // Labels every architecture not yet labelled (a training in progress resumes from its
  // checkpoint).
  void label() {
    const bool fresh =
        count_unlabelled(config_) == 0 &&
        app::up_to_date(config_, outputs_name(TrainMode::kLabels), {config_.path_to_architecture});
    step("train", outputs_name(TrainMode::kLabels), "--load-architecture --train-data --resume",
         fresh, [&](spdlog::logger& log) {
           run_train_data(config_, {Shard{}, true}, log);
         });
  }

  // Refits the predictor on the labels of stage `stage` and searches with it; nothing when the
  // architecture file already holds a later round's picks (that round's fit is the one that
  // counts).
  void fit(int stage) {
    const bool obsolete = latest_stage(config_) > stage;
    const std::vector<std::string> labels = labelled_data_files(config_.path_to_train_data);
    step("train_predictor", std::string(kTrainPredictorName), "",
         obsolete || app::up_to_date(config_, std::string(kTrainPredictorName), labels),
         [&](spdlog::logger& log) { run_train_predictor(config_, {}, log); });
    const std::string evolution = outputs_name(EvolutionMode::kEvolution);
    step("evolution", evolution, "",
         obsolete || app::up_to_date(config_, evolution, evolution_inputs(config_)),
         [&](spdlog::logger& log) { run_evolution(config_, false, log); });
  }

  // Refinement round `round` (the verification round: search.rounds + 1).
  void refine(int round) {
    const bool verification = round == config_.search.rounds + 1;
    step("generate", outputs_name(verification ? GenerateMode::kVerify : GenerateMode::kRefine),
         verification ? "--verify" : "--refine " + std::to_string(round),
         latest_stage(config_) >= round,
         [&](spdlog::logger& log) { run_refine(config_, round, log); });
  }

 private:
  Config config_;
  std::string origin_;
  std::ostream& out_;
  PipelineResult& result_;
};

std::string command_text(const PipelineOptions& options, const std::string& name) {
  std::string text = "pipeline " + options.config_path + " --run " + name;
  for (const auto& o : options.overrides) text += " --set " + o;
  return text;
}

void write_run_record(const RunLayout& layout, const PipelineOptions& options,
                      const std::string& name, const Config& config) {
  if (fs::exists(layout.run_record())) return;
  YAML::Node node(YAML::NodeType::Map);
  node["name"] = name;
  node["config"] = options.config_path;
  node["overrides"] = YAML::Node(YAML::NodeType::Sequence);
  for (const auto& o : options.overrides) node["overrides"].push_back(o);
  node["seed"] = std::to_string(config.seed);
  node["gnas"] = std::string(version()) + " (" + git_hash() + ")";
  node["started"] = utc_now();
  YAML::Emitter emit;
  emit << node;
  write_file_atomic(layout.run_record(), std::string(emit.c_str()) + "\n");
}

}  // namespace

PipelineResult run_pipeline(const PipelineOptions& options, std::ostream& out) {
  const std::string name =
      options.run.empty() ? fs::path(options.config_path).stem().string() : options.run;
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) {
    throw UsageError("--run '" + name + "': a run name is one folder name");
  }
  const Config loaded = load_config(options.config_path, options.overrides);
  PipelineResult result;
  result.run_dir = RunLayout::run_folder(loaded, name);
  const Config config = in_run_folder(loaded, result.run_dir);
  const RunLayout layout(config);
  ensure_directory(result.run_dir);
  out << "pipeline: run folder " << result.run_dir << " (config " << options.config_path
      << ", seed " << config.seed << ", " << config.search.rounds << " refinement rounds)"
      << std::endl;
  configure_cpu_runtime(config);
  write_run_record(layout, options, name, config);

  Runner run(config, command_text(options, name), out, result);
  run.step("generate", outputs_name(GenerateMode::kSample), "",
           fs::exists(config.path_to_architecture),
           [&](spdlog::logger& log) { run_generate(config, log); });
  run.label();
  run.fit(0);
  for (int r = 1; r <= config.search.rounds; ++r) {
    run.refine(r);
    run.label();
    run.fit(r);
  }
  // search.verify: the best predicted of the last search are labelled, so the answer is measured.
  if (config.search.verify > 0) {
    run.refine(config.search.rounds + 1);
    run.label();
  }
  const std::string random = outputs_name(EvolutionMode::kRandomSearch);
  run.step("evolution", random, "--random-search",
           app::up_to_date(config, random, evolution_inputs(config)),
           [&](spdlog::logger& log) { run_evolution(config, true, log); });

  // The final training (or, in benchmark mode, the lookup) of the answer: the evolved
  // architecture, or with search.pick best_labelled the labelled one with the best label.
  const bool best_labelled = config.search.pick == AnswerPick::kBestLabelled;
  TrainFinalOptions answer;
  answer.best_labelled = best_labelled;
  answer.arch_file = best_labelled ? "" : config.path_to_evolution_architecture;
  answer.resume = true;
  const std::vector<std::string> answer_from =
      best_labelled ? labelled_data_files(config.path_to_train_data)
                    : std::vector<std::string>{config.path_to_evolution_architecture};
  const std::string final_name = outputs_name(TrainMode::kFinal);
  run.step("train", final_name,
           best_labelled ? "--load-architecture --best-labelled --resume"
                         : "--load-architecture --arch-file " +
                               config.path_to_evolution_architecture + " --resume",
           app::up_to_date(config, final_name, answer_from),
           [&](spdlog::logger& log) { run_train_final(config, answer, log); });

  const std::string compare = outputs_name(EvaluateMode::kCompare);
  run.step("evaluate", compare, "--compare",
           app::up_to_date(config, compare, compare_inputs(config)),
           [&](spdlog::logger& log) { run_compare(config, log, out); });
  const std::string report = outputs_name(EvaluateMode::kReport);
  run.step("evaluate", report, "--report", app::up_to_date(config, report, report_inputs(config)),
           [&](spdlog::logger& log) { run_report(config, log); });
  out << "pipeline: done; open " << layout.report()
      << (config.benchmark_table.empty() ? "" : " (benchmark mode: " + config.benchmark_table + ")")
      << std::endl;
  return result;
}

}  // namespace gnas
