#!/usr/bin/env bash
# The whole search, resumable: generate -> train --train-data -> train_predictor -> evolution
# (-> search.rounds refinement rounds) -> evolution --random-search -> train of the searched
# architecture -> evaluate --compare -> evaluate --report. Every output of the run lands in one
# folder, <log_dir>/runs/<NAME> (NAME: --run, default the config file's name). A step whose output
# is complete is skipped and a partial one resumed, so re-running the same command after a kill
# or a crash continues where it stopped; no label is lost or computed twice.
# usage: scripts/pipeline.sh CONFIG [--run NAME] [--set key=value ...]
#   GNAS_BIN: folder of the executables (default build/bin, built when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$#" -ge 1 ] || { echo "usage: scripts/pipeline.sh CONFIG [--run NAME] [--set key=value ...]" >&2; exit 2; }
cfg=$1
shift
name=$(basename "${cfg%.*}")
sets=()
while [ "$#" -gt 0 ]; do
  case $1 in
    --run) [ "$#" -ge 2 ] || { echo "pipeline.sh: --run needs a NAME" >&2; exit 2; }; name=$2; shift 2 ;;
    --set) [ "$#" -ge 2 ] || { echo "pipeline.sh: --set needs key=value" >&2; exit 2; }; sets+=(--set "$2"); shift 2 ;;
    *) echo "pipeline.sh: unknown argument '$1' (CONFIG [--run NAME] [--set key=value ...])" >&2; exit 2 ;;
  esac
done
case $name in ''|*/*|.|..) echo "pipeline.sh: --run '$name': a run name is one folder name" >&2; exit 2 ;; esac
bin=${GNAS_BIN:-build/bin}
if [ ! -x "$bin/evaluate" ]; then bash scripts/setup.sh; fi

# The resolved configuration tells where runs live and how many refinement rounds to do.
resolved=$("$bin/generate" --cfg "$cfg" "${sets[@]}" --show-config)
key() { awk -v k="$1" -v s="$2" '
  function value() { v = $2; gsub(/^"|"$/, "", v); return v }
  s == "" && $1 == k ":" { print value(); exit }
  s != "" && /^[^ ]/ { inside = ($1 == s ":") }
  s != "" && inside && $1 == k ":" { print value(); exit }' <<<"$resolved"; }
run="$(key log_dir "")/runs/$name"
rounds=$(key rounds search)
benchmark=$(key benchmark_table "")
pick=$(key pick search)
verify=$(key verify search)
mkdir -p "$run"
echo "pipeline: run folder $run (config $cfg, seed $(key seed ""), $rounds refinement rounds)"
echo "pipeline: every step runs with --cfg $cfg ${sets[*]} and log_dir, write_dir, path_to_* in $run"

s=(--cfg "$cfg" "${sets[@]}" --set "log_dir=$run" --set "write_dir=$run/checkpoints"
   --set "path_to_architecture=$run/architecture.csv" --set "path_to_train_data=$run/train_data.csv"
   --set "path_to_save_predictor=$run/predictor.pt" --set "predictor_pretrained=$run/predictor.pt"
   --set "path_to_evolution_architecture=$run/evolution_architecture.csv")
if [ ! -f "$run/run.yml" ]; then
  {
    echo "name: $name"
    echo "config: $cfg"
    echo "overrides: [${sets[*]}]"
    echo "seed: $(key seed "")"
    echo "gnas: $("$bin/generate" --version)"
    echo "started: $(date -u +%FT%TZ)"
  } >"$run/run.yml.tmp" && mv "$run/run.yml.tmp" "$run/run.yml"
fi

# Runs one step; the log line names it and its own flags (the run's --cfg/--set are above).
step() {
  local cmd=$1
  shift
  echo "pipeline: $(basename "$cmd") ${*:${#s[@]}+1}"
  "$cmd" "$@"
}
rows() { if [ -f "$1" ]; then tail -n +2 "$1" | grep -c . || true; else echo 0; fi; }
# Labels every architecture not yet labelled (a training in progress resumes from its checkpoint).
label() {
  local done=$(( $(rows "$run/train_data.csv") + $(rows "$run/train_failures.csv") ))
  if [ "$done" -lt "$(rows "$run/architecture.csv")" ]; then
    step "$bin/train" "${s[@]}" --load-architecture --train-data --resume
  fi
}
fit() {  # retrain the predictor when the labels are newer, then search when the predictor is
  if [ ! -f "$run/predictor.pt" ] || [ "$run/train_data.csv" -nt "$run/predictor.pt" ]; then
    step "$bin/train_predictor" "${s[@]}"
  fi
  if [ ! -f "$run/evolution_architecture.csv" ] || [ "$run/predictor.pt" -nt "$run/evolution_architecture.csv" ]; then
    step "$bin/evolution" "${s[@]}"
  fi
}

[ -f "$run/architecture.csv" ] || step "$bin/generate" "${s[@]}"
label
fit
for r in $(seq 1 "$rounds"); do
  step "$bin/generate" "${s[@]}" --refine "$r"
  label
  fit
done
# search.verify: the best predicted of the last search are labelled, so the answer is measured.
if [ "$verify" -gt 0 ]; then
  step "$bin/generate" "${s[@]}" --verify
  label
fi
if [ ! -f "$run/random_search_architecture.csv" ] || [ "$run/predictor.pt" -nt "$run/random_search_architecture.csv" ]; then
  step "$bin/evolution" "${s[@]}" --random-search
fi
# The final training (or, in benchmark mode, the lookup) of the answer: the evolved architecture,
# or with search.pick best_labelled the labelled one with the best label.
if [ "$pick" = best_labelled ]; then picked='best_labelled'; else picked="file $run/evolution_architecture.csv row 0"; fi
final_done() { [ -f "$run/train_final_summary.yml" ] && grep -q '^mode: final' "$run/train_final_summary.yml" &&
  grep -qxF "picked: $picked" "$run/train_final_summary.yml" &&
  [ ! "$run/evolution_architecture.csv" -nt "$run/train_final_summary.yml" ] &&
  [ ! "$run/train_data.csv" -nt "$run/train_final_summary.yml" ]; }
if [ "$pick" = best_labelled ]; then answer=(--best-labelled); else answer=(--arch-file "$run/evolution_architecture.csv"); fi
final_done || step "$bin/train" "${s[@]}" --load-architecture "${answer[@]}" --resume
step "$bin/evaluate" "${s[@]}" --compare
step "$bin/evaluate" "${s[@]}" --report
echo "pipeline: done; open $run/report.html${benchmark:+ (benchmark mode: $benchmark)}"
