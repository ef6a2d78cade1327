// Writes an IDX image/label pair (e.g. Fashion-MNIST, gzip or not) in the CIFAR-100 binary layout
// the original code reads: per record a coarse label byte (0), the fine label byte and 3 x 32 x 32
// pixel bytes, the 28 x 28 image zero-padded (centred) and repeated in all three channels.
// usage: idx_to_cifar100 IMAGES.idx[.gz] LABELS.idx[.gz] OUT.bin
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

std::vector<unsigned char> read_all(const std::string& path) {
  gzFile in = gzopen(path.c_str(), "rb");
  if (in == nullptr) throw std::runtime_error(path + ": cannot open");
  std::vector<unsigned char> bytes;
  unsigned char chunk[1 << 16];
  int n = 0;
  while ((n = gzread(in, chunk, sizeof chunk)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  gzclose(in);
  if (n < 0) throw std::runtime_error(path + ": read error");
  return bytes;
}

uint32_t big_endian(const std::vector<unsigned char>& b, size_t at) {
  return uint32_t(b[at]) << 24 | uint32_t(b[at + 1]) << 16 | uint32_t(b[at + 2]) << 8 | b[at + 3];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s IMAGES LABELS OUT.bin\n", argv[0]);
    return 2;
  }
  try {
    const auto images = read_all(argv[1]);
    const auto labels = read_all(argv[2]);
    if (images.size() < 16 || big_endian(images, 0) != 2051)
      throw std::runtime_error("bad image file");
    if (labels.size() < 8 || big_endian(labels, 0) != 2049)
      throw std::runtime_error("bad label file");
    const uint32_t n = big_endian(images, 4), rows = big_endian(images, 8),
                   cols = big_endian(images, 12);
    if (rows > 32 || cols > 32 || big_endian(labels, 4) != n ||
        images.size() != 16 + size_t(n) * rows * cols || labels.size() != 8 + size_t(n)) {
      throw std::runtime_error("sizes do not agree");
    }
    const uint32_t top = (32 - rows) / 2, left = (32 - cols) / 2;
    std::vector<unsigned char> record(2 + 3 * 1024);
    std::FILE* out = std::fopen(argv[3], "wb");
    if (out == nullptr) throw std::runtime_error(std::string(argv[3]) + ": cannot write");
    for (uint32_t i = 0; i < n; ++i) {
      std::fill(record.begin(), record.end(), 0);
      record[1] = labels[8 + i];
      for (uint32_t r = 0; r < rows; ++r) {
        for (uint32_t c = 0; c < cols; ++c) {
          const unsigned char v = images[16 + (size_t(i) * rows + r) * cols + c];
          for (int ch = 0; ch < 3; ++ch) record[2 + ch * 1024 + (top + r) * 32 + left + c] = v;
        }
      }
      std::fwrite(record.data(), 1, record.size(), out);
    }
    if (std::fclose(out) != 0) throw std::runtime_error(std::string(argv[3]) + ": write failed");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "idx_to_cifar100: %s\n", e.what());
    return 1;
  }
  return 0;
}
