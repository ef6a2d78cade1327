#!/usr/bin/env bash
# search.race against the best label, on the same labels: for each SEED the quickstart runs once
# (its config races; `--run ${RUN}SEED --set seed=SEED`), then a copy of that run folder is
# finished again with `search.race=0`, so the two answers differ by the pick alone; their final
# trainings share the agreement check's seed (common random numbers), so their labels compare
# pair by pair. Reported per seed: the run's wall time, the label agreement and the predictor's
# tau, each answer's retrained label and the shares of the random samples it equals or beats (all
# 35, the ones within the budget, and the agreement check's trainings from its seed within the
# budget). A run folder already there is resumed (its wall time then says "resumed").
# usage: [RUN=race_s] [CFG=config/quickstart.yml] bench/race.sh SEED [SEED ...]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$#" -ge 1 ] || { echo "usage: bench/race.sh SEED [SEED ...]" >&2; exit 2; }
prefix=${RUN:-race_s}
cfg=${CFG:-config/quickstart.yml}
bash scripts/setup.sh >&2
runs=$(build/bin/generate --cfg "$cfg" --show-config 2>/dev/null | awk -F': ' '$1=="log_dir"{sub(/ +#.*/, "", $2); print $2}')
runs=${runs:-logs/quickstart}/runs
key() { awk -F': ' -v k="$2" '$1==k{sub(/ +#.*/, "", $2); print $2; exit}' "$1" 2>/dev/null || true; }
printf '%-5s %-8s %-9s %-9s %-30s %-30s\n' seed wall agreement predictor \
  "race: label, all/within/paired" "best label: label, all/within/paired"
for seed in "$@"; do
  run=$prefix$seed
  wall=resumed
  [ -d "$runs/$run" ] || wall=new
  start=$(date +%s)
  bash scripts/pipeline.sh "$cfg" --run "$run" --set seed="$seed" >"$runs/../$run.bench.log" 2>&1
  [ "$wall" = new ] && wall=$(($(date +%s) - start))s
  if [ ! -d "$runs/${run}norace" ]; then
    cp -a "$runs/$run" "$runs/${run}norace"
    rm -f "$runs/${run}norace/run.yml" "$runs/${run}norace/race.csv"
  fi
  bash scripts/pipeline.sh "$cfg" --run "${run}norace" --set seed="$seed" --set search.race=0 \
    >"$runs/../${run}norace.bench.log" 2>&1
  answer() {
    local d=$runs/$1
    printf '%s, %s/%s/%s %%' "$(key "$d/train_final_summary.yml" label)" \
      "$(key "$d/evaluate_report_summary.yml" answer_beats_random_samples)" \
      "$(key "$d/evaluate_report_summary.yml" answer_beats_random_samples_within_budgets)" \
      "$(key "$d/evaluate_report_summary.yml" answer_beats_paired_checks_within_budgets)"
  }
  printf '%-5s %-8s %-9s %-9s %-30s %-30s\n' "$seed" "$wall" \
    "$(key "$runs/$run/train_labels_summary.yml" label_agreement_tau)" \
    "$(key "$runs/$run/train_predictor_summary.yml" kendall_tau)" \
    "$(answer "$run")" "$(answer "${run}norace")"
done
