#!/usr/bin/env bash
# Label noise of labelling recipes at the quickstart's shape (config/quickstart.yml, Fashion-MNIST
# from Debian's dataset-fashion-mnist): for every recipe, K (12) uniform architectures of the
# space (drawn with SEED) are labelled and then trained once more with a fresh seed
# (labels.agreement_check K); reported: label_agreement_tau (Kendall tau between the two
# trainings), Spearman, the median |difference| in points, the labels' spread (sd, points),
# the seconds per training and the reliability (the share of the labels' variance that is not
# training noise). A predictor cannot rank better than its labels agree. The labels are what
# labels.measure says (a recipe row may set it); the last three columns give the same trainings'
# agreement by each measure (best top-1, last training loss, last validation loss).
# usage: [K=12] [ONLY=REGEX] [RECIPES=FILE] [KEEP=DIR] bench/labels.sh [SEED] [BUILD_DIR]
#        RUNS="RUN_DIR ..." bench/labels.sh   (the same columns for finished runs, nothing trained)
#   (KEEP: the runs' folders stay in DIR, one per recipe, for a closer look)
#   (RECIPES: more recipes, one `name|--set key=value ...` per line)
set -euo pipefail
cd "$(dirname "$0")/.."
seed=${1:-0}
bin=${2:-build}/bin
k=${K:-12}
[ -x "$bin/train" ] || bash scripts/setup.sh >&2
if [ -n "${KEEP:-}" ]; then work=$KEEP; mkdir -p "$work"; else work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
value() { sed -n "s/^ *$1: //p" "$2" | head -1; }
# measure_tau RUN_DIR COLUMN: Kendall tau between the K labelled trainings and their second
# trainings by one measure of their epochs.csv files: eval_top1 (best over the epochs, as
# best_top1), train_loss or eval_loss (the last epoch's; lower is better, so negated), or a sum
# of losses such as train_loss+eval_loss (the last epoch's, negated); "-" when a column is absent
measure_tau() {
  local f g
  for f in "$1"/train/*_check/epochs.csv; do
    local r1=${f%_check/epochs.csv}_r1/epochs.csv
    [ -f "$r1" ] || continue
    for g in "$r1" "$f"; do
      awk -F, -v c="$2" 'NR == 1 { n = split(c, want, "+"); found = 0
                                   for (i = 1; i <= NF; i++) for (k = 1; k <= n; k++) if ($i == want[k]) { col[k] = i; found++ }
                                   next }
        found == n { if (c == "eval_top1") { v = $col[1]; if (NR == 2 || v > best) best = v }
                     else { best = 0; for (k = 1; k <= n; k++) best -= $col[k] } }
        END { printf "%s ", found == n ? best : "-" }' "$g"
    done
    echo
  done | awk '$1 == "-" || $2 == "-" { bad = 1 } { n++; a[n] = $1; b[n] = $2 }
    END { if (bad || n < 2) { print "-"; exit }
          for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) {
            s = (a[i] - a[j]) * (b[i] - b[j]); t += (s > 0) - (s < 0); m++ }
          printf "%.3f\n", t / m }'
}

# RUNS="DIR ...": no training; the agreement of each run folder's labels with its agreement check
# (labels.agreement_check) by every measure, from the epochs.csv files the runs left.
if [ -n "${RUNS:-}" ]; then
  printf '%-40s %8s %8s %8s %10s\n' run best_top1 trn_loss eval_loss trn+eval
  for d in $RUNS; do
    row=()
    for column in eval_top1 train_loss eval_loss train_loss+eval_loss; do row+=("$(measure_tau "$d" "$column")"); done
    printf '%-40s %8s %8s %8s %10s\n' "$d" "${row[@]}"
  done
  exit 0
fi

recipes=(
  "quickstart as shipped|"
  "common random numbers|--set labels.common_random_numbers=true"
  "BN recalibrated (10 batches)|--set labels.bn_recalibration=10"
  "CRN + BN recalibrated|--set labels.common_random_numbers=true --set labels.bn_recalibration=10"
  "CRN + BN + lr 0.05|--set labels.common_random_numbers=true --set labels.bn_recalibration=10 --set optim_state.lr=0.05"
  "CRN + BN + 2x validation images|--set labels.common_random_numbers=true --set labels.bn_recalibration=10 --set train_subset=3600 --set train_portion=0.6667"
  "Adam 1e-3, batch 64|--set optim_state.optimizer=adam --set optim_state.lr=0.001 --set optim_state.weight_decay=0 --set batch_size=64"
  "Adam, batch 64, 3,000 validation images|--set optim_state.optimizer=adam --set optim_state.lr=0.001 --set optim_state.weight_decay=0 --set batch_size=64 --set train_subset=5400 --set train_portion=0.444445"
  "Adam, batch 64, 3,000 val, train_loss labels|--set optim_state.optimizer=adam --set optim_state.lr=0.001 --set optim_state.weight_decay=0 --set batch_size=64 --set train_subset=5400 --set train_portion=0.444445 --set labels.measure=train_loss"
)
if [ -n "${RECIPES:-}" ]; then
  while IFS= read -r line; do [ -n "$line" ] && recipes+=("$line"); done <"$RECIPES"
fi

echo "label noise at the quickstart's shape ($(date -u +%F), $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)); $k architectures (seed $seed) trained twice per recipe"
printf '%-36s %6s %9s %11s %9s %11s %10s %8s %8s %8s\n' recipe tau spearman "median|d|" "sd label" reliability \
  "s/training" best_top1 trn_loss eval_loss
for entry in "${recipes[@]}"; do
  name=${entry%%|*}
  [[ -z ${ONLY:-} || $name =~ ${ONLY:-} ]] || continue
  read -r -a flags <<<"${entry#*|}"
  d="$work/$(echo "$name" | tr -c 'a-zA-Z0-9' _)"
  s=(--cfg config/quickstart.yml --set seed=$seed --set sample_count=$k --set labels.agreement_check=$k
     --set repeats=1 --set "log_dir=$d" --set "write_dir=$d/checkpoints"
     --set "path_to_architecture=$d/architecture.csv" --set "path_to_train_data=$d/train_data.csv" "${flags[@]}")
  "$bin/generate" "${s[@]}" 2>"$d.generate.log" || { echo "$name: generate failed:" >&2; cat "$d.generate.log" >&2; exit 2; }
  start=$(date +%s.%N)
  "$bin/train" "${s[@]}" --load-architecture --train-data 2>"$d.log" >/dev/null
  end=$(date +%s.%N)
  sum="$d/train_labels_summary.yml"
  sd=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "mean") c = i; next }
                { n++; s += $c; q += $c * $c } END { printf "%.2f", 100 * sqrt(q / n - (s / n) ^ 2) }' "$d/train_data.csv")
  # reliability: 1 - (noise variance, mean squared difference of the two trainings / 2) / (variance
  # of all 2K labels) -- the share of the labels' variance that the architectures explain
  rel=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "top1_1") a = i; if ($i == "top1_check") b = i }; next }
                 { n++; d += ($a - $b) ^ 2; s += $a + $b; q += $a ^ 2 + $b ^ 2 }
                 END { v = q / (2 * n) - (s / (2 * n)) ^ 2; printf "%.2f", (v > 0 ? 1 - d / (2 * n) / v : 0) }' "$d/label_agreement.csv")
  # the same trainings' agreement by the other measures, from their epochs.csv files
  other=()
  for column in eval_top1 train_loss eval_loss; do
    other+=("$(measure_tau "$d" "$column")")
  done
  printf '%-36s %6s %9s %11.2f %9s %11s %10.1f %8s %8s %8s\n' "$name" "$(value label_agreement_tau "$sum")" \
    "$(value label_agreement_spearman "$sum")" "$(awk -v m="$(value label_spread_median "$sum")" 'BEGIN { print 100 * m }')" \
    "$sd" "$rel" "$(awk -v a="$start" -v b="$end" -v n="$k" 'BEGIN { print (b - a) / (2 * n) }')" "${other[@]}"
done
