#include "gnas/common/csv.hpp"

#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"

namespace gnas {

std::optional<std::size_t> CsvTable::find_column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  return std::nullopt;
}

std::size_t CsvTable::column(const std::string& name) const {
  if (auto i = find_column(name)) return *i;
  throw DataError(origin + ": no column '" + name + "' in the header");
}

CsvTable parse_csv(const std::string& text, const std::string& origin) {
  CsvTable table;
  table.origin = origin;
  std::vector<std::vector<std::string>> records;
  std::vector<std::size_t> record_lines;
  std::vector<std::string> record;
  std::string field;
  bool in_quotes = false;
  bool field_started = false;
  std::size_t line = 1;
  std::size_t record_line = 1;
  const auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    // A blank line is no record.
    if (!(record.size() == 1 && record[0].empty() && !field_started)) {
      records.push_back(std::move(record));
      record_lines.push_back(record_line);
    }
    record.clear();
    field_started = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_quotes = true;
        field_started = true;
        break;
      case ',':
        record.push_back(std::move(field));
        field.clear();
        field_started = true;
        break;
      case '\r': break;
      case '\n':
        end_record();
        ++line;
        record_line = line;
        break;
      default: field += c; field_started = true;
    }
  }
  if (in_quotes)
    throw DataError(origin + ":" + std::to_string(record_line) + ": unterminated quote");
  if (field_started || !record.empty()) end_record();
  if (records.empty()) throw DataError(origin + ": empty file (expected a header row)");
  table.header = std::move(records[0]);
  for (std::size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != table.header.size()) {
      throw DataError(origin + ":" + std::to_string(record_lines[r]) + ": expected " +
                      std::to_string(table.header.size()) + " fields as in the header, found " +
                      std::to_string(records[r].size()));
    }
    table.rows.push_back(std::move(records[r]));
    table.lines.push_back(record_lines[r]);
  }
  return table;
}

CsvTable read_csv(const std::string& path) { return parse_csv(read_file(path), path); }

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    const std::string& f = fields[i];
    // A row of one empty field is written "" : an empty line reads back as no row at all.
    const bool lone_empty = f.empty() && fields.size() == 1;
    if (!lone_empty && f.find_first_of(",\"\n\r") == std::string::npos) {
      out += f;
      continue;
    }
    out += '"';
    for (char c : f) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    out += '"';
  }
  return out + "\n";
}

std::string format_csv(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows) {
  std::string out = csv_line(header);
  for (const auto& row : rows) out += csv_line(row);
  return out;
}

}  // namespace gnas
