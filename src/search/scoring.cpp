#include "gnas/search/scoring.hpp"

#include <algorithm>
#include <string>

#include "gnas/common/errors.hpp"

namespace gnas {

namespace {

void merge_top(std::vector<Scored>& top, const std::vector<Scored>& candidates, std::size_t k) {
  for (const auto& c : candidates) {
    const bool known =
        std::any_of(top.begin(), top.end(), [&](const Scored& t) { return t.arch == c.arch; });
    if (!known) top.push_back(c);
  }
  std::sort(top.begin(), top.end(), better);
  if (top.size() > k) top.resize(k);
}

}  // namespace

std::vector<Scored> Scorer::score(const std::vector<Architecture>& batch) {
  std::vector<Architecture> fresh;
  for (const auto& arch : batch) {
    if (index_.count(arch)) continue;
    index_.emplace(arch, result_.explored.size() + fresh.size());
    fresh.push_back(arch);
  }
  if (!fresh.empty()) {
    const std::vector<double> values = fitness_(fresh);
    if (values.size() != fresh.size()) {
      throw Error("the fitness returned " + std::to_string(values.size()) + " values for " +
                  std::to_string(fresh.size()) + " architectures");
    }
    for (std::size_t i = 0; i < fresh.size(); ++i) {
      result_.explored.push_back({fresh[i], values[i], space_.cost(fresh[i])});
    }
    result_.queries = result_.explored.size();
  }
  std::vector<Scored> out;
  out.reserve(batch.size());
  for (const auto& arch : batch) out.push_back(result_.explored[index_.at(arch)]);
  return out;
}

bool better(const Scored& a, const Scored& b) {
  return a.fitness != b.fitness ? a.fitness > b.fitness : a.arch < b.arch;
}

void record_generation(SearchResult& result, int generation, const std::vector<Scored>& members,
                       std::size_t pool, Clock::time_point start) {
  merge_top(result.top, members, pool);
  double sum = 0;
  for (const auto& m : members) sum += m.fitness;
  result.history.push_back({generation, result.top.front().fitness,
                            sum / static_cast<double>(members.size()), result.explored.size(),
                            seconds_since(start)});
}

}  // namespace gnas
