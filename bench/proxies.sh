#!/usr/bin/env bash
# Zero-cost proxies (evaluate --proxies): their rank agreement with published accuracies and
# their speed.
#  1. NAS-Bench-201: N (1000) cells drawn with SEED, scored on the stand-in minibatch (benchmark
#     mode has no CIFAR images here), Spearman / Kendall tau of every proxy (and params, MACs)
#     against TABLE's accuracies;
#  2. the layer-wise space at the quickstart's shape (Fashion-MNIST 28x28x1, Debian's
#     dataset-fashion-mnist): architectures per second on real training images (aim >= 20 on 2
#     cores), over M (50) sampled architectures; and, when LABELS (a train_data.csv of that
#     space, e.g. a quickstart run's) is given, each proxy's agreement with those labels.
# usage: [N=1000] [M=50] [LABELS=PATH] bench/proxies.sh [TABLE] [SEED] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
table=${1:-../shared/data/nasbench201/cifar10.csv}
seed=${2:-0}
bin=${3:-build}/bin
n=${N:-1000}
m=${M:-50}
[ -x "$bin/evaluate" ] || bash scripts/setup.sh >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
value() { sed -n "s/^ *$1: //p" "$2" | head -1; }

echo "zero-cost proxies ($(date -u +%F), $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1))"
if [ -f "$table" ]; then
  s=(--cfg config/nasbench201.yml --set "benchmark_table=$table" --set seed=$seed --set sample_count=$n
     --set sampling.prescreen=0 --set "proxies.names=[synflow, nwot, grad_norm, snip, zico]"
     --set "log_dir=$work/nb" --set "path_to_architecture=$work/nb/architecture.csv")
  "$bin/generate" "${s[@]}" 2>/dev/null
  echo "NAS-Bench-201, $n cells (seed $seed), stand-in minibatch; agreement with $table:"
  "$bin/evaluate" "${s[@]}" --proxies --data "$table" 2>"$work/nb.log" | sed 's/^/  /'
  echo "  $(value archs_per_second "$work/nb/evaluate_proxies_summary.yml") cells/s"
else
  echo "no table at $table: NAS-Bench-201 part skipped"
fi

q=(--cfg config/quickstart.yml --set input_size=28 --set macs_budget=11 --set seed=$seed --set sample_count=$m --set "log_dir=$work/q"
   --set "path_to_architecture=$work/q/architecture.csv")
"$bin/generate" "${q[@]}" 2>/dev/null
echo "layer-wise space, quickstart shape (Fashion-MNIST 28x28x1), $m architectures:"
data=()
[ -n "${LABELS:-}" ] && data=(--data "$LABELS") && echo "  agreement with $LABELS:"
if [ -n "${LABELS:-}" ]; then
  "$bin/evaluate" "${q[@]}" --proxies --arch-file "$LABELS" "${data[@]}" 2>"$work/q.log" | sed 's/^/  /'
else
  "$bin/evaluate" "${q[@]}" --proxies 2>"$work/q.log" >/dev/null
fi
echo "  $(value archs_per_second "$work/q/evaluate_proxies_summary.yml") architectures/s (batch $(value batch_size "$work/q/evaluate_proxies_summary.yml"))"
