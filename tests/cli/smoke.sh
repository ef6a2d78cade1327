#!/usr/bin/env bash
# The executables as a user runs them: exit codes, messages on stderr, files written.
# usage: smoke.sh BIN_DIR SOURCE_DIR
set -u
bin=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fails=0
passes=0

# expect CODE NAME COMMAND...: runs COMMAND, checks its exit code; stderr lands in $work/err.
expect() {
  local want=$1 name=$2
  shift 2
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then
    passes=$((passes + 1))
  else
    echo "FAIL $name: exit $got, expected $want"; sed 's/^/  | /' "$work/err" | tail -5
    fails=$((fails + 1))
  fi
}
# contains NAME FILE TEXT: FILE holds TEXT.
contains() {
  if grep -qF -- "$3" "$2"; then passes=$((passes + 1)); else
    echo "FAIL $1: '$3' not in $2"; sed 's/^/  | /' "$2" | tail -5; fails=$((fails + 1)); fi
}

cfg="$src/config/config.yml"
logs="$work/logs"
common=(--cfg "$cfg" --set "log_dir=$logs" --set "path_to_architecture=$logs/architecture.csv")

expect 0 "generate --help" "$bin/generate" --help
contains "help lists config keys" "$work/out" "optim_state.lr"
expect 0 "generate --version" "$bin/generate" --version

expect 0 "generate" "$bin/generate" "${common[@]}" --set sample_count=20
[ "$(wc -l <"$logs/architecture.csv")" -eq 21 ] && passes=$((passes + 1)) || {
  echo "FAIL generate wrote $(wc -l <"$logs/architecture.csv") lines, expected 21"; fails=$((fails + 1)); }
for f in generate_summary.yml generate_config.yml generate.log; do
  [ -s "$logs/$f" ] && passes=$((passes + 1)) || { echo "FAIL missing $logs/$f"; fails=$((fails + 1)); }
done

# Bad configuration of each kind: exit 2, a message naming the key or file, the old output kept.
cp "$logs/architecture.csv" "$work/before.csv"
printf 'epoch: 3\n' >"$work/unknown.yml"
expect 2 "unknown key" "$bin/generate" --cfg "$work/unknown.yml" --set "log_dir=$logs"
contains "unknown key message" "$work/err" "unknown key 'epoch' (did you mean 'epochs'?)"
expect 2 "bad value" "$bin/generate" "${common[@]}" --set "l_cfgs=[[16,1],[32,2],[40,3]]"
contains "bad value message" "$work/err" "l_cfgs[2].stride (3): must be 1 or 2"
printf 'epochs: 3\nmean: [1, 2\n' >"$work/syntax.yml"
expect 2 "yaml syntax" "$bin/generate" --cfg "$work/syntax.yml"
contains "syntax message" "$work/err" "$work/syntax.yml:3:"
expect 2 "missing config" "$bin/generate" --cfg "$work/none.yml"
contains "missing config message" "$work/err" "$work/none.yml: cannot read the configuration file"
expect 2 "unknown flag" "$bin/generate" --bogus
expect 2 "unknown --set key" "$bin/generate" "${common[@]}" --set epoc=1
contains "unknown --set message" "$work/err" "did you mean 'epochs'?"
cmp -s "$logs/architecture.csv" "$work/before.csv" && passes=$((passes + 1)) || {
  echo "FAIL a failed run changed architecture.csv"; fails=$((fails + 1)); }

expect 0 "evaluate" "$bin/evaluate" "${common[@]}" --set latency.repeats=2 --set latency.warmup=0 \
  --arch-file "$logs/architecture.csv"
[ "$(wc -l <"$logs/evaluate_architectures.csv")" -eq 21 ] && passes=$((passes + 1)) || {
  echo "FAIL evaluate_architectures.csv rows"; fails=$((fails + 1)); }
expect 0 "evaluate original format" "$bin/evaluate" "${common[@]}" --set latency.repeats=1 \
  --arch-file "$src/tests/fixtures/evolution_architecture.csv"
