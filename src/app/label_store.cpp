#include "gnas/app/label_store.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <optional>

#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/seed.hpp"

namespace gnas {

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kFailureHeader{"id", "arch", "repeat", "seed", "message"};

// The rows of an existing file with this run's columns; none when there is no file. A file
// written before the `source` column gets it, as `unrecorded`.
std::vector<std::vector<std::string>> existing_rows(const std::string& path,
                                                    const std::vector<std::string>& header) {
  if (!fs::exists(path)) return {};
  CsvTable table = read_csv(path);
  if (table.header.size() + 1 == header.size() &&
      std::equal(table.header.begin(), table.header.end(), header.begin())) {
    for (auto& row : table.rows) row.emplace_back("unrecorded");
    return table.rows;
  }
  if (table.header != header) {
    std::string have, want;
    for (const auto& h : table.header) have += (have.empty() ? "" : ",") + h;
    for (const auto& h : header) want += (want.empty() ? "" : ",") + h;
    throw DataError(path + ": has the columns " + have + " but this run writes " + want +
                    " (did `repeats` change?); move the file away or restore the setting");
  }
  return table.rows;
}

}  // namespace

std::vector<std::string> train_data_header(int repeats) {
  std::vector<std::string> header{"id", "arch"};
  for (int r = 1; r <= repeats; ++r) header.push_back("top1_" + std::to_string(r));
  for (const char* c : {"mean", "macs_m", "params", "seconds", "seed", "source"})
    header.emplace_back(c);
  return header;
}

std::uint64_t label_seed(const Config& config, std::size_t id, int r) {
  return derive_seed(config.seed, SeedPurpose::kLabelTraining,
                     config.labels.common_random_numbers ? 0 : id, static_cast<std::uint64_t>(r));
}

std::uint64_t final_training_seed(const Config& config) {
  if (config.labels.common_random_numbers && config.labels.agreement_check > 0)
    return label_seed(config, 0, config.repeats);
  return derive_seed(config.seed, SeedPurpose::kLabelTraining, 0,
                     static_cast<std::uint64_t>(config.repeats) + 1);
}

std::uint64_t race_seed(const Config& config, std::size_t id) {
  return label_seed(config, id, config.repeats + 2);
}

namespace {

// The id column as a number; nullopt for a row of another making (no number).
std::optional<unsigned long> row_id(const std::vector<std::string>& row) {
  char* end = nullptr;
  const unsigned long id = std::strtoul(row[0].c_str(), &end, 10);
  if (row[0].empty() || *end != '\0') return std::nullopt;
  return id;
}

}  // namespace

void insert_in_id_order(std::vector<std::vector<std::string>>& rows, std::vector<std::string> row) {
  auto at = rows.end();
  if (const auto id = row_id(row)) {
    while (at != rows.begin()) {
      const auto before = row_id(*std::prev(at));
      if (!before || *before < *id) break;
      --at;
    }
  }
  rows.insert(at, std::move(row));
}

LabelStore::LabelStore(const Config& config, const Shard& shard)
    : header_(train_data_header(config.repeats)) {
  const RunLayout layout(config);
  path_ = layout.train_data(shard);
  failures_path_ = layout.train_failures(shard);
  rows_ = existing_rows(path_, header_);
  for (const auto& row : rows_) done_.insert(row[1]);
  if (fs::exists(failures_path_)) {
    const CsvTable failed = read_csv(failures_path_);
    if (failed.header != kFailureHeader) throw DataError(failures_path_ + ": unexpected columns");
    failures_ = failed.rows;
    for (const auto& row : failures_) done_.insert(row[1]);
  }
}

void LabelStore::add_label(Row row) {
  done_.insert(row[1]);
  insert_in_id_order(rows_, std::move(row));
  write_file_atomic(path_, format_csv(header_, rows_));
}

void LabelStore::add_failure(std::size_t id, const std::string& arch, int repeat,
                             std::uint64_t seed, const std::string& message) {
  done_.insert(arch);
  failures_.push_back(
      {std::to_string(id), arch, std::to_string(repeat), std::to_string(seed), message});
  write_file_atomic(failures_path_, format_csv(kFailureHeader, failures_));
}

}  // namespace gnas
