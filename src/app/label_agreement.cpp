#include "gnas/app/label_agreement.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <set>

#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/parallel.hpp"
#include "gnas/common/stats.hpp"
#include "gnas/common/text.hpp"
#include "gnas/predictor/labels.hpp"
#include "gnas/predictor/metrics.hpp"
#include "gnas/train/device.hpp"

namespace gnas {

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kAgreementHeader{"id", "arch", "top1_1", "top1_check", "seed"};

}  // namespace

void run_agreement_check(const Config& config, const SearchSpace& space,
                         const std::vector<Architecture>& archs, const LabelStore& labels,
                         const Shard& shard, Labeller& labeller, spdlog::logger& log) {
  const std::string path = RunLayout(config).label_agreement(shard);
  std::vector<std::vector<std::string>> rows;
  std::set<std::string> done;
  if (fs::exists(path)) {
    const CsvTable existing = read_csv(path);
    if (existing.header != kAgreementHeader) {
      throw DataError(path +
                      ": unexpected columns (want id,arch,top1_1,top1_check,seed); move it away");
    }
    rows = existing.rows;
    for (const auto& row : rows) done.insert(row[1]);
  }
  std::vector<const std::vector<std::string>*> todo;
  for (const auto& row : labels.rows()) {
    const auto id = static_cast<std::size_t>(std::stoul(row[0]));
    if (id < static_cast<std::size_t>(config.labels.agreement_check) && !done.count(row[1]))
      todo.push_back(&row);
  }
  if (todo.empty()) return;
  log.info("[train] labels.agreement_check: {} architectures trained once more with a fresh seed",
           todo.size());
  std::mutex record;  // rows, the file and the log, shared by the slots' trainings
  std::size_t finished = 0;
  for_each_concurrently(todo.size(), labeller.slots(), [&](std::size_t n, int slot) {
    const auto& row = *todo[n];
    const auto id = static_cast<std::size_t>(std::stoul(row[0]));
    const std::uint64_t seed = label_seed(config, id, config.repeats);
    double top1 = 0;
    try {
      top1 = labeller.label(archs[id], space.format(archs[id]),
                            "train/arch" + std::to_string(id) + "_check", seed, slot);
    } catch (const TrainingDiverged& e) {
      const std::lock_guard<std::mutex> lock(record);
      log.error("[train] agreement check: {}", e.what());
      return;
    }
    const std::lock_guard<std::mutex> lock(record);
    insert_in_id_order(rows, {row[0], row[1], row[2], format_fixed(top1, 6), std::to_string(seed)});
    write_file_atomic(path, format_csv(kAgreementHeader, rows));
    release_free_memory();
    log.info("[train] agreement check {}/{} arch {}: {:.4f} (label's first training {})",
             ++finished, todo.size(), id, top1, row[2]);
  });
}

namespace {

// label_agreement.csv and every shard's label_agreement.shardKofN.csv in log_dir.
std::vector<std::string> agreement_files(const Config& config) {
  std::vector<std::string> files;
  if (!fs::is_directory(config.log_dir)) return files;
  const std::string agreement_stem =
      fs::path(RunLayout(config).label_agreement({})).stem().string();
  for (const auto& entry : fs::directory_iterator(config.log_dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(agreement_stem, 0) == 0 && entry.path().extension() == ".csv")
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

std::vector<CheckTraining> agreement_check_trainings(const Config& config) {
  std::vector<CheckTraining> trainings;
  for (const auto& file : agreement_files(config)) {
    const CsvTable table = read_csv(file);
    const auto arch = table.find_column("arch"), seed = table.find_column("seed"),
               label = table.find_column("top1_check");
    if (!arch || !seed || !label) continue;
    for (const auto& row : table.rows) {
      trainings.push_back(
          {row[*arch], row[*seed], parse_double(row[*label], file + ": top1_check")});
    }
  }
  return trainings;
}

std::optional<LabelAgreement> measure_label_agreement(const Config& config) {
  std::vector<double> first, second;
  std::string from;
  const auto add = [&](const CsvTable& table, const std::string& a, const std::string& b) {
    const auto ca = table.find_column(a), cb = table.find_column(b);
    if (!ca || !cb) return;
    for (const auto& row : table.rows) {
      first.push_back(parse_double(row[*ca], a));
      second.push_back(parse_double(row[*cb], b));
    }
  };
  std::vector<std::string> files;
  try {
    files = labelled_data_files(config.path_to_train_data);
  } catch (const DataError&) {
    // no label file (yet): every training of this run may have diverged
  }
  for (const auto& file : files) add(read_csv(file), "top1_1", "top1_2");
  from = "repeats";
  if (first.size() < 3) {
    first.clear();
    second.clear();
    for (const auto& file : agreement_files(config)) add(read_csv(file), "top1_1", "top1_check");
    from = "agreement_check";
  }
  if (first.size() < 3) return std::nullopt;
  LabelAgreement a;
  a.from = from;
  a.n = first.size();
  a.kendall_tau = kendall_tau(first, second);
  a.spearman = spearman(first, second);
  std::vector<double> spread;
  for (std::size_t i = 0; i < first.size(); ++i) spread.push_back(std::abs(first[i] - second[i]));
  a.median_spread = median(spread);
  return a;
}

}  // namespace gnas