contains "evaluate prints the original's MACs" "$work/out" "14.461696"
contains "evaluate prints the original's params" "$work/out" "740132"
expect 2 "evaluate without a mode" "$bin/evaluate" "${common[@]}"
expect 2 "evaluate missing file" "$bin/evaluate" "${common[@]}" --arch-file "$work/none.csv"
contains "missing file message" "$work/err" "$work/none.csv: cannot read the file"
printf 'id,arch\n0,1110\n' >"$work/bad.csv"
expect 2 "evaluate malformed arch" "$bin/evaluate" "${common[@]}" --arch-file "$work/bad.csv"
contains "malformed arch message" "$work/err" "$work/bad.csv:2: architecture '1110'"

# train and train_predictor: usage errors and bad data exit 2 with a message, before any work.
expect 2 "train without --load-architecture" "$bin/train" "${common[@]}"
contains "train usage message" "$work/err" "--load-architecture"
expect 2 "train --shard without --train-data" "$bin/train" "${common[@]}" --load-architecture --shard 0/2
contains "shard usage message" "$work/err" "--shard only applies with --train-data"
expect 2 "train --train-data with --index" "$bin/train" "${common[@]}" --load-architecture --train-data --index 1
expect 2 "train bad shard" "$bin/train" "${common[@]}" --load-architecture --train-data --shard 2/2
contains "bad shard message" "$work/err" "--shard (2/2): must be K/N"
expect 2 "train index out of range" "$bin/train" "${common[@]}" --load-architecture --index 20
contains "index message" "$work/err" "--index (20)"
expect 2 "train missing data set" "$bin/train" "${common[@]}" --load-architecture \
  --set "dataset_dir=$work/nodata" --set device=cpu
contains "missing data set message" "$work/err" "$work/nodata/cifar-100-binary"
expect 2 "train_predictor without labels" "$bin/train_predictor" "${common[@]}" \
  --set "path_to_train_data=$work/none.csv"
contains "missing labels message" "$work/err" "$work/none.csv"

# evaluate --fidelity: a recipe compared with itself is refused (exit 2).
expect 2 "evaluate --fidelity of the labels themselves" "$bin/evaluate" "${common[@]}" \
  --set "path_to_train_data=$work/labels.csv" --fidelity "$work/labels.csv"
contains "fidelity message" "$work/err" "is path_to_train_data itself"

# evaluate --proxies: an unknown proxy stops before anything is scored (exit 2).
expect 2 "evaluate --proxies unknown proxy" "$bin/evaluate" "${common[@]}" --proxies --set "proxies.names=[synflow, jacov]"
contains "unknown proxy message" "$work/err" "proxies.names[1] (jacov): must be one of synflow, nwot, grad_norm, snip, zico"

# pipeline: bad arguments and a missing config stop at once (exit 2) with a message.
expect 2 "pipeline unknown argument" env GNAS_BIN="$bin" bash "$src/scripts/pipeline.sh" "$cfg" --bogus
contains "pipeline argument message" "$work/err" "unknown argument '--bogus'"
expect 2 "pipeline bad run name" env GNAS_BIN="$bin" bash "$src/scripts/pipeline.sh" "$cfg" --run a/b
expect 2 "pipeline missing config" env GNAS_BIN="$bin" bash "$src/scripts/pipeline.sh" "$work/none.yml"
contains "pipeline missing config message" "$work/err" "$work/none.yml: cannot read the configuration file"

# evolution: an impossible budget or a missing predictor stop before any search (exit 2).
expect 2 "evolution impossible budget" "$bin/evolution" "${common[@]}" --set macs_budget=1
contains "impossible budget message" "$work/err" "macs_budget (1): must be >= 7.669760"
expect 2 "evolution missing predictor" "$bin/evolution" "${common[@]}" --set "predictor_pretrained=$work/none.pt"
contains "missing predictor message" "$work/err" "$work/none.pt"

echo "cli: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
