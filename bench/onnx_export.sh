#!/usr/bin/env bash
# ONNX export check (evaluate --export-onnx): for every reference architecture
# (bench/reference_architectures.csv) at the original's shape (32x32x3, 100 classes,
# config/config.yml) and the quickstart's (28x28x1, 10 classes), the OpenCV DNN vs LibTorch
# logit difference on the check batch (max |difference| and relative to the logits' scale;
# accepted up to 1e-4), the graph's node count, the file size and the seconds per export; then
# NAS-Bench-201 cells (every op on every edge, two mixed cells) at 32x32x3.
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
    "$bin/evaluate" --cfg "$cfg" --set "log_dir=$work" --set "input_size=${shape%%x*}" --export-onnx \
      --arch-file bench/reference_architectures.csv --index "$i" >"$work/out" 2>/dev/null
    s="$work/evaluate_export_onnx_summary.yml"
    nodes=$(sed -n 's/.*(\([0-9]*\) nodes;.*/\1/p' "$work/out")
    printf '%-11s %-36s %14s %14s %6s %9.0f %7s\n' "$shape" "$(value arch "$s")" \
      "$(value check_max_abs_difference "$s")" "$(value check_relative_difference "$s")" "$nodes" \
      "$(echo "$(stat -c %s "$work/architecture_$i.onnx") / 1024" | bc -l)" "$(value seconds "$s")"
  done
done
printf '%s\n' "arch" "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|" \
  "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|" \
  "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|" \
  "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|" \
  "|avg_pool_3x3~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|" \
  "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|" \
  "|none~0|+|none~0|none~1|+|nor_conv_3x3~0|nor_conv_1x1~1|none~2|" >"$work/cells.csv"
printf 'arch,test_acc\n' >"$work/table.csv"
for i in $(seq 0 6); do
  "$bin/evaluate" --set search_space=nasbench201 --set "benchmark_table=$work/table.csv" --set macs_budget=0 \
    --set classes=10 --set "log_dir=$work" --export-onnx --arch-file "$work/cells.csv" --index "$i" >"$work/out" 2>/dev/null
  s="$work/evaluate_export_onnx_summary.yml"
  nodes=$(sed -n 's/.*(\([0-9]*\) nodes;.*/\1/p' "$work/out")
  printf '%-11s %-36s %14s %14s %6s %9.0f %7s\n' "nb201" "$(value arch "$s" | cut -c1-36)" \
    "$(value check_max_abs_difference "$s")" "$(value check_relative_difference "$s")" "$nodes" \
    "$(echo "$(stat -c %s "$work/architecture_$i.onnx") / 1024" | bc -l)" "$(value seconds "$s")"
done
