#pragma once
// What every fuzz target shares: the input as a file for the readers that take a path, and the
// rule that a reader either succeeds or throws gnas::Error (any other exception, a crash, a leak
// or undefined behaviour is a finding).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "gnas/common/errors.hpp"

namespace gnas::fuzz {

inline std::string as_text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

/// A file of this process (one per `name`) holding `bytes`; rewritten on every call.
inline std::string as_file(const std::string& bytes, const std::string& name) {
  const std::string path = "/tmp/gnas_fuzz_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  return path;
}

/// Runs `read`; the reader's own refusal (gnas::Error) is an expected outcome.
template <typename Read>
int expect_success_or_refusal(Read&& read) {
  try {
    read();
  } catch (const gnas::Error&) {
  }
  return 0;
}

}  // namespace gnas::fuzz
