#include "gnas/train/checkpoint.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/text.hpp"

namespace gnas {

namespace {

namespace fs = std::filesystem;

torch::Tensor history_tensor(const std::vector<EpochRecord>& history) {
  std::vector<double> values;
  for (const auto& e : history) {
    values.insert(values.end(), {static_cast<double>(e.epoch), e.lr, e.train_loss, e.train_top1,
                                 e.eval_top1, e.eval_top5, e.seconds, e.images_per_second,
                                 e.eval_loss});
  }
  return torch::tensor(values, torch::kFloat64).reshape({static_cast<int64_t>(history.size()), 9});
}

std::vector<EpochRecord> history_from(const torch::Tensor& t) {
  std::vector<EpochRecord> history;
  const auto a = t.accessor<double, 2>();
  for (int64_t i = 0; i < t.size(0); ++i) {
    // a checkpoint written before eval_loss was recorded has 8 columns: its loss is unknown
    const double eval_loss = t.size(1) > 8 ? a[i][8] : std::nan("");
    history.push_back({static_cast<int>(a[i][0]), a[i][1], a[i][2], a[i][3], a[i][4], a[i][5],
                       a[i][6], a[i][7], eval_loss});
  }
  return history;
}

}  // namespace

void write_epochs_csv(const std::string& path, const std::vector<EpochRecord>& history) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : history) {
    char lr[32];
    std::snprintf(lr, sizeof lr, "%.10g", e.lr);  // 0.005, not 0.005000000000000001
    rows.push_back({std::to_string(e.epoch), lr, format_fixed(e.train_loss, 6),
                    format_fixed(e.train_top1, 6), format_fixed(e.eval_top1, 6),
                    format_fixed(e.eval_top5, 6), format_fixed(e.seconds, 3),
                    format_fixed(e.images_per_second, 1), format_fixed(e.eval_loss, 6)});
  }
  write_file_atomic(path, format_csv({"epoch", "lr", "train_loss", "train_top1", "eval_top1",
                                      "eval_top5", "seconds", "images_per_second", "eval_loss"},
                                     rows));
}

void save_checkpoint(const std::string& path, nn::Network& net, torch::optim::Optimizer& optimizer,
                     const at::Generator& generator, const std::vector<EpochRecord>& history,
                     const CheckpointTag& tag) {
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive model;
  net->save(model);
  archive.write("model", model);
  torch::serialize::OutputArchive optim;
  optimizer.save(optim);
  archive.write("optimizer", optim);
  archive.write("generator", generator.get_state());
  archive.write("history", history_tensor(history));
  archive.write("arch", c10::IValue(tag.arch));
  archive.write("seed", c10::IValue(static_cast<int64_t>(tag.seed)));
  const fs::path p(path);
  ensure_directory(p.parent_path().string());
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  archive.save_to(tmp);
  std::error_code ec;
  fs::rename(tmp, p, ec);
  if (ec) throw Error(path + ": cannot replace the checkpoint: " + ec.message());
}

// Loads a checkpoint into net, optimizer and generator; returns its history.
std::vector<EpochRecord> load_checkpoint(const std::string& path, nn::Network& net,
                                         torch::optim::Optimizer& optimizer,
                                         at::Generator& generator, const CheckpointTag& tag,
                                         torch::Device device) {
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path, device);
  } catch (const c10::Error& e) {
    throw DataError(path + ": not a gnas checkpoint (" + std::string(e.what_without_backtrace()) +
                    ")");
  }
  c10::IValue arch, seed;
  archive.read("arch", arch);
  archive.read("seed", seed);
  if (arch.toStringRef() != tag.arch || seed.toInt() != static_cast<int64_t>(tag.seed)) {
    throw DataError(path + ": the checkpoint is of architecture " + arch.toStringRef() + " seed " +
                    std::to_string(seed.toInt()) + ", not of " + tag.arch + " seed " +
                    std::to_string(tag.seed) + "; remove it or resume the matching run");
  }
  torch::serialize::InputArchive model;
  archive.read("model", model);
  net->load(model);
  torch::serialize::InputArchive optim;
  archive.read("optimizer", optim);
  optimizer.load(optim);
  torch::Tensor state, history;
  archive.read("generator", state);
  archive.read("history", history);
  generator.set_state(state.to(torch::kCPU));
  return history_from(history.to(torch::kCPU));
}

}  // namespace gnas
