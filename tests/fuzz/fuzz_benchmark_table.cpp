// The NAS-Bench-201 accuracy table (arch,test_acc).
#include <memory>

#include "gnas/benchmark/table.hpp"
#include "gnas/common/config.hpp"
#include "gnas/registry/search_spaces.hpp"

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::unique_ptr<gnas::SearchSpace> space = [] {
    gnas::Config config;
    config.search_space = "nasbench201";
    return gnas::make_search_space(config);
  }();
  const std::string path = gnas::fuzz::as_file(gnas::fuzz::as_text(data, size), "table.csv");
  return gnas::fuzz::expect_success_or_refusal([&] { gnas::BenchmarkTable::load(path, *space); });
}
