#!/usr/bin/env bash
# The executables as a user runs them on good input: exit codes, output, files written.
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

expect 0 "evaluate" "$bin/evaluate" "${common[@]}" --set latency.repeats=2 --set latency.warmup=0 \
  --arch-file "$logs/architecture.csv"
[ "$(wc -l <"$logs/evaluate_architectures.csv")" -eq 21 ] && passes=$((passes + 1)) || {
  echo "FAIL evaluate_architectures.csv rows"; fails=$((fails + 1)); }
expect 0 "evaluate original format" "$bin/evaluate" "${common[@]}" --set latency.repeats=1 \
  --arch-file "$src/tests/fixtures/evolution_architecture.csv"
contains "evaluate prints the original's MACs" "$work/out" "14.461696"
contains "evaluate prints the original's params" "$work/out" "740132"
expect 0 "evaluate --export-onnx" "$bin/evaluate" "${common[@]}" --export-onnx \
  --arch-file "$src/tests/fixtures/evolution_architecture.csv"
[ -s "$logs/architecture_0.onnx" ] && passes=$((passes + 1)) || { echo "FAIL no architecture_0.onnx"; fails=$((fails + 1)); }
contains "the export names the OpenCV check" "$logs/evaluate_export_onnx_summary.yml" "check_relative_difference"
# Bad inputs of every kind: tests/cli/bad_inputs.sh (the bad-input matrix).

echo "cli: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
