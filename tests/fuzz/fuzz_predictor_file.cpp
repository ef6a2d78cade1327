// The predictor-file loader (gnas predictors and the original's weight files) on arbitrary bytes.
#include <memory>

#include "gnas/common/config.hpp"
#include "gnas/predictor/predictor.hpp"
#include "gnas/registry/search_spaces.hpp"

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::unique_ptr<gnas::SearchSpace> space = gnas::make_search_space(gnas::Config{});
  const std::string path = gnas::fuzz::as_file(gnas::fuzz::as_text(data, size), "predictor.pt");
  return gnas::fuzz::expect_success_or_refusal([&] { gnas::Predictor::load(path, *space); });
}
