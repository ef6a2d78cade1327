// The IDX reader (Fashion-MNIST, MNIST), plain or gzip-compressed. The input holds both files:
// its first two bytes give the label file's length, the label file follows, the image file is
// the rest.
#include <algorithm>

#include "gnas/data/dataset.hpp"

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::string rest = gnas::fuzz::as_text(data + 2, size - 2);
  const std::size_t label_bytes = std::min<std::size_t>(data[0] | (data[1] << 8), rest.size());
  const std::string labels = gnas::fuzz::as_file(rest.substr(0, label_bytes), "labels-idx1-ubyte");
  const std::string images = gnas::fuzz::as_file(rest.substr(label_bytes), "images-idx3-ubyte");
  return gnas::fuzz::expect_success_or_refusal([&] { gnas::data::read_idx(images, labels); });
}
