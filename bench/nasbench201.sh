#!/usr/bin/env bash
# NAS-Bench-201 benchmark: the whole pipeline in benchmark mode (config/nasbench201.yml; labels
# are looked up in TABLE) for SEEDS seeds at each label budget, against random search with the
# same number of labels (the best true accuracy among that many random architectures).
# A budget is TOTAL:ROUNDS:PER_ROUND[:VERIFY]: sample_count = TOTAL - ROUNDS x PER_ROUND - VERIFY
# random labels, then ROUNDS refinement rounds of PER_ROUND (search.rounds / search.per_round),
# then VERIFY (search.verify, default 0) of the last search's best predicted labelled.
# SETS="key=value ..." adds settings to every search run (e.g. predictor.graph_features=[graf]).
# Prints per budget: mean +- std of the true accuracy and the mean rank of the answer under both
# picks (search.pick: `evolved`, the last search's best predicted, as the original; and
# `best_labelled`, the labelled architecture with the best label), the same for random search,
# and the seconds of one whole run (generate to both lookups). Then, unless TAU=0,
# the predictor's Kendall tau at 50/100/250 labels (bench/predictor.sh with TABLE).
# usage: [BUDGETS="300:0:10 100:5:10"] [SETS=...] [TAU=1] bench/nasbench201.sh [TABLE] [SEEDS] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
table=${1:-../shared/data/nasbench201/cifar10.csv}
seeds=${2:-10}
build=${3:-build}
bin=$build/bin
budgets=${BUDGETS:-300:0:10 305:0:10:5 100:5:10}
[ -x "$bin/evolution" ] || bash scripts/setup.sh >&2
[ -f "$table" ] || { echo "nasbench201.sh: no table at $table" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

value() { sed -n "s/^$1: //p" "$2"; }

# One whole run: generate -> train (lookup) -> train_predictor -> evolution -> refinement rounds
# -> train of the searched architecture (lookup); the train summary holds its true accuracy.
pipeline() {
  local d=$1 seed=$2 sample=$3 rounds=$4 per_round=$5 verify=$6
  local s=(--cfg config/nasbench201.yml --set "benchmark_table=$table" --set seed=$seed
           --set sample_count=$sample --set search.rounds=$rounds --set search.per_round=$per_round
           --set search.verify=$verify "${extra[@]}"
           --set "log_dir=$d" --set "path_to_architecture=$d/architecture.csv"
           --set "path_to_train_data=$d/train_data.csv" --set "path_to_save_predictor=$d/predictor.pt"
           --set "predictor_pretrained=$d/predictor.pt" --set "path_to_evolution_architecture=$d/best.csv")
  "$bin/generate" "${s[@]}"
  "$bin/train" "${s[@]}" --load-architecture --train-data
  "$bin/train_predictor" "${s[@]}"
  "$bin/evolution" "${s[@]}"
  for r in $(seq 1 "$rounds"); do
    "$bin/generate" "${s[@]}" --refine "$r"
    "$bin/train" "${s[@]}" --load-architecture --train-data
    "$bin/train_predictor" "${s[@]}"
    "$bin/evolution" "${s[@]}"
  done
  if [ "$verify" -gt 0 ]; then
    "$bin/generate" "${s[@]}" --verify
    "$bin/train" "${s[@]}" --load-architecture --train-data
  fi
  "$bin/train" "${s[@]}" --load-architecture --arch-file "$d/best.csv"
  cp "$d/train_final_summary.yml" "$d/evolved_summary.yml"
  "$bin/train" "${s[@]}" --load-architecture --best-labelled
  cp "$d/train_final_summary.yml" "$d/labelled_summary.yml"
}

# The best of N random architectures of the same seed, looked up.
random_best() {
  local d=$1 seed=$2 n=$3
  local s=(--cfg config/nasbench201.yml --set "benchmark_table=$table" --set seed=$seed
           --set sample_count=$n --set sampling.prescreen=0 --set "log_dir=$d" --set "path_to_architecture=$d/architecture.csv"
           --set "path_to_train_data=$d/train_data.csv")
  "$bin/generate" "${s[@]}"
  "$bin/train" "${s[@]}" --load-architecture --train-data
  # the label (mean) is a fraction; report percent and the table rank of the best
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "mean") c = i; next }
            $c > best { best = $c } END { printf "%.4f\n", 100 * best }' "$d/train_data.csv"
}

rank_of() {  # rank of accuracy $1 (percent) in the table: 1 + the number strictly better
  awk -F, -v a="$1" 'NR > 1 && $NF + 0 > a + 1e-9 { n++ } END { print n + 1 }' "$table"
}

stats() {  # mean +- std (sample) of the numbers on stdin
  awk '{ s += $1; q += $1 * $1; n++ } END { m = s / n; v = n > 1 ? (q - n * m * m) / (n - 1) : 0;
         if (v < 0) v = 0; printf "%.2f +- %.2f", m, sqrt(v) }'
}

extra=()
for kv in ${SETS:-}; do extra+=(--set "$kv"); done
echo "NAS-Bench-201 benchmark ($(date -u +%F), $(nproc) cores): $table, $seeds seeds${SETS:+, settings: $SETS}"
echo "  table: $(($(wc -l <"$table") - 1)) architectures, best $(awk -F, 'NR > 1 && $NF > b { b = $NF } END { print b }' "$table") %"
printf '  %-22s %-16s %-9s %-16s %-9s %-16s %-9s %s\n' "labels (random+rounds)" "evolved acc %" "rank" \
  "best-label acc %" "rank" "random acc %" "rank" "s/run"
for budget in $budgets; do
  IFS=: read -r total rounds per_round verify <<<"$budget"
  verify=${verify:-0}
  sample=$((total - rounds * per_round - verify))
  : >"$work/evolved" ; : >"$work/labelled" ; : >"$work/random" ; : >"$work/seconds"
  for s in $(seq 0 $((seeds - 1))); do
    d="$work/b$total-$rounds/seed$s"
    mkdir -p "$d"
    start=$(date +%s.%N)
    pipeline "$d/search" "$s" "$sample" "$rounds" "$per_round" "$verify" 2>"$d.log" || { cat "$d.log" >&2; exit 1; }
    end=$(date +%s.%N)
    for pick in evolved labelled; do
      f="$d/search/${pick}_summary.yml"
      echo "$(awk -v t="$(value true_accuracy "$f")" 'BEGIN { printf "%.4f", 100 * t }') $(value rank "$f")" >>"$work/$pick"
    done
    awk -v a="$start" -v b="$end" 'BEGIN { print b - a }' >>"$work/seconds"
    racc=$(random_best "$d/random" "$s" "$total" 2>>"$d.log")
    echo "$racc $(rank_of "$racc")" >>"$work/random"
  done
  mean_rank() { awk '{ s += $2 } END { printf "%.1f", s / NR }' "$1"; }
  printf '  %-22s %-16s %-9s %-16s %-9s %-16s %-9s %s\n' "$total ($sample+${rounds}x$per_round+$verify)" \
    "$(cut -d' ' -f1 "$work/evolved" | stats)" "$(mean_rank "$work/evolved")" \
    "$(cut -d' ' -f1 "$work/labelled" | stats)" "$(mean_rank "$work/labelled")" \
    "$(cut -d' ' -f1 "$work/random" | stats)" "$(mean_rank "$work/random")" \
    "$(awk '{ s += $1 } END { printf "%.1f", s / NR }' "$work/seconds")"
done
if [ "${TAU:-1}" != 0 ]; then
  TABLE=$table bash bench/predictor.sh "$((seeds < 5 ? seeds : 5))" "$build"
fi
