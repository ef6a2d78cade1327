#pragma once

#include <stdexcept>
#include <string>

namespace gnas {

/// Base of every error the library throws. Exit code 1 unless a subclass says otherwise.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bad configuration: unknown key, wrong type or range, YAML syntax. Exit code 2.
class ConfigError : public Error {
 public:
  using Error::Error;
};

/// Bad input data: a missing, truncated or malformed file, an invalid architecture. Exit code 2.
class DataError : public Error {
 public:
  using Error::Error;
};

/// A training whose loss became NaN or infinite: the labelling records it and goes on. Exit code 1.
class TrainingDiverged : public Error {
 public:
  using Error::Error;
};

/// Bad command-line usage. Exit code 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

}  // namespace gnas
