#include <gtest/gtest.h>

#include "gnas/common/errors.hpp"
#include "gnas/common/svg_plot.hpp"

namespace gnas {
namespace {

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

TEST(SvgPlot, TicksAreRoundValuesCoveringTheRange) {
  const auto unit = nice_ticks(0, 1);
  ASSERT_EQ(unit.size(), 6u);
  for (std::size_t i = 0; i < unit.size(); ++i)
    EXPECT_NEAR(unit[i], 0.2 * static_cast<double>(i), 1e-12);
  const auto t = nice_ticks(0.47, 0.61);
  ASSERT_FALSE(t.empty());
  EXPECT_GE(t.front(), 0.47);
  EXPECT_LE(t.back(), 0.61 + 1e-12);
  EXPECT_NEAR(t[1] - t[0], 0.05, 1e-12);  // 0.14 / 5 = 0.028 rounds up to 0.05
}

TEST(SvgPlot, ScatterHasOneMarkPerPointAndAnEscapedTitle) {
  Plot plot;
  plot.title = "tau <0.5> & more";
  plot.diagonal = true;
  plot.series.push_back({"", {0.1, 0.2, 0.3}, {0.15, 0.1, 0.35}, false});
  const std::string svg = render_svg(plot);
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  EXPECT_NE(svg.find("tau &lt;0.5&gt; &amp; more"), std::string::npos);
  EXPECT_EQ(occurrences(svg, "<circle "), 3u);
  EXPECT_EQ(occurrences(svg, "stroke-dasharray"), 1u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

TEST(SvgPlot, LineSeriesAndLegend) {
  Plot plot;
  plot.series.push_back({"tau", {50, 100, 150}, {0.5, 0.6, 0.7}, true});
  const std::string svg = render_svg(plot);
  EXPECT_EQ(occurrences(svg, "<polyline "), 1u);
  EXPECT_EQ(occurrences(svg, "<circle "), 4u);  // three points and the legend mark
  EXPECT_NE(svg.find(">tau</text>"), std::string::npos);
}

TEST(SvgPlot, MismatchedSeriesIsAnError) {
  Plot plot;
  plot.series.push_back({"s", {1, 2}, {1}, false});
  EXPECT_THROW(render_svg(plot), Error);
}

}  // namespace
}  // namespace gnas
