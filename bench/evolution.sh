#!/usr/bin/env bash
# Evolution benchmark: DESIGN 1.7's default settings (1000 generations, population 20) with the
# default predictor, trained on 300 architectures with synthetic labels (bench/synthetic_labels.awk),
# on this machine's CPU; then the random-search baseline with the same number of queries.
# Reports the search's seconds, predictions/s and the whole process's wall time.
# usage: bench/evolution.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/bin
[ -x "$bin/evolution" ] || bash scripts/setup.sh >&2
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
set_common=(--set "log_dir=$d" --set "path_to_architecture=$d/architecture.csv"
            --set "path_to_train_data=$d/train_data.csv" --set "path_to_save_predictor=$d/predictor.pt"
            --set "predictor_pretrained=$d/predictor.pt" --set "path_to_evolution_architecture=$d/best.csv")
"$bin/generate" "${set_common[@]}" --set sample_count=300 2>/dev/null
awk -F, -v seed=1 -v noise=0.005 -f bench/synthetic_labels.awk "$d/architecture.csv" >"$d/train_data.csv"
"$bin/train_predictor" "${set_common[@]}" 2>/dev/null
echo "evolution benchmark ($(date -u +%F), $(nproc) cores): default predictor ($(sed -n 's/^variant: //p' "$d/train_predictor_summary.yml"), hidden $(sed -n 's/^  hidden: \([0-9]*\).*/\1/p' "$d/train_predictor_config.yml")), macs_budget 15"
for mode in evolution random; do
  flag=()
  [ "$mode" = random ] && flag=(--random-search)
  start=$(date +%s.%N)
  "$bin/evolution" "${set_common[@]}" "${flag[@]}" 2>/dev/null
  end=$(date +%s.%N)
  s="$d/evolution_summary.yml"
  [ "$mode" = random ] && s="$d/random_search_summary.yml"
  printf '  %-13s best %s predicted %s, %s M MACs; %s scored, search %s s (%s predictions/s), process %.2f s\n' \
    "$(sed -n 's/^mode: //p' "$s")" "$(sed -n 's/^best_arch: //p' "$s")" "$(sed -n 's/^best_predicted: //p' "$s")" \
    "$(sed -n 's/^best_macs_m: //p' "$s")" "$(sed -n 's/^unique_evaluated: //p' "$s")" \
    "$(sed -n 's/^search_seconds: //p' "$s")" "$(sed -n 's/^predictions_per_second: //p' "$s")" \
    "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
done
