#!/usr/bin/env bash
# Predictor benchmark, on synthetic labels of the layer-wise space (bench/synthetic_labels.awk) or,
# with TABLE=PATH, on a benchmark table's published accuracies in the NAS-Bench-201 space
# (config/nasbench201.yml):
#  1. quality: Kendall tau on TEST held-out architectures (the last TEST of 250 + TEST drawn)
#     after training on the first 50 / 100 / 250, for every variant, mean over SEEDS seeds (each
#     seed draws its own architectures, noise, initialisation and validation split); TEST is 50
#     (the original's protocol) on synthetic labels and 1000 on a table, where labels cost nothing;
#  2. speed: training time of the default predictor on 250 labels, and batched inference
#     graphs/s on 10,000 sampled architectures.
# usage: [ONLY=REGEX] [VARIANTS=FILE] [TABLE=PATH] [TEST=N] bench/predictor.sh [SEEDS] [BUILD_DIR]
#        (ONLY: run the variants whose name matches, e.g. ONLY='64 wide|default'; VARIANTS: more
#        variants, one `name|--set key=value ...` per line, run after the built-in ones)
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-5}
bin=${2:-build}/bin
[ -x "$bin/train_predictor" ] || bash scripts/setup.sh >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Every variant names its type and features, so that none inherits the config file's choice.
T="--set predictor.variant=tuned --set predictor.type=gnn --set predictor.graph_features=[] --set predictor.ensemble=1"
variants=(
  "original gnn (128 wide)|--set predictor.variant=original --set predictor.type=gnn"
  "original mlp|--set predictor.variant=original --set predictor.type=mlp"
  "tuned gnn, degree features, 128 wide|$T --set predictor.node_features=degree --set predictor.hidden=128 --set predictor.ranking_weight=0 --set predictor.ensemble=1"
  "tuned gnn, op features, 128 wide|$T --set predictor.node_features=ops --set predictor.hidden=128 --set predictor.ranking_weight=0 --set predictor.ensemble=1"
  "tuned gnn, op features, 64 wide|$T --set predictor.node_features=ops --set predictor.hidden=64 --set predictor.ranking_weight=0 --set predictor.ensemble=1"
  "tuned gnn, op features, 32 wide|$T --set predictor.node_features=ops --set predictor.hidden=32 --set predictor.ranking_weight=0 --set predictor.ensemble=1"
  "  ... 64 wide + ranking loss|$T --set predictor.node_features=ops --set predictor.hidden=64 --set predictor.ranking_weight=1 --set predictor.ensemble=1"
  "  ... 64 wide + ensemble of 5|$T --set predictor.node_features=ops --set predictor.hidden=64 --set predictor.ranking_weight=0 --set predictor.ensemble=5"
  "tuned mlp (128 wide)|$T --set predictor.type=mlp --set predictor.hidden=128 --set predictor.ranking_weight=0 --set predictor.ensemble=1"
  "gnn 64 wide + graf|$T --set predictor.hidden=64 --set predictor.graph_features=[graf]"
  "gnn 64 wide + graf + cost|$T --set predictor.hidden=64 --set predictor.graph_features=[graf,cost]"
  "gnn 64 wide + graf + cost, ensemble of 5|$T --set predictor.hidden=64 --set predictor.graph_features=[graf,cost] --set predictor.ensemble=5"
  "mlp 128 wide + graf|$T --set predictor.type=mlp --set predictor.hidden=128 --set predictor.graph_features=[graf]"
  "mlp 128 wide + graf + cost|$T --set predictor.type=mlp --set predictor.hidden=128 --set predictor.graph_features=[graf,cost]"
  "mlp 256 wide + graf + cost|$T --set predictor.type=mlp --set predictor.hidden=256 --set predictor.graph_features=[graf,cost]"
  "mlp 128 wide + graf + cost, ensemble of 5|$T --set predictor.type=mlp --set predictor.hidden=128 --set predictor.graph_features=[graf,cost] --set predictor.ensemble=5"
  "mlp 128 wide + graf + cost + synflow|$T --set predictor.type=mlp --set predictor.hidden=128 --set predictor.graph_features=[graf,cost,synflow]"
  "mlp 128 wide + graf + cost + synflow, ens. 5|$T --set predictor.type=mlp --set predictor.hidden=128 --set predictor.graph_features=[graf,cost,synflow] --set predictor.ensemble=5"
  "gnn 64 wide + graf + cost + synflow, ens. 5|$T --set predictor.hidden=64 --set predictor.graph_features=[graf,cost,synflow] --set predictor.ensemble=5"
  "default config|"
)
if [ -n "${VARIANTS:-}" ]; then
  while IFS= read -r line; do [ -n "$line" ] && variants+=("$line"); done <"$VARIANTS"
