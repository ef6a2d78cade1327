#include "gnas/common/run_layout.hpp"

#include <filesystem>
#include <stdexcept>

#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/text.hpp"

namespace gnas {

namespace fs = std::filesystem;

namespace {

// ".shardKofN" for shard K of N > 1, else nothing: every shard process writes its own files, so
// concurrent shards never overwrite each other's rows.
std::string shard_suffix(const Shard& shard) {
  if (shard.count == 1) return "";
  return ".shard" + std::to_string(shard.index) + "of" + std::to_string(shard.count);
}

}  // namespace

Shard Shard::parse(const std::string& text) {
  const auto parts = split(text, '/');
  Shard s;
  try {
    if (parts.size() != 2) throw std::invalid_argument("parts");
    std::size_t used_k = 0, used_n = 0;
    s.index = std::stoi(parts[0], &used_k);
    s.count = std::stoi(parts[1], &used_n);
    if (used_k != parts[0].size() || used_n != parts[1].size()) throw std::invalid_argument("junk");
  } catch (const std::exception&) {
    throw UsageError("--shard (" + text + "): must be K/N with integers 0 <= K < N");
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
  return (p.parent_path() / (p.stem().string() + shard_suffix(shard) + p.extension().string()))
      .string();
}

std::string RunLayout::train_failures(const Shard& shard) const {
  return in_log_dir("train_failures" + shard_suffix(shard) + ".csv");
}

std::string RunLayout::label_agreement(const Shard& shard) const {
  return in_log_dir("label_agreement" + shard_suffix(shard) + ".csv");
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
