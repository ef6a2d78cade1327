#pragma once

// Reading and writing lists of architectures.

#include <string>
#include <vector>

#include "gnas/space/search_space.hpp"

namespace gnas {

/// Architectures of a file in either format, in file order:
/// - the project's CSV: a header with an `arch` column holding the space's text form;
/// - the original's adjacency CSV (layer-wise space only): a header 0..N*N-1, then one flattened
///   N x N adjacency matrix per row.
/// Throws DataError naming the file and line of the first bad row.
std::vector<Architecture> read_architectures(const std::string& path, const SearchSpace& space);

/// Writes `path` atomically as the project's architecture CSV: id, arch, macs_m, params, source
/// (why the row is there: `sampled`, `refine<R>` for refinement round R, `verify`; `sources[i]`,
/// or `sampled` for every row when `sources` is empty).
void write_architecture_csv(const std::string& path, const SearchSpace& space,
                            const std::vector<Architecture>& archs,
                            const std::vector<std::string>& sources = {});

/// The `source` column of an architecture file, one entry per row. A file without one (written
/// before the column existed, or the original's format) or an empty entry reads as `sampled` for
/// the first `sample_count` rows and `unrecorded` after them.
std::vector<std::string> read_architecture_sources(const std::string& path,
                                                   std::size_t sample_count);

}  // namespace gnas
