#include "gnas/common/run_layout.hpp"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/text.hpp"

namespace gnas {

namespace fs = std::filesystem;

namespace {

// A scheduler's variable as a non-negative integer; nullopt when unset. Throws UsageError for
// any other text.
std::optional<int> shard_variable(const Shard::Environment& env, const char* name) {
  const std::optional<std::string> text = env(name);
  if (!text) return std::nullopt;
  try {
    std::size_t used = 0;
    const int v = std::stoi(*text, &used);
    if (used == text->size() && v >= 0) return v;
  } catch (const std::exception&) {
  }
  throw UsageError("--shard auto: " + std::string(name) + " (" + *text +
                   ") must be a non-negative integer");
}

Shard checked_shard(Shard s, const std::string& from) {
  if (s.index < 0 || s.count < 1 || s.index >= s.count) {
    throw UsageError("--shard (" + from + "): must be K/N with integers 0 <= K < N, read " +
                     std::to_string(s.index) + "/" + std::to_string(s.count));
  }
  return s;
}

// "auto" or "auto/N": K (and N) from a Slurm array or a Kubernetes Indexed Job.
Shard automatic_shard(const std::string& text, const Shard::Environment& env) {
  std::optional<int> given_count;
  if (text != "auto") {
    try {
      std::size_t used = 0;
      given_count = std::stoi(text.substr(5), &used);
      if (used != text.size() - 5) throw std::invalid_argument("junk");
    } catch (const std::exception&) {
      throw UsageError("--shard (" + text + "): must be K/N, auto or auto/N");
    }
  }
  if (const auto id = shard_variable(env, "SLURM_ARRAY_TASK_ID")) {
    const int min = shard_variable(env, "SLURM_ARRAY_TASK_MIN").value_or(0);
    const auto max = shard_variable(env, "SLURM_ARRAY_TASK_MAX");
    std::optional<int> count = given_count;
    std::string from = "SLURM_ARRAY_TASK_ID " + std::to_string(*id);
    if (!count) count = shard_variable(env, "SLURM_ARRAY_TASK_COUNT");
    if (!count && max) count = *max - min + 1;
    if (!count) {
      throw UsageError("--shard " + text + ": SLURM_ARRAY_TASK_ID is set but neither " +
                       "SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX: give the count as " +
                       "--shard auto/N");
    }
    if (min > 0) from += " - SLURM_ARRAY_TASK_MIN " + std::to_string(min);
    return checked_shard({*id - min, *count}, text + ": " + from);
  }
  if (const auto index = shard_variable(env, "JOB_COMPLETION_INDEX")) {
    const std::optional<int> count =
        given_count ? given_count : shard_variable(env, "GNAS_SHARD_COUNT");
    if (!count) {
      throw UsageError("--shard " + text + ": JOB_COMPLETION_INDEX is set (a Kubernetes " +
                       "Indexed Job) but not the count: give it as --shard auto/N or in " +
                       "GNAS_SHARD_COUNT (the Job's completions)");
    }
    return checked_shard({*index, *count},
                         text + ": JOB_COMPLETION_INDEX " + std::to_string(*index));
  }
  throw UsageError("--shard " + text + ": none of SLURM_ARRAY_TASK_ID (a Slurm array job) or " +
                   "JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; give --shard K/N");
}

}  // namespace

std::string Shard::suffix() const {
  if (count == 1) return "";
  return ".shard" + std::to_string(index) + "of" + std::to_string(count);
}

std::optional<std::string> Shard::process_environment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

Shard Shard::parse(const std::string& text, const Environment& env) {
  if (text == "auto" || text.rfind("auto/", 0) == 0) return automatic_shard(text, env);
  const auto parts = split(text, '/');
  Shard s;
  try {
    if (parts.size() != 2) throw std::invalid_argument("parts");
    std::size_t used_k = 0, used_n = 0;
    s.index = std::stoi(parts[0], &used_k);
    s.count = std::stoi(parts[1], &used_n);
    if (used_k != parts[0].size() || used_n != parts[1].size()) throw std::invalid_argument("junk");
  } catch (const std::exception&) {
    throw UsageError("--shard (" + text + "): must be K/N with integers 0 <= K < N, or auto");
  }
  if (s.index < 0 || s.count < 1 || s.index >= s.count) {
    throw UsageError("--shard (" + text + "): must be K/N with integers 0 <= K < N");
  }
  return s;
}

RunLayout::RunLayout(const Config& config) : config_(config) {}

std::string RunLayout::in_log_dir(std::string_view file) const {
  return join_path(config_.log_dir, std::string(file));
}

std::string RunLayout::train_data(const Shard& shard) const {
  if (shard.count == 1) return config_.path_to_train_data;
  const fs::path p(config_.path_to_train_data);
  return (p.parent_path() / (p.stem().string() + shard.suffix() + p.extension().string())).string();
}

std::string RunLayout::train_failures(const Shard& shard) const {
  return in_log_dir("train_failures" + shard.suffix() + ".csv");
}

std::string RunLayout::label_agreement(const Shard& shard) const {
  return in_log_dir("label_agreement" + shard.suffix() + ".csv");
}

std::string RunLayout::search_file(std::string_view prefix, std::string_view file) const {
  return in_log_dir(std::string(prefix) + "_" + std::string(file));
}

std::string RunLayout::summary(std::string_view name) const {
  return in_log_dir(std::string(name) + "_summary.yml");
}

std::string RunLayout::resolved_config(std::string_view name) const {
  return in_log_dir(std::string(name) + "_config.yml");
}

std::string RunLayout::step_log(std::string_view step) const {
  return in_log_dir(std::string(step) + ".log");
}

std::string RunLayout::run_record() const { return in_log_dir("run.yml"); }

std::string RunLayout::epochs_csv(std::string_view run) const {
  return join_path(in_log_dir(run), std::string(kEpochsFile));
}

std::string RunLayout::checkpoint(std::string_view run) const {
  return join_path(join_path(config_.write_dir, std::string(run)), "checkpoint.pt");
}

std::string RunLayout::run_folder(const Config& config, const std::string& name) {
  return join_path(join_path(config.log_dir, "runs"), name);
}

Config in_run_folder(Config config, const std::string& dir) {
  config.log_dir = dir;
  config.write_dir = join_path(dir, "checkpoints");
  config.path_to_architecture = join_path(dir, "architecture.csv");
  config.path_to_train_data = join_path(dir, "train_data.csv");
  config.path_to_save_predictor = join_path(dir, "predictor.pt");
  config.predictor_pretrained = config.path_to_save_predictor;
  config.path_to_evolution_architecture = join_path(dir, "evolution_architecture.csv");
  return config;
}

}  // namespace gnas
