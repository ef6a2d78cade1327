#!/usr/bin/env bash
# CPU latency (batch 1) of DESIGN 1.3's five reference architectures, beside their MACs, with
# 1 thread and with num_threads (0 = every CPU the process may use), LibTorch and OpenCV DNN.
# usage: bench/latency.sh [REPEATS]
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=${1:-50}
[ -x build/bin/evaluate ] || bash scripts/setup.sh >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for runtime in libtorch opencv; do
for threads in 1 0; do
  echo "latency.runtime=$runtime latency.threads=$threads (0 = num_threads, here every CPU), latency.statistic (min) of $repeats runs after 10 warm-up ($(date -u +%F), $(nproc) cores)"
  build/bin/evaluate --set "log_dir=$work" --set "latency.repeats=$repeats" --set latency.warmup=10 \
    --set "latency.threads=$threads" --set "latency.runtime=$runtime" --arch-file bench/reference_architectures.csv 2>/dev/null
done
done
