#include <gtest/gtest.h>

#include <filesystem>

#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/text.hpp"

#include "test_util.hpp"

namespace gnas {
namespace {

TEST(Csv, ParsesQuotesCrLfAndBlankLines) {
  const CsvTable t = parse_csv("a,b\r\n1,\"x, \"\"y\"\"\"\r\n\r\n2,\n", "t.csv");
  EXPECT_EQ(t.header, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0][1], "x, \"y\"");
  EXPECT_EQ(t.rows[1][1], "");
  EXPECT_EQ(t.lines[1], 4u);
  EXPECT_EQ(t.column("b"), 1u);
  EXPECT_THROW(t.column("c"), DataError);
}

TEST(Csv, RaggedRowsAndBadInputNameTheLine) {
  try {
    parse_csv("a,b\n1,2\n3\n", "t.csv");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_STREQ(e.what(), "t.csv:3: expected 2 fields as in the header, found 1");
  }
  EXPECT_THROW(parse_csv("", "t.csv"), DataError);
  EXPECT_THROW(parse_csv("a\n\"open\n", "t.csv"), DataError);
}

TEST(Csv, WrittenTablesReadBack) {
  const std::vector<std::vector<std::string>> rows = {{"1", "a,b"}, {"2", "say \"hi\""}};
  const CsvTable t = parse_csv(format_csv({"id", "text"}, rows), "t.csv");
  EXPECT_EQ(t.rows, rows);
  // A one-column table with an empty value (found by tests/fuzz/fuzz_csv): the row is kept.
  const std::vector<std::vector<std::string>> one = {{"x"}, {""}, {"y"}};
  EXPECT_EQ(parse_csv(format_csv({"note"}, one), "one.csv").rows, one);
}

TEST(Io, AtomicWriteReplacesAndLeavesNoTemporaryFile) {
  test::TempDir dir;
  const std::string path = dir.file("sub/out.txt");
  write_file_atomic(path, "first");
  write_file_atomic(path, "second");
  EXPECT_EQ(read_file(path), "second");
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.file("sub")))
    ++files;
  EXPECT_EQ(files, 1);
  EXPECT_THROW(read_file(dir.file("missing")), DataError);
}

TEST(Text, NumbersAndDistances) {
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(format_number(15), "15");
  EXPECT_EQ(format_number(4e-4), "0.0004");
  EXPECT_EQ(format_number(0.2010), "0.201");
  EXPECT_EQ(format_fixed(14.461696, 6), "14.461696");
  EXPECT_EQ(edit_distance("epoch", "epochs"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(trim("  x y \r\n"), "x y");
}

}  // namespace
}  // namespace gnas
