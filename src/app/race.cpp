#include "gnas/app/race.hpp"

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>

#include "gnas/app/label_store.hpp"
#include "gnas/common/csv.hpp"
#include "gnas/common/errors.hpp"
#include "gnas/common/io.hpp"
#include "gnas/common/parallel.hpp"
#include "gnas/common/run_layout.hpp"
#include "gnas/common/text.hpp"
#include "gnas/train/device.hpp"

namespace gnas {

namespace {

const std::vector<std::string> kRaceHeader{"arch", "label", "race", "mean", "seed"};

}  // namespace

RaceResult run_race(const Config& config, const SearchSpace& space, const LabelledSet& labelled,
                    const std::vector<std::size_t>& candidates, Labeller& labeller,
                    spdlog::logger& log) {
  RaceResult result;
  result.file = RunLayout(config).race();
  // Race trainings already done, by architecture and seed (a run killed in the race).
  std::map<std::pair<std::string, std::string>, double> done;
  if (std::filesystem::exists(result.file)) {
    const CsvTable existing = read_csv(result.file);
    if (existing.header != kRaceHeader) {
      throw DataError(result.file + ": unexpected columns (want arch,label,race,mean,seed); move it "
                      "away");
    }
    for (const auto& row : existing.rows)
      done[{row[0], row[4]}] = parse_double(row[2], result.file + ": race");
  }
  const double repeats = config.repeats;
  std::vector<std::optional<RaceEntry>> finished(candidates.size());
  const auto add = [&](std::size_t n, double race) {
    const std::size_t i = candidates[n];
    finished[n] = RaceEntry{i, space.format(labelled.archs[i]), labelled.labels[i], race,
                            (repeats * labelled.labels[i] + race) / (repeats + 1)};
  };
  std::vector<std::size_t> todo;
  for (std::size_t n = 0; n < candidates.size(); ++n) {
    const auto known = done.find(
        {space.format(labelled.archs[candidates[n]]), std::to_string(race_seed(config, candidates[n]))});
    if (known != done.end()) {
      add(n, known->second);
    } else {
      todo.push_back(n);
    }
  }
  log.info("[train] search.race: the {} best labels within the budgets trained once more ({} "
           "already in {}); the answer is the best mean",
           candidates.size(), candidates.size() - todo.size(), result.file);
  std::mutex record;  // the entries, the file and the log, shared by the slots' trainings
  const auto write = [&] {
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : finished) {
      if (!e) continue;
      rows.push_back({e->arch, format_fixed(e->label, 6), format_fixed(e->race, 6),
                      format_fixed(e->mean, 6), std::to_string(race_seed(config, e->index))});
    }
    write_file_atomic(result.file, format_csv(kRaceHeader, rows));
  };
  std::size_t trained = 0;
  for_each_concurrently(todo.size(), labeller.slots(), [&](std::size_t k, int slot) {
    const std::size_t n = todo[k], i = candidates[n];
    const std::string text = space.format(labelled.archs[i]);
    double race = 0;
    try {
      race = labeller.label(labelled.archs[i], text, "train/race" + std::to_string(i),
                            race_seed(config, i), slot);
    } catch (const TrainingDiverged& e) {
      const std::lock_guard<std::mutex> lock(record);
      log.error("[train] race: {} drops out: {}", text, e.what());
      return;
    }
    const std::lock_guard<std::mutex> lock(record);
    add(n, race);
    write();
    release_free_memory();
    log.info("[train] race {}/{} {}: {:.4f} (its label {:.4f})", ++trained, todo.size(), text,
             race, labelled.labels[i]);
  });
  write();
  for (const auto& e : finished) {
    if (e) result.entries.push_back(*e);
  }
  if (result.entries.empty()) {
    throw DataError(result.file + ": every race training diverged; search.race has no answer");
  }
  for (std::size_t e = 1; e < result.entries.size(); ++e) {
    if (result.entries[e].mean > result.entries[result.winner].mean) result.winner = e;
  }
  const RaceEntry& w = result.entries[result.winner];
  log.info("[train] race won by {}: mean {:.4f} (label {:.4f}, race {:.4f}); the best label {} "
           "({:.4f}) raced {:.4f}",
           w.arch, w.mean, w.label, w.race, result.entries.front().arch,
           result.entries.front().label, result.entries.front().race);
  return result;
}

}  // namespace gnas
