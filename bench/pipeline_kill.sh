#!/usr/bin/env bash
# Crash safety of scripts/pipeline.sh in every phase. Runs the pipeline once uninterrupted,
# timing its steps; then kills a second run KILLS times (the whole process group, SIGKILL and
# SIGTERM in turn), each kill at a random moment of the next step in the uninterrupted run's order
# (generate, label training, predictor training, evolution, refinement, random search, the final
# training with its checkpoint writes, the comparison, the report), re-running the same command in
# between; then lets it finish and checks that every architecture has exactly one label, that
# every CSV of the run parses, that the final model loads and runs, that each SIGTERM ended with
# the one line on how to continue, and that the labels equal those of the uninterrupted run
# (resumed trainings continue bit-identically on CPU).
# usage: bench/pipeline_kill.sh [CONFIG] [KILLS] [--set key=value ...]
#   default: config/quickstart.yml at a smaller scale (12 + 1 x 3 architectures, 1,000 images)
set -euo pipefail
cd "$(dirname "$0")/.."
cfg=${1:-config/quickstart.yml}
kills=${2:-20}
shift $(( $# < 2 ? $# : 2 ))
sets=("$@")
[ "${#sets[@]}" -gt 0 ] || sets=(--set sample_count=12 --set search.rounds=1 --set search.per_round=3
  --set train_subset=1000 --set test_subset=300 --set predictor.test_count=4)
[ -x build/bin/evaluate ] || bash scripts/setup.sh >&2
base=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "keeping $base" || trap 'rm -rf "$base"' EXIT
sets+=(--set "log_dir=$base")

# The model loader (bench/load_model.cpp), built while the uninterrupted run starts.
g++ -O1 -std=c++17 -I/usr/include/torch/csrc/api/include bench/load_model.cpp -o "$base/load_model" \
  -ltorch -ltorch_cpu -lc10 &
loader=$!

# The step a pipeline log line starts, as a phase name ("" for other lines).
phase_of() {
  case $1 in
    "pipeline: train_predictor"*) echo predictor ;;
    "pipeline: train "*--train-data*) echo labels ;;
    "pipeline: train "*) echo final ;;
    "pipeline: evolution "*--random-search*) echo random_search ;;
    "pipeline: evolution"*) echo evolution ;;
    "pipeline: generate"*) echo generate ;;
    "pipeline: evaluate "*--compare*) echo compare ;;
    "pipeline: evaluate "*--report*) echo report ;;
  esac
}
# The phase a running pipeline is in, from its log.
current_phase() { phase_of "$(grep '^pipeline: ' "$1" 2>/dev/null | grep -v '^pipeline: \(run folder\|every step\|done\)' | tail -1)"; }

echo "pipeline kill test ($(date -u +%F), $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)): $cfg ${sets[*]}"
# The uninterrupted run, each step's start time noted as its line appears.
start=$(date +%s.%N)
bash scripts/pipeline.sh "$cfg" --run reference "${sets[@]}" 2>&1 |
  while IFS= read -r line; do echo "$(date +%s.%N) $line"; done >"$base/reference.log"
end=$(date +%s.%N)
awk -v end="$end" 'BEGIN { n = 0 } $2 == "pipeline:" && $3 != "run" && $3 != "every" && $3 != "done;" {
    t[n] = $1; $1 = ""; l[n++] = substr($0, 2) } END { for (i = 0; i < n; ++i)
    printf "%.2f\t%s\n", (i + 1 < n ? t[i + 1] : end) - t[i], l[i] }' "$base/reference.log" >"$base/steps.tsv"
steps=()
durations=()
while IFS=$'\t' read -r d line; do steps+=("$(phase_of "$line")"); durations+=("$d"); done <"$base/steps.tsv"
printf '  uninterrupted run: %.0f s, %d steps:' "$(echo "$end - $start" | bc)" "${#steps[@]}"
for i in "${!steps[@]}"; do printf ' %s %.1fs' "${steps[$i]}" "${durations[$i]}"; done
echo

