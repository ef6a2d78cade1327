#pragma once

// Every search space gnas can build, by the name the `search_space` key gives it. It stands above
// the spaces' own folders (space/, benchmark/): a new space lives in a folder of its own and is
// registered here by one line.

#include <memory>
#include <string_view>
#include <vector>

#include "gnas/common/config.hpp"
#include "gnas/space/search_space.hpp"

namespace gnas {

struct SearchSpaceEntry {
  std::string_view name;  ///< as `search_space` spells it
  std::unique_ptr<SearchSpace> (*make)(const Config& config);
};

/// The registered spaces, in the order `search_space`'s rule lists them.
const std::vector<SearchSpaceEntry>& search_spaces();

/// The space the config names, with latency_table loaded when set. Throws ConfigError for an
/// unknown name or a latency table on a space that cannot use one, DataError for a bad table.
std::unique_ptr<SearchSpace> make_search_space(const Config& config);

}  // namespace gnas