fi

table=${TABLE:-}
cfg=()
if [ -n "$table" ]; then
  test_count=${TEST:-1000}
  # uniform samples: the predictor is judged on the space, not on a proxy's favourites
  cfg=(--cfg config/nasbench201.yml --set "benchmark_table=$table" --set sampling.prescreen=0)
  labels="NAS-Bench-201 table $table"
else
  test_count=${TEST:-50}
  labels="synthetic labels"
fi
drawn=$((250 + test_count))
echo "predictor benchmark: $labels, test = last $test_count of $drawn, mean of $seeds seeds ($(date -u +%F), $(nproc) cores)"
for s in $(seq 0 $((seeds - 1))); do
  d="$work/seed$s"
  files=(--set "log_dir=$d" --set "path_to_architecture=$d/architecture.csv"
         --set "path_to_train_data=$d/train_data.csv")
  "$bin/generate" "${cfg[@]}" "${files[@]}" --set seed=$s --set sample_count=$drawn 2>/dev/null
  if [ -n "$table" ]; then
    "$bin/train" "${cfg[@]}" "${files[@]}" --load-architecture --train-data 2>/dev/null
  else
    awk -F, -v seed=$((s + 1)) -v noise=0.005 -f bench/synthetic_labels.awk "$d/architecture.csv" >"$d/train_data.csv"
  fi
done
printf '%-40s %8s %8s %8s   %s\n' variant "tau@50" "tau@100" "tau@250" "train s @250 (mean)"
for entry in "${variants[@]}"; do
  name=${entry%%|*}
  [[ -z ${ONLY:-} || $name =~ ${ONLY:-} ]] || continue
  read -r -a flags <<<"${entry#*|}"
  for s in $(seq 0 $((seeds - 1))); do
    d="$work/seed$s"
    "$bin/evaluate" "${cfg[@]}" --set "log_dir=$d/curve" --set "path_to_train_data=$d/train_data.csv" --set seed=$s \
      --set predictor.test_count=$test_count --set predictor.test_split=last "${flags[@]}" --learning-curve --sizes 50,100,250 2>/dev/null >/dev/null
    tail -n +2 "$d/curve/learning_curve.csv"
  done | awk -F, -v name="$name" -v n="$seeds" '
    { tau[$1] += $2; if ($1 == 250) secs += $5 }
    END { printf "%-40s %8.3f %8.3f %8.3f   %.1f\n", name, tau[50] / n, tau[100] / n, tau[250] / n, secs / n }'
done

d="$work/seed0"
echo "speed of the default predictor (seed 0):"
"$bin/train_predictor" "${cfg[@]}" --set "log_dir=$d/speed" --set "path_to_train_data=$d/train_data.csv" \
  --set "path_to_save_predictor=$d/predictor.pt" --set predictor.test_count=$test_count 2>/dev/null
grep -E '^(n_train|train_seconds|kendall_tau):' "$d/speed/train_predictor_summary.yml" | sed 's/^/  /'
"$bin/evaluate" "${cfg[@]}" --set "log_dir=$d/speed" --set "predictor_pretrained=$d/predictor.pt" \
  --set "path_to_train_data=$d/train_data.csv" --predictor --speed 10000 2>/dev/null | sed 's/^/  /'
weights=../shared/data/seed/predictor_weights.pt
if [ -z "$table" ] && [ -f "$weights" ]; then
  echo "speed of the original's 128-wide GNN (its weights, $weights):"
  "$bin/evaluate" --set "log_dir=$d/speed128" --set "predictor_pretrained=$weights" \
    --set "path_to_train_data=$d/train_data.csv" --predictor --speed 10000 2>/dev/null | tail -1 | sed 's/^/  /'
fi
