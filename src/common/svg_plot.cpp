#include "gnas/common/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "gnas/common/errors.hpp"

namespace gnas {
namespace {

const char* const kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};

}  // namespace

std::string xml_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

std::string escape(const std::string& text) { return xml_escape(text); }

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string tick_text(double v, double step) {
  const int digits = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, std::abs(v) < step * 1e-6 ? 0.0 : v);
  return buf;
}

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  void pad() {
    if (!std::isfinite(lo)) lo = 0, hi = 1;
    if (hi - lo < 1e-12) lo -= 0.5, hi += 0.5;
    const double margin = 0.05 * (hi - lo);
    lo -= margin;
    hi += margin;
  }
};

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int target) {
  const double raw = (hi - lo) / std::max(target, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push_back(t);
  }
  return ticks;
}

std::string render_svg(const Plot& plot) {
  Range xr, yr;
  for (const auto& s : plot.series) {
    if (s.x.size() != s.y.size()) {
      throw Error("plot '" + plot.title + "': series '" + s.label + "' has " +
                  std::to_string(s.x.size()) + " x values and " + std::to_string(s.y.size()) +
                  " y values");
    }
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      xr.add(s.x[i]);
      yr.add(s.y[i]);
    }
  }
  if (plot.diagonal) {
    xr.add(yr.lo), xr.add(yr.hi);
    yr = xr;
  }
  xr.pad();
  yr.pad();
  const std::vector<double> xt = nice_ticks(xr.lo, xr.hi), yt = nice_ticks(yr.lo, yr.hi);
  const double xstep = xt.size() > 1 ? xt[1] - xt[0] : 1, ystep = yt.size() > 1 ? yt[1] - yt[0] : 1;

  const double left = 70, right = 20, top = 40, bottom = 55;
  const double w = plot.width - left - right, h = plot.height - top - bottom;
  const auto px = [&](double x) { return left + (x - xr.lo) / (xr.hi - xr.lo) * w; };
  const auto py = [&](double y) { return top + h - (y - yr.lo) / (yr.hi - yr.lo) * h; };

  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                    std::to_string(plot.width) + "\" height=\"" + std::to_string(plot.height) +
                    "\" font-family=\"sans-serif\" " +
                    "font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<text x=\"" + num(left + w / 2) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" +
         escape(plot.title) + "</text>\n";
  for (const double t : xt) {
    svg += "<line x1=\"" + num(px(t)) + "\" y1=\"" + num(top) + "\" x2=\"" + num(px(t)) +
           "\" y2=\"" + num(top + h) + "\" stroke=\"#e5e5e5\"/>\n";
    svg += "<text x=\"" + num(px(t)) + "\" y=\"" + num(top + h + 16) +
           "\" text-anchor=\"middle\">" + tick_text(t, xstep) + "</text>\n";
  }
  for (const double t : yt) {
    svg += "<line x1=\"" + num(left) + "\" y1=\"" + num(py(t)) + "\" x2=\"" + num(left + w) +
           "\" y2=\"" + num(py(t)) + "\" stroke=\"#e5e5e5\"/>\n";
    svg += "<text x=\"" + num(left - 6) + "\" y=\"" + num(py(t) + 4) + "\" text-anchor=\"end\">" +
           tick_text(t, ystep) + "</text>\n";
  }
  svg += "<rect x=\"" + num(left) + "\" y=\"" + num(top) + "\" width=\"" + num(w) + "\" height=\"" +
         num(h) + "\" fill=\"none\" stroke=\"black\"/>\n";
  svg += "<text x=\"" + num(left + w / 2) + "\" y=\"" + num(plot.height - 12.0) +
         "\" text-anchor=\"middle\">" + escape(plot.x_label) + "</text>\n";
  svg += "<text transform=\"translate(16," + num(top + h / 2) + ") rotate(-90)\" " +
         "text-anchor=\"middle\">" + escape(plot.y_label) + "</text>\n";
  if (plot.diagonal) {
    const double lo = std::max(xr.lo, yr.lo), hi = std::min(xr.hi, yr.hi);
    svg += "<line x1=\"" + num(px(lo)) + "\" y1=\"" + num(py(lo)) + "\" x2=\"" + num(px(hi)) +
           "\" y2=\"" + num(py(hi)) + "\" stroke=\"#888\" stroke-dasharray=\"5,4\"/>\n";
  }
  int legend_row = 0;
  // Highlights last, so that no cloud hides them.
  std::vector<std::size_t> order;
  for (const bool highlights : {false, true}) {
    for (std::size_t k = 0; k < plot.series.size(); ++k) {
      if ((plot.series[k].radius > 0) == highlights) order.push_back(k);
    }
  }
  for (const std::size_t k : order) {
    const PlotSeries& s = plot.series[k];
    const std::string colour = kColours[k % (sizeof kColours / sizeof kColours[0])];
    const std::string radius = s.radius > 0 ? num(s.radius) : s.line ? "3.5" : "2.5";
    const std::string style = s.radius > 0 ? "\" stroke=\"#222\" stroke-width=\"1.5\"/>\n"
                                           : "\" fill-opacity=\"0.75\"/>\n";
    std::string path;
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      svg += "<circle cx=\"" + num(px(s.x[i])) + "\" cy=\"" + num(py(s.y[i])) + "\" r=\"" + radius +
             "\" fill=\"" + colour + style;
      path += (path.empty() ? "" : " ") + num(px(s.x[i])) + "," + num(py(s.y[i]));
    }
    if (s.line && !path.empty()) {
      svg += "<polyline points=\"" + path + "\" fill=\"none\" stroke=\"" + colour +
             "\" stroke-width=\"1.5\"/>\n";
    }
    if (!s.label.empty()) {
      const double ly = top + 16 + 16.0 * legend_row++;
      svg += "<circle cx=\"" + num(left + 14) + "\" cy=\"" + num(ly - 4) + "\" r=\"4\" fill=\"" +
             colour + "\"/>\n<text x=\"" + num(left + 24) + "\" y=\"" + num(ly) + "\">" +
             escape(s.label) + "</text>\n";
    }
  }
  return svg + "</svg>\n";
}

}  // namespace gnas
