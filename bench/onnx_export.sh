#!/usr/bin/env bash
# ONNX export check (evaluate --export-onnx): for every reference architecture
# (bench/reference_architectures.csv) at the original's shape (32x32x3, 100 classes,
# config/config.yml) and the quickstart's (28x28x1, 10 classes), the OpenCV DNN vs LibTorch
# logit difference on the check batch (max |difference| and relative to the logits' scale;
# accepted up to 1e-4), the graph's node count, the file size and the seconds per export.
# usage: bench/onnx_export.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/bin
[ -x "$bin/evaluate" ] || bash scripts/setup.sh >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
value() { sed -n "s/^ *$1: //p" "$2" | head -1; }
rows=$(($(wc -l <bench/reference_architectures.csv) - 1))
echo "ONNX export check ($(date -u +%F), $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1))"
printf '%-11s %-36s %14s %14s %6s %9s %7s\n' shape arch "max |diff|" relative nodes "size KiB" seconds
for cfg in config/config.yml config/quickstart.yml; do
  shape=$([ "$cfg" = config/config.yml ] && echo 32x32x3 || echo 28x28x1)
  for i in $(seq 0 $((rows - 1))); do
    "$bin/evaluate" --cfg "$cfg" --set "log_dir=$work" --export-onnx \
      --arch-file bench/reference_architectures.csv --index "$i" >"$work/out" 2>/dev/null
    s="$work/export_onnx_summary.yml"
    nodes=$(sed -n 's/.*(\([0-9]*\) nodes;.*/\1/p' "$work/out")
    printf '%-11s %-36s %14s %14s %6s %9.0f %7s\n' "$shape" "$(value arch "$s")" \
      "$(value check_max_abs_difference "$s")" "$(value check_relative_difference "$s")" "$nodes" \
      "$(echo "$(stat -c %s "$work/architecture_$i.onnx") / 1024" | bc -l)" "$(value seconds "$s")"
  done
done
