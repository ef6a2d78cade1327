#include "gnas/predictor/labels.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <unordered_map>

#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/seed.hpp"
#include "gnas/space/rng.hpp"

namespace gnas {

LabelledSet LabelledSet::subset(const std::vector<std::size_t>& index) const {
  LabelledSet out;
  for (const std::size_t i : index) {
    out.archs.push_back(archs[i]);
    out.labels.push_back(labels[i]);
  }
  return out;
}

std::vector<std::string> labelled_data_files(const std::string& path) {
  namespace fs = std::filesystem;
  if (fs::exists(path)) return {path};
  const fs::path p(path);
  const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  const std::string prefix = p.stem().string() + ".shard";
  const std::string ext = p.extension().string();
  std::vector<std::pair<int, std::string>> shards;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || name.size() < prefix.size() + ext.size() ||
        name.compare(name.size() - ext.size(), ext.size(), ext) != 0) {
      continue;
    }
    const std::string middle = name.substr(prefix.size(), name.size() - prefix.size() - ext.size());
    const auto of = middle.find("of");
    if (of == std::string::npos || of == 0 ||
        middle.find_first_not_of("0123456789of") != std::string::npos) {
      continue;
    }
    shards.emplace_back(std::stoi(middle.substr(0, of)), (p.parent_path() / name).string());
  }
  if (shards.empty()) {
    throw DataError(path + ": cannot read the file (missing), and no shard files " + prefix +
                    "KofN" + ext + " beside it");
  }
  std::sort(shards.begin(), shards.end());
  std::vector<std::string> files;
  for (auto& s : shards) files.push_back(std::move(s.second));
  return files;
}

LabelledSet read_labelled(const std::vector<std::string>& paths, const SearchSpace& space) {
  LabelledSet data;
  std::unordered_map<Architecture, std::string, ArchitectureHash> where;  // arch -> file:line
  for (const auto& path : paths) {
    const CsvTable table = read_csv(path);
    const std::size_t arch_column = table.column("arch");
    const auto label_column =
        table.find_column("mean") ? table.find_column("mean") : table.find_column("test_acc");
    if (!label_column) throw DataError(path + ": no label column (expected 'mean' or 'test_acc')");
    const std::string label_name = table.header[*label_column];
    std::vector<double> labels;
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
      const std::string at = path + ":" + std::to_string(table.lines[r]);
      const std::string& text = table.rows[r][*label_column];
      char* end = nullptr;
      const double label = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(label) || label < 0 ||
          label > 100) {
        throw DataError(at + ": " + label_name + " '" + text +
                        "' must be an accuracy, a fraction in [0, 1] or a percent in [0, 100]");
      }
      Architecture arch;
      try {
        arch = space.parse(table.rows[r][arch_column]);
      } catch (const DataError& e) {
        throw DataError(at + ": " + e.what());
      }
      const auto [it, fresh] = where.emplace(arch, at);
      if (!fresh) {
        throw DataError(at + ": architecture " + table.rows[r][arch_column] +
                        " is already labelled at " + it->second);
      }
      data.archs.push_back(std::move(arch));
      labels.push_back(label);
    }
    // One scale per file, decided by the whole file: fractions when no label is above 1, percents
    // when most are; a minority above 1 fits neither reading (one stray 1.5 would otherwise turn
    // a file of fractions into percents, 0.23 into 0.0023).
    std::vector<std::size_t> above_one;
    for (std::size_t r = 0; r < labels.size(); ++r) {
      if (labels[r] > 1) above_one.push_back(r);
    }
    if (!above_one.empty() && 2 * above_one.size() <= labels.size()) {
      std::string rows;
      for (std::size_t k = 0; k < above_one.size() && k < 5; ++k) {
        rows += (k ? ", " : "") + std::to_string(table.lines[above_one[k]]);
      }
      if (above_one.size() > 5) rows += ", ...";
      throw DataError(path + ": " + std::to_string(above_one.size()) + " of " +
                      std::to_string(labels.size()) + " " + label_name +
                      " labels are above 1 (line " + rows +
                      ") while the rest read as fractions: a file holds fractions in [0, 1] or "
                      "percents, not both; fix those lines");
    }
    const bool percent = !above_one.empty();
    for (const double label : labels) data.labels.push_back(percent ? label / 100 : label);
  }
  if (data.archs.empty()) throw DataError("no labelled architectures in " + paths.front());
  return data;
}

TrainTestSplit split_train_test(const LabelledSet& data, int test_count, bool random,
                                std::uint64_t seed) {
  const std::size_t n = data.size();
  const auto test = static_cast<std::size_t>(test_count);
  if (n < test + 2) {
    throw DataError("predictor.test_count (" + std::to_string(test_count) + "): the data holds " +
                    std::to_string(n) + " labelled architectures; at least 2 must remain to train");
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  if (random) {
    Rng rng(derive_seed(seed, SeedPurpose::kTestSplit));
    for (std::size_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
    std::sort(order.begin(), order.end() - static_cast<long>(test));
    std::sort(order.end() - static_cast<long>(test), order.end());
  }
  const std::vector<std::size_t> train_index(order.begin(), order.end() - static_cast<long>(test));
  const std::vector<std::size_t> test_index(order.end() - static_cast<long>(test), order.end());
  return {data.subset(train_index), data.subset(test_index)};
}

}  // namespace gnas
