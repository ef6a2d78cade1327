#!/usr/bin/env bash
# gnas's training speed against the original Python trainer (bench/python_reference.py: the
# original's network, a DataLoader with 2 workers and per-image torchvision transforms,
# torch.set_num_threads(2), the recipe of DESIGN 1.5) in the same run, on the same files:
# Fashion-MNIST in the CIFAR-100 binary layout as in bench/train.sh, the original's searched
# architecture (bench/reference_architectures.csv, index 0), 1 epoch over the first SUBSET training
# images (test 1000), images/s of the training phase (data loading included). gnas runs with its
# own defaults (num_threads 0: every CPU). The two alternate, gnas then Python, ROUNDS times per
# batch size; the table gives each round and the means, ratio = gnas / python. First the reference
# network is checked against the original's logits (network_final.pt, network_all.pt: < 1e-5).
# A second shape, the quickstart's (config/quickstart.yml: Fashion-MNIST as it is, 28x28x1, 10
# classes, batch 64, Adam lr 1e-3, crop padding 2 and flip), times the same two trainers on the
# same network at that shape (the Python reference reads the images from a 28x28x1 file in the
# same record layout).
# usage: [ROUNDS=2] [BATCHES="128"] [SHAPES="original quickstart"] [PYTHON=/usr/bin/python3]
#        bench/python_trainer.sh [SUBSET]
#        (default SUBSET 5000; BATCHES="128 1024" adds batch 1024 at the original's shape;
#        PYTHON: an interpreter with Debian's python3-torch 1.13 and python3-torchvision 0.14)
set -euo pipefail
cd "$(dirname "$0")/.."
subset=${1:-5000}
rounds=${ROUNDS:-2}
batches=${BATCHES:-128}
shapes=${SHAPES:-original quickstart}
python=${PYTHON:-/usr/bin/python3}
if ! "$python" -c 'import torch, torchvision' 2>/dev/null; then
  echo "$python cannot import torch and torchvision: apt-get install python3-torch" \
    "python3-torchvision (Debian 12), or PYTHON=<an interpreter that can>" >&2
  exit 2
fi
bin=build/bin/train
[ -x "$bin" ] || bash scripts/setup.sh >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fm=/usr/share/datasets/fashion-mnist
seed=../shared/data/seed
source bench/fashion_mnist_cifar.sh
fashion_mnist_as_cifar100 "$work/data"

arch=$(sed -n 2p bench/reference_architectures.csv | cut -d, -f2)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
echo "gnas vs the original Python trainer ($(date -u +%F), $(nproc) cores, $cpu)"
torch_version=$("$python" -c 'import torch; print(torch.__version__)')
echo "architecture: $arch (the original's searched one); Python reference on torch $torch_version"
"$python" bench/python_reference.py --check "$seed/network_final.pt" --arch "$arch"
"$python" bench/python_reference.py --check "$seed/network_all.pt" \
  --arch 111111-111111-111111-111111-111111
echo "1 epoch over $subset training images (test 1000), images/s of the training phase," \
  "$rounds rounds"
# the quickstart's shape: Fashion-MNIST as it is, 28x28x1, one record per image as above
"$python" - "$fm" "$work/data/fm28.bin" <<'PY'
import gzip, sys
import numpy as np
fm, out = sys.argv[1], sys.argv[2]
images = np.frombuffer(gzip.open(fm + "/train-images-idx3-ubyte.gz").read(), np.uint8, offset=16)
labels = np.frombuffer(gzip.open(fm + "/train-labels-idx1-ubyte.gz").read(), np.uint8, offset=8)
records = np.zeros((labels.size, 2 + 784), np.uint8)
records[:, 1] = labels
records[:, 2:] = images.reshape(-1, 784)
records.tofile(out)
PY

common=(--set "dataset_dir=$work/data" --set "log_dir=$work/logs" --set "write_dir=$work/ckpt"
        --set print_freq=100000 --arch-file bench/reference_architectures.csv --index 0)
summary() { sed -n "s/^$1: //p" "$work/logs/train_final_summary.yml"; }
# gnas SHAPE BATCH, python_ref SHAPE BATCH: "images/s top-1" of one epoch
gnas() {
  local shape=(--set "dataset_dir=$work/data")
  [[ $1 == quickstart ]] && shape=(--cfg config/quickstart.yml --set train_portion=1 --set input_size=28
    --set macs_budget=11)
  "$bin" --load-architecture "${shape[@]}" "${common[@]:2}" --set epochs=1 --set "batch_size=$2" \
    --set "train_subset=$subset" --set test_subset=1000 >"$work/log" 2>&1 ||
    { cat "$work/log" >&2; exit 1; }
  echo "$(summary images_per_second) $(summary final_top1)"
}
python_ref() {
  local shape=(--data "$work/data/cifar-100-binary/train.bin"
               --test "$work/data/cifar-100-binary/test.bin")
  [[ $1 == quickstart ]] && shape=(--data "$work/data/fm28.bin" --input-size 28 --channels 1
    --classes 10 --mean 0.2860 --std 0.3530 --optimizer adam --lr 0.001 --weight-decay 0
    --padding 2)
  "$python" bench/python_reference.py "${shape[@]}" --subset "$subset" --test-subset 1000 \
    --batch "$2" --arch "$arch" --threads 2 --workers 2 --epochs 1 >"$work/log" 2>&1 ||
    { cat "$work/log" >&2; exit 1; }
  sed -n 's/^epoch 1\/1: images_per_second \([0-9.]*\) .* test_top1 \([0-9.na]*\) .*$/\1 \2/p' \
    "$work/log"
}

printf '  %-10s %-6s %-6s %14s %14s %8s %10s %10s\n' shape batch round "gnas img/s" \
  "python img/s" ratio "gnas top1" "py top1"
for shape in $shapes; do
  list=$batches
  [[ $shape == quickstart ]] && list=64
  for batch in $list; do
    g_sum=0 p_sum=0
    for ((r = 1; r <= rounds; ++r)); do
      read -r g g_top1 <<<"$(gnas "$shape" "$batch")"
      read -r p p_top1 <<<"$(python_ref "$shape" "$batch")"
      [[ -n $g && -n $p ]] || { echo "no images/s read (gnas '$g', python '$p')" >&2; exit 1; }
      printf '  %-10s %-6s %-6s %14s %14s %8s %10s %10s\n' "$shape" "$batch" "$r" "$g" "$p" \
        "$(awk -v a="$g" -v b="$p" 'BEGIN { printf "%.2f", a / b }')" "$g_top1" "$p_top1"
      g_sum=$(awk -v s="$g_sum" -v a="$g" 'BEGIN { print s + a }')
      p_sum=$(awk -v s="$p_sum" -v a="$p" 'BEGIN { print s + a }')
    done
    awk -v s="$shape" -v b="$batch" -v g="$g_sum" -v p="$p_sum" -v n="$rounds" \
      'BEGIN { printf "  %-10s %-6s %-6s %14.1f %14.1f %8.2f\n", s, b, "mean", g / n, p / n, g / p }'
  done
done
