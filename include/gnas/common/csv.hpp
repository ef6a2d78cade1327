#pragma once

// Comma-separated tables with a header row (RFC 4180 quoting), as every gnas step reads and
// writes them.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace gnas {

struct CsvTable {
  std::string origin;  ///< file name, for messages
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  ///< each as wide as the header
  std::vector<std::size_t> lines;              ///< 1-based line of each row in the file

  /// Index of column `name`, or nullopt.
  std::optional<std::size_t> find_column(const std::string& name) const;
  /// Index of column `name`. Throws DataError naming the file and the column.
  std::size_t column(const std::string& name) const;
};

/// Parses CSV text. Throws DataError ("origin:line: ...") on a row whose width differs from the
/// header's, an unterminated quote, or an empty input.
CsvTable parse_csv(const std::string& text, const std::string& origin);

/// Reads and parses a CSV file. Throws DataError naming the file.
CsvTable read_csv(const std::string& path);

/// One CSV line (with its newline) of `fields`, quoted where needed.
std::string csv_line(const std::vector<std::string>& fields);

/// The whole table as CSV text.
std::string format_csv(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows);

}  // namespace gnas
