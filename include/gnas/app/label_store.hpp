#pragma once

// What `train --train-data` has labelled so far, in one shard's files: the labelled CSV (id, arch,
// top1_1..top1_R, mean, macs_m, params, seconds, seed, source) and the failures CSV (id, arch,
// repeat, seed, message). Each row added is written at once, atomically, so a killed run loses at
// most the architecture in training and continues where it stopped.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/common/run_layout.hpp"

namespace gnas {

/// The labelled CSV's columns for `repeats` trainings per architecture.
std::vector<std::string> train_data_header(int repeats);

/// The seed of repeat `r` (0-based) of architecture `id`: its own, or with
/// labels.common_random_numbers the repeat's seed, shared by every architecture. Repeat index
/// `repeats` is the agreement check's, `repeats` + 1 the final training's (unless
/// final_training_seed shares the check's), `repeats` + 2 the race's (race_seed): no label uses
/// them.
std::uint64_t label_seed(const Config& config, std::size_t id, int r);

/// The seed of the answer's final training, never a label's: with labels.common_random_numbers
/// and labels.agreement_check, the check's seed, which its trainings of random samples share, so
/// that the answer's training differs from theirs by the architecture alone (the report compares
/// them pair by pair; a fresh seed would shift it against every label alike); else repeat index
/// `repeats` + 1, a stream no label and no check uses.
std::uint64_t final_training_seed(const Config& config);

/// The seed of the race's training of architecture `id` (search.race): repeat index `repeats` + 2,
/// which no label, no agreement check and no final training uses, so the answer's final training
/// is not one the race already counted.
std::uint64_t race_seed(const Config& config, std::size_t id);

/// Adds `row` (its first column an id) before the rows at its end whose ids are larger, so that
/// rows stay in id order as one training at a time writes them, though trainings side by side
/// finish out of order. A row without a numeric id goes last.
void insert_in_id_order(std::vector<std::vector<std::string>>& rows, std::vector<std::string> row);

class LabelStore {
 public:
  using Row = std::vector<std::string>;

  /// Reads the shard's files when they exist. Throws DataError for a labelled file of other
  /// columns (did `repeats` change?) or a failures file of unexpected ones. A labelled file
  /// written before the `source` column gets it, as `unrecorded`.
  LabelStore(const Config& config, const Shard& shard);

  /// Whether the architecture (text form) has a label or a recorded failure: it is not trained
  /// again.
  bool done(const std::string& arch) const { return done_.count(arch) != 0; }
  const std::vector<Row>& rows() const { return rows_; }
  /// The labelled CSV.
  const std::string& path() const { return path_; }

  /// Adds a labelled row (the header's columns) in id order and rewrites the labelled CSV. Not
  /// safe to call from two threads at once.
  void add_label(Row row);
  /// Records a diverged training and rewrites the failures CSV.
  void add_failure(std::size_t id, const std::string& arch, int repeat, std::uint64_t seed,
                   const std::string& message);

 private:
  std::vector<std::string> header_;
  std::string path_, failures_path_;
  std::vector<Row> rows_, failures_;
  std::set<std::string> done_;
};

}  // namespace gnas
