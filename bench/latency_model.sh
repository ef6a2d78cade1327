#!/usr/bin/env bash
# How far the latency table is from whole networks timed on this machine (batch 1), per
# runtime and table recipe: `evaluate --profile-latency --check N`, RUNS times each, on a
# config's space. Recipes: as shipped before 2026-12-02 (median of the repeats, ops as timed
# alone), the min of the repeats, and the min with latency.calibration (the default).
# usage: bench/latency_model.sh [CONFIG] [N] [RUNS]   (defaults: config/config.yml 50 3)
set -euo pipefail
cd "$(dirname "$0")/.."
cfg=${1:-config/config.yml}
n=${2:-50}
runs=${3:-3}
[ -x build/bin/evaluate ] || bash scripts/setup.sh >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "latency model check ($(date -u +%F), $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)), $cfg, $n networks, 1 thread"
printf '%-9s %-28s %4s %10s %10s %9s %10s %6s\n' runtime recipe run "mean|err|" "within10" spearman "profile s" steal
for runtime in libtorch opencv; do
  for recipe in "median, timed alone:median:0" "min, timed alone:min:0" "min, calibrated (default):min:40"; do
    IFS=: read -r name statistic calibration <<<"$recipe"
    for run in $(seq 1 "$runs"); do
      build/bin/evaluate --cfg "$cfg" --set "log_dir=$work" --set latency.threads=1 \
        --set "latency.runtime=$runtime" --set "latency.statistic=$statistic" \
        --set "latency.calibration=$calibration" --set "seed=$run" \
        --profile-latency "$work/table.csv" --check "$n" >/dev/null 2>&1
      s="$work/evaluate_profile_latency_summary.yml"
      get() { sed -n "s/^ *$1: *//p" "$s" | head -1 | tr -d "'\""; }
      printf '%-9s %-28s %4s %9.1f%% %9.0f%% %9.3f %10s %5.1f%%\n' "$runtime" "$name" "$run" \
        "$(awk -v e="$(get check_mean_abs_error)" 'BEGIN{print 100*e}')" \
        "$(awk -v e="$(get check_within_10_percent)" 'BEGIN{print 100*e}')" \
        "$(get check_spearman)" "$(get profile_seconds)" \
        "$(awk -v e="$(get cpu_steal_share)" 'BEGIN{print 100*e}')"
    done
  done
done
