#pragma once

// Small self-contained SVG charts (no plotting dependency): scatter plots and line charts with
// axes, ticks, a title and a legend, for reports any step writes next to its results.

#include <string>
#include <vector>

namespace gnas {

struct PlotSeries {
  std::string label;      ///< legend text; no legend entry when empty
  std::vector<double> x;  ///< as many as y
  std::vector<double> y;
  bool line = false;  ///< join the points in order (and mark them) instead of a scatter
  double radius = 0;  ///< > 0: a highlight, drawn that large with a dark outline, on top
};

struct Plot {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<PlotSeries> series;
  bool diagonal = false;  ///< draw y = x (predicted vs true plots)
  int width = 640;        ///< pixels
  int height = 480;
};

/// The plot as an SVG document. Axes span every point (with the same range on both axes when
/// `diagonal`), padded by 5 % and rounded to ticks of 1, 2 or 5 x 10^k. Non-finite points are
/// skipped. Throws Error when a series' x and y differ in length.
std::string render_svg(const Plot& plot);

/// `text` with &, <, > and " as XML entities, for SVG and HTML text and attributes.
std::string xml_escape(const std::string& text);

/// Tick positions covering [lo, hi]: about `target` round values (steps of 1, 2 or 5 x 10^k).
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

}  // namespace gnas
