// Both spaces' architecture-string parsers, and the text form of what they accept.
// The first byte picks the space; the rest is the string.
#include <memory>

#include "gnas/common/config.hpp"
#include "gnas/registry/search_spaces.hpp"
#include "gnas/space/search_space.hpp"

#include "fuzz_input.hpp"

namespace {
const gnas::SearchSpace& space(bool nasbench201) {
  static const auto make = [](const char* name) {
    gnas::Config config;
    config.search_space = name;
    return gnas::make_search_space(config);
  };
  static const std::unique_ptr<gnas::SearchSpace> layerwise = make("layerwise");
  static const std::unique_ptr<gnas::SearchSpace> cells = make("nasbench201");
  return nasbench201 ? *cells : *layerwise;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const gnas::SearchSpace& s = space(data[0] & 1);
  const std::string text = gnas::fuzz::as_text(data + 1, size - 1);
  return gnas::fuzz::expect_success_or_refusal([&] {
    const gnas::Architecture arch = s.parse(text);
    // An accepted string names an architecture whose own text form parses back to it.
    if (!(s.parse(s.format(arch)) == arch)) __builtin_trap();
  });
}
