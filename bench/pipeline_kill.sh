#!/usr/bin/env bash
# Crash safety of scripts/pipeline.sh: runs the pipeline, kills it (the whole process group, with
# SIGKILL) at KILLS random moments, then lets it finish; checks that every architecture has
# exactly one label, that the run is complete, and that the labels equal those of an
# uninterrupted run of the same config (resumed trainings continue bit-identically on CPU).
# usage: bench/pipeline_kill.sh [CONFIG] [KILLS] [--set key=value ...]
#   default: config/quickstart.yml at a smaller scale (12 + 1 x 3 architectures, 1,000 images)
set -euo pipefail
cd "$(dirname "$0")/.."
cfg=${1:-config/quickstart.yml}
kills=${2:-6}
shift $(( $# < 2 ? $# : 2 ))
sets=("$@")
[ "${#sets[@]}" -gt 0 ] || sets=(--set sample_count=12 --set search.rounds=1 --set search.per_round=3
  --set train_subset=1000 --set test_subset=300 --set predictor.test_count=4)
[ -x build/bin/evaluate ] || bash scripts/setup.sh >&2
base=$(mktemp -d)
trap 'rm -rf "$base"' EXIT
sets+=(--set "log_dir=$base")
run() { bash scripts/pipeline.sh "$cfg" --run "$1" "${sets[@]}"; }

echo "pipeline kill test ($(date -u +%F), $(nproc) cores): $cfg ${sets[*]}"
start=$(date +%s)
run reference >"$base/reference.log" 2>&1
echo "  uninterrupted run: $(( $(date +%s) - start )) s"
total=$(( $(date +%s) - start ))
for k in $(seq 1 "$kills"); do
  # Spread the kills over the run: each one lands within the next 1/KILLS of the work.
  span=$(( total / kills > 3 ? total / kills : 3 ))
  at=$(( (RANDOM % span) + 2 ))
  setsid bash scripts/pipeline.sh "$cfg" --run killed "${sets[@]}" >"$base/killed.$k.log" 2>&1 &
  pid=$!
  sleep "$at"
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "  kill $k after ${at} s, during: $(grep '^pipeline: ' "$base/killed.$k.log" | tail -1 | sed 's|^pipeline: ||')"
  else
    wait "$pid" || true
    echo "  kill $k after ${at} s: the run had already finished"
  fi
done
run killed >"$base/final.log" 2>&1
r="$base/runs/killed"
fail=0
archs=$(tail -n +2 "$r/architecture.csv" | wc -l)
labels=$(tail -n +2 "$r/train_data.csv" | wc -l)
distinct=$(tail -n +2 "$r/train_data.csv" | cut -d, -f2 | sort -u | wc -l)
echo "  after the kills: $archs architectures, $labels labels, $distinct distinct"
[ "$labels" -eq "$archs" ] && [ "$distinct" -eq "$labels" ] || { echo "  FAIL: a label is missing or duplicated"; fail=1; }
for f in report.html final_model.pt compare.csv; do [ -f "$r/$f" ] || { echo "  FAIL: no $f"; fail=1; }; done
# Same labels as the uninterrupted run: arch and label columns, sorted by arch.
label_col=$(head -1 "$r/train_data.csv" | tr ',' '\n' | grep -n '^mean$' | cut -d: -f1)
cut -d, -f2,"$label_col" "$base/runs/reference/train_data.csv" | tail -n +2 | sort >"$base/ref.txt"
cut -d, -f2,"$label_col" "$r/train_data.csv" | tail -n +2 | sort >"$base/got.txt"
if cmp -s "$base/ref.txt" "$base/got.txt"; then echo "  labels identical to the uninterrupted run"; else
  echo "  FAIL: labels differ from the uninterrupted run:"; diff "$base/ref.txt" "$base/got.txt" | head; fail=1; fi
for f in reference killed; do
  echo "  $f answer: $(sed -n 's/^arch: //p' "$base/runs/$f/train_summary.yml") best top-1 $(sed -n 's/^best_top1: //p' "$base/runs/$f/train_summary.yml")"
done
[ "$fail" -eq 0 ] && echo "  PASS" || exit 1
