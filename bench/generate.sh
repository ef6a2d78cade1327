#!/usr/bin/env bash
# Speed of `generate` (sample_count architectures, default 300) against the reference of the same
# binary doing no work (`--version`: process start and library loading), both timed in this run.
# usage: bench/generate.sh [RUNS] [SAMPLE_COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
count=${2:-300}
bin=build/bin/generate
[ -x "$bin" ] || bash scripts/setup.sh >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
wall() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); awk -v s="$s" -v e="$e" "BEGIN {print e - s}"; }

for _ in $(seq "$runs"); do wall "$bin" --version; done | median >"$work/ref"
for i in $(seq "$runs"); do
  wall "$bin" --set "log_dir=$work/logs" --set "path_to_architecture=$work/a.csv" \
    --set "sample_count=$count" --set "seed=$i"
  sed -n 's/^seconds: //p' "$work/logs/generate_summary.yml" >>"$work/inner"
done | median >"$work/total"
inner=$(median <"$work/inner")
printf 'generate, %s architectures, median of %s runs (%s, %s cores)\n' "$count" "$runs" "$(date -u +%F)" "$(nproc)"
printf '  process start (generate --version): %.3f s\n' "$(cat "$work/ref")"
printf '  whole run:                          %.3f s  (%.2fx the start-up)\n' "$(cat "$work/total")" \
  "$(awk -v t="$(cat "$work/total")" -v r="$(cat "$work/ref")" "BEGIN {print t / r}")"
printf '  sampling + costs + CSV (in-process): %.4f s\n' "$inner"
