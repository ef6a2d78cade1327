// The CIFAR-100 binary reader (records of coarse label, fine label, 3,072 pixel bytes): the input
// is test.bin of a data set folder.
#include <filesystem>

#include "gnas/data/dataset.hpp"

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string root = [] {
    const std::string dir = "/tmp/gnas_fuzz_" + std::to_string(::getpid()) + "_cifar";
    std::filesystem::create_directories(dir + "/cifar-100-binary");
    return dir;
  }();
  std::ofstream(root + "/cifar-100-binary/test.bin", std::ios::binary | std::ios::trunc)
      << gnas::fuzz::as_text(data, size);
  return gnas::fuzz::expect_success_or_refusal(
      [&] { gnas::data::read_cifar(root, /*cifar100=*/true, /*train=*/false); });
}
