#!/usr/bin/env bash
# Memory and handles of one long labelling process: `train --load-architecture --train-data` on
# COUNT architectures (a small recipe of CONFIG), sampled from /proc every 0.2 s: peak RSS
# (VmHWM), current RSS, open file descriptors and threads, after the first 5 labels and at the end. A leak per
# architecture shows as peak RSS, descriptors or threads growing with the label count.
# usage: bench/memory.sh [CONFIG] [COUNT] [--set key=value ...]
#   default: config/quickstart.yml, 50 architectures, 500 training images, 1 epoch
set -euo pipefail
cd "$(dirname "$0")/.."
cfg=${1:-config/quickstart.yml}
count=${2:-50}
shift $(( $# < 2 ? $# : 2 ))
[ -x build/bin/train ] || bash scripts/setup.sh >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sets=(--cfg "$cfg" --set "log_dir=$work" --set "write_dir=$work/checkpoints"
  --set "path_to_architecture=$work/architecture.csv" --set "path_to_train_data=$work/train_data.csv"
  --set sample_count="$count" --set train_subset=500 --set test_subset=200 --set epochs=1
  --set labels.agreement_check=0 "$@")
build/bin/generate "${sets[@]}" >/dev/null 2>&1
echo "memory benchmark ($(date -u +%F), $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)): $count architectures, $cfg ${*:-}"
build/bin/train "${sets[@]}" --load-architecture --train-data >"$work/train.log" 2>&1 &
pid=$!
labels() { if [ -f "$work/train_data.csv" ]; then echo $(( $(wc -l <"$work/train_data.csv") - 1 )); else echo 0; fi; }
# One line per sample: labels, VmHWM (kB), VmRSS (kB), descriptors, threads.
while kill -0 "$pid" 2>/dev/null; do
  status=$(cat "/proc/$pid/status" 2>/dev/null) || break
  fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
  awk -v l="$(labels)" -v f="$fds" '$1 == "VmHWM:" { h = $2 } $1 == "VmRSS:" { r = $2 } $1 == "Threads:" { t = $2 }
    END { if (h) print l, h, r, f, t }' <<<"$status" >>"$work/samples.txt"
  sleep 0.2
done
wait "$pid" || { echo "train failed:"; tail -5 "$work/train.log"; exit 1; }
awk -v n="$count" '
  $1 <= 5 { h5 = $2 > h5 ? $2 : h5; f5 = $4 > f5 ? $4 : f5; t5 = $5 > t5 ? $5 : t5 }
  { h = $2 > h ? $2 : h; f = $4 > f ? $4 : f; t = $5 > t ? $5 : t }
  !($1 in at) { at[$1] = $3; if ($1 > last) last = $1 }
  END {
    printf "  RSS when label k is written (k: MB):"
    for (k = 5; k <= last; k += 5) if (k in at) printf " %d: %.0f", k, at[k] / 1024
    printf "\n"
    printf "  peak RSS after the first 5 labels %.1f MB, after all %d: %.1f MB (%+.1f %%)\n", h5 / 1024, n, h / 1024, (h / h5 - 1) * 100
    printf "  open file descriptors: at most %d up to 5 labels, at most %d over the whole run\n", f5, f
    printf "  threads: at most %d up to 5 labels, at most %d over the whole run\n", t5, t
    exit (h > h5 * 1.10 || f > f5 || t > t5) }' "$work/samples.txt" && echo "  PASS: nothing grows with the label count" ||
  { echo "  FAIL: peak RSS grew by more than 10 %, or descriptors or threads grew"; exit 1; }
echo "  $(grep -c . "$work/samples.txt") samples; labels written: $(labels)"
