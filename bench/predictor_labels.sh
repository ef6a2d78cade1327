#!/usr/bin/env bash
# Predictors on real labels: what a labelling run's train_data.csv lets each predictor learn.
# For every variant, SEEDS fits (seed s draws the held-out labels, test_split random, and the
# predictor's initialisation), each held out TEST labels and trained on the rest; reported: the
# mean and the standard deviation of the Kendall tau on the held-out labels, and the seconds per
# fit. Two references that learn nothing: the labels ranked by MACs and by parameter count (tau
# over every row). A predictor cannot rank better than the labels agree with themselves
# (bench/labels.sh).
# usage: [ONLY=REGEX] [VARIANTS=FILE] [TEST=15] [CFG=config/quickstart.yml]
#        bench/predictor_labels.sh TRAIN_DATA [SEEDS] [BUILD_DIR]
#        (VARIANTS: more variants, one `name|--set key=value ...` per line)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:?usage: bench/predictor_labels.sh TRAIN_DATA [SEEDS] [BUILD_DIR]}
seeds=${2:-10}
bin=${3:-build}/bin
test_count=${TEST:-15}
cfg=${CFG:-config/quickstart.yml}
[ -f "$data" ] || { echo "$data: no such file" >&2; exit 2; }
[ -x "$bin/train_predictor" ] || bash scripts/setup.sh >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

T="--set predictor.variant=tuned --set predictor.graph_features=[] --set predictor.ensemble=1"
variants=(
  "config's predictor|"
  "gnn, op features|$T --set predictor.type=gnn"
  "gnn + cost|$T --set predictor.type=gnn --set predictor.graph_features=[cost]"
  "mlp|$T --set predictor.type=mlp"
  "mlp + cost|$T --set predictor.type=mlp --set predictor.graph_features=[cost]"
  "mlp + graf + cost|$T --set predictor.type=mlp --set predictor.graph_features=[graf,cost]"
  "mlp + graf + cost, ensemble of 5|$T --set predictor.type=mlp --set predictor.graph_features=[graf,cost] --set predictor.ensemble=5"
  "mlp + synflow + cost|$T --set predictor.type=mlp --set predictor.graph_features=[synflow,cost]"
  "xgboost + graf + cost|$T --set predictor.type=xgboost --set predictor.graph_features=[graf,cost]"
)
if [ -n "${VARIANTS:-}" ]; then
  while IFS= read -r line; do [ -n "$line" ] && variants+=("$line"); done <"$VARIANTS"
fi

rows=$(($(wc -l <"$data") - 1))
echo "predictors on $data ($rows labels; $(date -u +%F), $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1))"
echo "$seeds fits per variant, each holding out $test_count labels (test_split random, seed s)"
# references: Kendall tau of a column against the labels (mean) over every row
ref() {
  awk -F, -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == c) x = i; if ($i == "mean") y = i }; next }
    { n++; a[n] = $x; b[n] = $y }
    END { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) {
            s = (a[i] - a[j]) * (b[i] - b[j]); t += (s > 0) - (s < 0); m++ }
          printf "%.3f", t / m }' "$data"
}
echo "references over every row: MACs $(ref macs_m), parameters $(ref params)"
printf '%-40s %9s %6s %9s\n' variant "mean tau" sd "s/fit"
for entry in "${variants[@]}"; do
  name=${entry%%|*}
  [[ -z ${ONLY:-} || $name =~ ${ONLY:-} ]] || continue
  read -r -a flags <<<"${entry#*|}"
  taus=() start=$(date +%s.%N)
  for ((s = 0; s < seeds; ++s)); do
    d="$work/$s"
    mkdir -p "$d"
    "$bin/train_predictor" --cfg "$cfg" --set seed=$s --set "path_to_train_data=$data" \
      --set "log_dir=$d" --set "path_to_save_predictor=$d/predictor.pt" \
      --set "predictor.feature_cache=$work/cache" --set predictor.test_split=random \
      --set "predictor.test_count=$test_count" "${flags[@]}" >"$d.log" 2>&1 ||
      { echo "$name, seed $s failed:" >&2; tail -3 "$d.log" >&2; exit 1; }
    taus+=("$(sed -n 's/^kendall_tau: //p' "$d/train_predictor_summary.yml")")
  done
  end=$(date +%s.%N)
  printf '%s\n' "${taus[@]}" | awk -v name="$name" -v secs="$(awk -v a="$start" -v b="$end" -v n="$seeds" 'BEGIN { print (b - a) / n }')" \
    '{ n++; s += $1; q += $1 * $1 }
     END { m = s / n; printf "%-40s %9.3f %6.3f %9.1f\n", name, m, sqrt((q / n - m * m) > 0 ? q / n - m * m : 0), secs }'
done
