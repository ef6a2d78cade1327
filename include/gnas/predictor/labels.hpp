#pragma once

// Labelled architectures for the predictor: the `train` step's CSV (`id,arch,top1_1..top1_R,
// mean,macs_m,params,seconds,seed`, label `mean`), possibly in several shard files, or a
// benchmark table (`arch,test_acc`).

#include <cstdint>
#include <string>
#include <vector>

#include "gnas/space/search_space.hpp"

namespace gnas {

struct LabelledSet {
  std::vector<Architecture> archs;
  std::vector<double> labels;  ///< accuracies as fractions in [0, 1]

  std::size_t size() const { return archs.size(); }
  /// The rows `index`, in that order.
  LabelledSet subset(const std::vector<std::size_t>& index) const;
};

/// The files holding the labels of `path` (path_to_train_data): `path` itself when it exists,
/// else the shard files the train step writes beside it (`<stem>.shardKofN<ext>`, by K).
/// Throws DataError when there is neither.
std::vector<std::string> labelled_data_files(const std::string& path);

/// Rows of every file in order (file order, then row order). The label is column `mean`, or
/// `test_acc` when a file has no `mean`. A file whose largest label exceeds 1 holds percents and
/// is divided by 100. Throws DataError naming the file (and line): unreadable, no arch or label
/// column, a bad architecture, a label that is not a number in [0, 1] or [0, 100], an
/// architecture listed twice, or no rows at all.
LabelledSet read_labelled(const std::vector<std::string>& paths, const SearchSpace& space);

struct TrainTestSplit {
  LabelledSet train;
  LabelledSet test;
};

/// Holds out `test_count` rows: the last ones (`random` false, as the original) or a seeded
/// random choice. Throws DataError when fewer than test_count + 2 rows remain to train on.
TrainTestSplit split_train_test(const LabelledSet& data, int test_count, bool random,
                                std::uint64_t seed);

}  // namespace gnas
