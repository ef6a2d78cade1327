#!/usr/bin/env bash
# Labels per hour with trainings side by side (trainings_per_device) at the quickstart's shape
# (config/quickstart.yml, Fashion-MNIST from Debian's dataset-fashion-mnist): the same K (8)
# architectures labelled with M = 1, 2, ... concurrent trainings on the CPU, num_threads split
# between them; reported: seconds, labels per hour and the ratio to M = 1, measured in this run.
# With NUM_THREADS=1 per training (M = 1 with num_threads 1, M = 2 with num_threads 2, ...) the
# labels are also compared: they must be identical (each architecture keeps its seed).
# usage: [K=8] [MS="1 2"] [SETTINGS="M:NUM_THREADS ..."] bench/parallel_labels.sh [SEED] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
seed=${1:-0}
bin=${2:-build}/bin
k=${K:-8}
ms=${MS:-1 2}
[ -x "$bin/train" ] || bash scripts/setup.sh >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cpus=$(nproc)

base=(--cfg config/quickstart.yml --set "seed=$seed" --set "sample_count=$k"
  --set "path_to_architecture=$work/architecture.csv")
"$bin/generate" "${base[@]}" --set "log_dir=$work/gen" >/dev/null 2>&1

echo "label trainings side by side at the quickstart's shape ($(date -u +%F), $cpus cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)); $k architectures (seed $seed)"
printf '%-44s %8s %12s %8s %s\n' setting seconds labels/hour ratio "labels (mean column)"
ref=""
one_thread_labels=""
settings=${SETTINGS:-}
if [ -z "$settings" ]; then  # M:num_threads, the whole CPU split between M, then M=1 on 1 thread
  for m in $ms; do settings+="$m:$cpus "; done
  settings+="1:1"
fi
for setting in $settings; do
  m=${setting%%:*}
  total=${setting##*:}
  each=$(( total / m > 0 ? total / m : 1 ))
  run="$work/m${m}_t${total}"
  start=$(date +%s.%N)
  "$bin/train" "${base[@]}" --load-architecture --train-data --set "log_dir=$run" \
    --set "write_dir=$run/ckpt" --set "path_to_train_data=$run/train_data.csv" \
    --set "trainings_per_device=$m" --set "num_threads=$total" >"$run.log" 2>&1 ||
    { echo "M=$m failed:"; tail -5 "$run.log"; exit 1; }
  seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  per_hour=$(awk -v k="$k" -v s="$seconds" 'BEGIN { printf "%.1f", k * 3600 / s }')
  labels=$(awk -F, 'NR > 1 { printf "%s%s", (n++ ? " " : ""), $5 }' "$run/train_data.csv")
  [ -z "$ref" ] && ref=$seconds
  ratio=$(awk -v r="$ref" -v s="$seconds" 'BEGIN { printf "%.2f", r / s }')
  same=""
  if [ "$each" -eq 1 ]; then
    if [ -z "$one_thread_labels" ]; then one_thread_labels=$labels
    elif [ "$labels" = "$one_thread_labels" ]; then same="identical to the first 1-thread run"
    else same="DIFFER from the first 1-thread run"; fi
  fi
  printf '%-44s %8.1f %12s %8s %s\n' "M=$m, num_threads $total ($each per training)" \
    "$seconds" "$per_hour" "${ratio}x" "$same"
done
