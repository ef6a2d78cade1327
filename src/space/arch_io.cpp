#include "gnas/space/arch_io.hpp"

#include <cstdlib>

#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/text.hpp"

namespace gnas {

namespace {

bool is_adjacency_header(const std::vector<std::string>& header) {
  if (header.size() < 4) return false;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (trim(header[i]) != std::to_string(i)) return false;
  }
  return true;
}

std::vector<Architecture> read_adjacency(const CsvTable& table, const SearchSpace& space) {
  std::vector<Architecture> archs;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const std::string where = table.origin + ":" + std::to_string(table.lines[r]);
    std::vector<float> matrix;
    matrix.reserve(table.rows[r].size());
    for (const auto& field : table.rows[r]) {
      const std::string v = trim(field);
      char* end = nullptr;
      const double x = std::strtod(v.c_str(), &end);
      if (v.empty() || end != v.c_str() + v.size()) {
        throw DataError(where + ": adjacency value '" + field + "' is not a number");
      }
      matrix.push_back(static_cast<float>(x));
    }
    try {
      archs.push_back(space.from_adjacency(matrix));
    } catch (const DataError& e) {
      throw DataError(where + ": " + e.what());
    }
  }
  return archs;
}

}  // namespace

std::vector<Architecture> read_architectures(const std::string& path, const SearchSpace& space) {
  const CsvTable table = read_csv(path);
  if (is_adjacency_header(table.header)) {
    std::vector<Architecture> archs = read_adjacency(table, space);
    if (archs.empty()) throw DataError(path + ": no architectures (header only)");
    return archs;
  }
  const auto column = table.find_column("arch");
  if (!column) {
    throw DataError(path +
                    ": expected a header with an 'arch' column (the project's CSV) or the "
                    "columns 0..N*N-1 of an adjacency-matrix file");
  }
  std::vector<Architecture> archs;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    try {
      archs.push_back(space.parse(trim(table.rows[r][*column])));
    } catch (const DataError& e) {
      throw DataError(path + ":" + std::to_string(table.lines[r]) + ": " + e.what());
    }
  }
  if (archs.empty()) throw DataError(path + ": no architectures (header only)");
  return archs;
}

void write_architecture_csv(const std::string& path, const SearchSpace& space,
                            const std::vector<Architecture>& archs,
                            const std::vector<std::string>& sources) {
  if (!sources.empty() && sources.size() != archs.size()) {
    throw Error("write_architecture_csv: " + std::to_string(sources.size()) + " sources for " +
                std::to_string(archs.size()) + " architectures");
  }
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < archs.size(); ++i) {
    const Cost cost = space.cost(archs[i]);
    rows.push_back({std::to_string(i), space.format(archs[i]), format_fixed(cost.macs_m, 6),
                    std::to_string(cost.params), sources.empty() ? "sampled" : sources[i]});
  }
  write_file_atomic(path, format_csv({"id", "arch", "macs_m", "params", "source"}, rows));
}

std::vector<std::string> read_architecture_sources(const std::string& path,
                                                   std::size_t sample_count) {
  const CsvTable table = read_csv(path);
  const auto column = table.find_column("source");
  std::vector<std::string> sources;
  for (const auto& row : table.rows) {
    std::string source = column ? trim(row[*column]) : "";
    if (source.empty()) source = sources.size() < sample_count ? "sampled" : "unrecorded";
    sources.push_back(source);
  }
  return sources;
}

}  // namespace gnas
