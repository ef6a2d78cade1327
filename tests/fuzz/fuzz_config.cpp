// The config loader on arbitrary YAML text (syntax, duplicate keys, types, ranges, overrides).
#include "gnas/common/config.hpp"

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = gnas::fuzz::as_text(data, size);
  return gnas::fuzz::expect_success_or_refusal([&] {
    const gnas::Config config = gnas::load_config_text(text, "/nonexistent/fuzz.yml");
    // A loaded config must survive its own round trip.
    if (!(gnas::load_config_text(gnas::to_yaml(config), "/nonexistent/fuzz.yml") == config)) {
      __builtin_trap();
    }
  });
}
