#include <gtest/gtest.h>

#include <string>

#include "gnas/common/config.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/registry/search_spaces.hpp"
#include "gnas/space/macro.hpp"

#include "test_util.hpp"

namespace gnas {
namespace {

std::string config_error(const Config& config) {
  try {
    make_search_space(config);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no ConfigError)";
}

// Every registered name builds the space of that name.
TEST(SearchSpaces, EveryRegisteredNameBuildsItsSpace) {
  ASSERT_GE(search_spaces().size(), 2u);
  for (const SearchSpaceEntry& entry : search_spaces()) {
    Config config;
    config.search_space = std::string(entry.name);
    EXPECT_EQ(make_search_space(config)->name(), entry.name);
  }
}

TEST(SearchSpaces, AnUnknownNameIsRefusedNamingTheRegisteredOnes) {
  Config config;
  config.search_space = "darts";
  EXPECT_EQ(config_error(config), "search_space (darts): must be one of layerwise, nasbench201");
}

TEST(SearchSpaces, ALatencyTableOnASpaceWithoutOneIsRefused) {
  Config config;
  config.search_space = "nasbench201";
  config.latency_table = "logs/latency_table.csv";
  EXPECT_EQ(config_error(config),
            "latency_table (logs/latency_table.csv): latency tables describe the layerwise space "
            "only, not nasbench201");
}

// The one capability that replaced the casts to the layer-wise space.
TEST(SearchSpaces, OnlyTheLayerwiseSpaceHasAMacroNetwork) {
  Config config;
  const auto layerwise = make_search_space(config);
  ASSERT_NE(layerwise->macro_shape(), nullptr);
  EXPECT_EQ(layerwise->macro_shape()->layers, config.l_cfgs);
  EXPECT_EQ(&require_macro_shape(*layerwise, "train"), layerwise->macro_shape());

  config.search_space = "nasbench201";
  const auto cells = make_search_space(config);
  EXPECT_EQ(cells->macro_shape(), nullptr);
  try {
    require_macro_shape(*cells, "train");
    ADD_FAILURE() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "search_space (nasbench201): train needs the layer-wise macro network, which this "
              "space does not have");
  }
  // The original's adjacency files are a layer-wise form only.
  EXPECT_THROW(cells->from_adjacency(std::vector<float>(64, 0.0f)), DataError);
}

}  // namespace
}  // namespace gnas
