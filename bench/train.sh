#!/usr/bin/env bash
# Training benchmarks of `train` on real images: Fashion-MNIST from Debian's dataset-fashion-mnist,
# written in the CIFAR-100 binary layout (32x32 zero-padded, 3 channels, 100 classes) exactly as
# the original code was measured on this machine, trained with the original recipe (DESIGN 1.5).
#   speed    images/s of the original's searched architecture, whole epochs of SUBSET training
#            images, batch 128 and 1024, channels_last on and off
#   accuracy the full 60,000 / 10,000, batch 128, SGD lr 0.1, 3 epochs, step_size 2
#   memory   peak RSS of `train --train-data` after 2 and after 20 architectures
# usage: [BIN=DIR] bench/train.sh [speed|accuracy|memory|all] [SUBSET]   (defaults: all 10000;
#        BIN: the folder of the executables, build/bin by default, e.g. another build to compare)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
subset=${2:-10000}
bin=${BIN:-build/bin}/train
[ -n "${BIN:-}" ] || [ -x "$bin" ] || bash scripts/setup.sh >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source bench/fashion_mnist_cifar.sh
fashion_mnist_as_cifar100 "$work/data"

# The original recipe of config/config.yml on these files; the run's own settings come after.
common=(--set "dataset_dir=$work/data" --set "log_dir=$work/logs" --set "write_dir=$work/ckpt"
        --set print_freq=100000 --arch-file bench/reference_architectures.csv --index 0)
summary() { sed -n "s/^$1: //p" "$work/logs/train_final_summary.yml"; }
echo "train benchmarks ($(date -u +%F), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
echo "architecture: $(sed -n 2p bench/reference_architectures.csv | cut -d, -f2) (the original's searched one)"

if [[ $what == speed || $what == all ]]; then
  echo "speed: 1 epoch over $subset training images (test_subset 1000), images/s of the training phase"
  printf '  %-6s %-14s %12s\n' batch channels_last images/s
  for batch in 128 1024; do
    for cl in true false; do
      "$bin" --load-architecture "${common[@]}" --set epochs=1 --set "batch_size=$batch" \
        --set "train_subset=$subset" --set test_subset=1000 --set "channels_last=$cl" >"$work/log" 2>&1 ||
        { cat "$work/log"; exit 1; }
      printf '  %-6s %-14s %12s\n' "$batch" "$cl" "$(summary images_per_second)"
    done
  done
fi

if [[ $what == accuracy || $what == all ]]; then
  echo "accuracy: 60000 / 10000 images, batch 128, 3 epochs, lr 0.1 0.1 0.01 (step_size 2)"
  "$bin" --load-architecture "${common[@]}" --set epochs=3 --set batch_size=128 --set step_size=2 \
    >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
  sed -n 's/^.*\(epoch [0-9]\/3: .*\)$/  \1/p' "$work/log"
  echo "  final test top-1 $(summary final_top1), best $(summary best_top1), $(summary seconds) s"
fi

if [[ $what == memory || $what == all ]]; then
  echo "memory: train --train-data, 1 epoch of 512 images per architecture, repeats 1"
  "${BIN:-build/bin}/generate" --set "path_to_architecture=$work/archs.csv" --set sample_count=20 \
    --set "log_dir=$work/logs" >/dev/null 2>&1
  for n in 2 20; do
    head -n $((n + 1)) "$work/archs.csv" >"$work/archs$n.csv"
    "$bin" --load-architecture --train-data "${common[@]:0:8}" --set repeats=1 --set epochs=1 \
      --set batch_size=128 --set train_subset=512 --set test_subset=256 \
      --set "path_to_architecture=$work/archs$n.csv" --set "path_to_train_data=$work/labels$n.csv" \
      >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
    printf '  peak RSS after %2d architectures: %s MB\n' "$n" "$(summary peak_rss_mb)"
  done
fi
