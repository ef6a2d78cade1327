// Architecture files in both formats (the project's CSV and the original's adjacency CSV) of the
// layer-wise space, with their `source` column.
#include <memory>

#include "gnas/common/config.hpp"
#include "gnas/registry/search_spaces.hpp"
#include "gnas/space/arch_io.hpp"

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::unique_ptr<gnas::SearchSpace> space = gnas::make_search_space(gnas::Config{});
  const std::string path = gnas::fuzz::as_file(gnas::fuzz::as_text(data, size), "archs.csv");
  gnas::fuzz::expect_success_or_refusal([&] { gnas::read_architectures(path, *space); });
  return gnas::fuzz::expect_success_or_refusal([&] { gnas::read_architecture_sources(path, 2); });
}
