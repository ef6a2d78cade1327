// The CSV parser every table goes through (quoting, widths, line numbers).
#include "gnas/common/csv.hpp"

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = gnas::fuzz::as_text(data, size);
  return gnas::fuzz::expect_success_or_refusal([&] {
    const gnas::CsvTable table = gnas::parse_csv(text, "fuzz.csv");
    if (table.lines.size() != table.rows.size()) __builtin_trap();
    for (const auto& row : table.rows) {
      if (row.size() != table.header.size()) __builtin_trap();
    }
    // What format_csv writes parses back to the same table.
    const gnas::CsvTable again =
        gnas::parse_csv(gnas::format_csv(table.header, table.rows), "again.csv");
    if (again.header != table.header || again.rows != table.rows) __builtin_trap();
  });
}