declare -A landed=()
terms=0
for k in $(seq 1 "$kills"); do
  i=$(( (k - 1) * ${#steps[@]} / kills ))
  target=${steps[$i]}
  signal=$([ $((k % 2)) -eq 1 ] && echo KILL || echo TERM)
  # A random moment within the target step (its uninterrupted duration, at least 0.2 s).
  delay=$(awk -v d="${durations[$i]}" -v r="$RANDOM" 'BEGIN { d = d < 0.2 ? 0.2 : d; printf "%.2f", r / 32768 * d * 0.9 }')
  log="$base/killed.$k.log"
  setsid bash scripts/pipeline.sh "$cfg" --run killed "${sets[@]}" >"$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null && [ "$(current_phase "$log")" != "$target" ]; do sleep 0.05; done
  sleep "$delay"
  if kill -0 "$pid" 2>/dev/null; then
    during=$(current_phase "$log")
    kill "-$signal" -- "-$pid" 2>/dev/null || true
    rc=0
    wait "$pid" 2>/dev/null || rc=$?
    # The shell can end before its step does (a SIGTERM'd step finishes its safe point first):
    # the next run starts only when the whole group is gone, so two never share the run folder.
    while kill -0 -- "-$pid" 2>/dev/null; do sleep 0.05; done
    landed[$during]=$(( ${landed[$during]:-0} + 1 ))
    note=""
    if [ "$signal" = TERM ]; then
      terms=$((terms + 1))
      # A step stopped by SIGTERM says how to continue (the shell itself may die first when
      # the step was between two lines of work: then nothing of the step ran).
      if grep -q "stopped by SIGTERM" "$log"; then note=", the step said how to continue"; fi
    fi
    echo "  kill $k (SIG$signal) ${delay} s into $target, landed during $during, exit $rc$note"
  else
    rc=0
    wait "$pid" || rc=$?
    echo "  kill $k (SIG$signal): the run had ended (exit $rc) before $target: $(grep -v '^\s*$' "$log" | tail -1 | cut -c1-160)"
  fi
done
bash scripts/pipeline.sh "$cfg" --run killed "${sets[@]}" >"$base/final.log" 2>&1
wait "$loader"
r="$base/runs/killed"
fail=0
echo -n "  kills landed in:"; for p in "${!landed[@]}"; do echo -n " $p ${landed[$p]}"; done; echo
archs=$(tail -n +2 "$r/architecture.csv" | wc -l)
labels=$(tail -n +2 "$r/train_data.csv" | wc -l)
distinct=$(tail -n +2 "$r/train_data.csv" | cut -d, -f2 | sort -u | wc -l)
echo "  after the kills: $archs architectures, $labels labels, $distinct distinct"
[ "$labels" -eq "$archs" ] && [ "$distinct" -eq "$labels" ] || { echo "  FAIL: a label is missing or duplicated"; fail=1; }
for f in report.html final_model.pt compare.csv; do [ -f "$r/$f" ] || { echo "  FAIL: no $f"; fail=1; }; done
# Every CSV parses: RFC 4180 fields (quotes may hold commas), each row as wide as its header.
csvs=0
for f in $(find "$r" -name '*.csv'); do
  csvs=$((csvs + 1))
  awk -v f="$f" 'function width(s,   n, q, i, c) { n = 1; q = 0
      for (i = 1; i <= length(s); ++i) { c = substr(s, i, 1); if (c == "\"") q = !q; else if (c == "," && !q) ++n }
      return n }
    NR == 1 { w = width($0); next } width($0) != w { print "  FAIL: " f ":" NR ": " width($0) " fields, header " w; bad = 1; exit }
    END { exit bad }' "$f" || fail=1
done
echo "  $csvs CSV files parse"
shape=$(build/bin/generate --cfg "$cfg" "${sets[@]}" --show-config |
  awk '$1 == "input_channels:" { c = $2 } $1 == "input_size:" { s = $2 } $1 == "classes:" { k = $2 } END { print c, s, k }')
if "$base/load_model" "$r/final_model.pt" $shape; then echo "  the final model loads and runs"; else fail=1; fi
# Same labels as the uninterrupted run: arch and label columns, sorted by arch.
label_col=$(head -1 "$r/train_data.csv" | tr ',' '\n' | grep -n '^mean$' | cut -d: -f1)
cut -d, -f2,"$label_col" "$base/runs/reference/train_data.csv" | tail -n +2 | sort >"$base/ref.txt"
cut -d, -f2,"$label_col" "$r/train_data.csv" | tail -n +2 | sort >"$base/got.txt"
if cmp -s "$base/ref.txt" "$base/got.txt"; then echo "  labels identical to the uninterrupted run"; else
  echo "  FAIL: labels differ from the uninterrupted run:"; diff "$base/ref.txt" "$base/got.txt" | head; fail=1; fi
for f in reference killed; do
  echo "  $f answer: $(sed -n 's/^arch: //p' "$base/runs/$f/train_final_summary.yml") best top-1 $(sed -n 's/^best_top1: //p' "$base/runs/$f/train_final_summary.yml")"
done
[ "$fail" -eq 0 ] && echo "  PASS" || exit 1
