#include "gnas/registry/search_spaces.hpp"

#include <string>

#include "gnas/benchmark/nasbench201.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/space/layerwise_space.hpp"

namespace gnas {

const std::vector<SearchSpaceEntry>& search_spaces() {
  static const std::vector<SearchSpaceEntry> spaces{
      {"layerwise", make_layerwise_space},
      {"nasbench201", make_nasbench201_space},
  };
  return spaces;
}

std::unique_ptr<SearchSpace> make_search_space(const Config& config) {
  std::string names;
  for (const SearchSpaceEntry& entry : search_spaces()) {
    if (entry.name != config.search_space) {
      names += (names.empty() ? "" : ", ") + std::string(entry.name);
      continue;
    }
    std::unique_ptr<SearchSpace> space = entry.make(config);
    if (!config.latency_table.empty() && !space->has_latency()) {
      throw ConfigError("latency_table (" + config.latency_table +
                        "): latency tables describe the "
                        "layerwise space only, not " +
                        config.search_space);
    }
    return space;
  }
  throw ConfigError("search_space (" + config.search_space + "): must be one of " + names);
}

}  // namespace gnas
