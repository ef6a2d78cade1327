#!/usr/bin/env bash
# The bad-input matrix: each row is one bad input a user can give (configuration, data sets, CSV
# files, predictor files, command line). Every row must exit 2, name the culprit on stderr (the
# row's expected text), and leave every file of a good run unchanged (its checksums before and
# after; logs excepted).
# usage: bad_inputs.sh BIN_DIR SOURCE_DIR [MARKDOWN_FILE]   (the matrix as a Markdown table)
set -u
bin=$1
src=$2
markdown=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fails=0
rows=0
table=()

# A good run: 12 architectures, labels, a predictor (train_predictor's real output).
run=$work/run
cfg=$src/config/quickstart.yml
common=(--cfg "$cfg" --set "log_dir=$run" --set "write_dir=$run/checkpoints"
  --set "path_to_architecture=$run/architecture.csv" --set "path_to_train_data=$run/train_data.csv"
  --set "path_to_save_predictor=$run/predictor.pt" --set "predictor_pretrained=$run/predictor.pt"
  --set "path_to_evolution_architecture=$run/evolution_architecture.csv"
  --set predictor.epochs=3 --set predictor.test_count=2 --set train_subset=200 --set test_subset=100
  --set epochs=1 --set labels.agreement_check=0)
"$bin/generate" "${common[@]}" --set sample_count=12 >/dev/null 2>&1 || { echo "setup: generate failed"; exit 1; }
awk -F, 'NR == 1 { print "id,arch,mean" } NR > 1 { printf "%d,%s,%.4f\n", NR - 2, $2, 0.5 + (NR % 7) / 50 }' \
  "$run/architecture.csv" >"$run/train_data.csv"
"$bin/train_predictor" "${common[@]}" >/dev/null 2>"$work/setup.err" || {
  echo "setup: train_predictor failed"; cat "$work/setup.err"; exit 1; }
snapshot() { find "$run" -type f ! -name '*.log' -exec md5sum {} + | sort; }
snapshot >"$work/good.md5"
cp -a "$run" "$work/good_run"
arch0=$(sed -n 2p "$run/architecture.csv" | cut -d, -f2)

# row CATEGORY INPUT EXPECTED_TEXT COMMAND...: COMMAND exits 2, its stderr holds EXPECTED_TEXT,
# and the good run is unchanged.
row() {
  local category=$1 input=$2 want=$3
  shift 3
  rows=$((rows + 1))
  "$@" >"$work/out" 2>"$work/err"
  local got=$? problem=""
  [ "$got" -eq 2 ] || problem="exit $got, expected 2"
  # the culprit named by an error line: the logged command line holds every argument, so it
  # must not count
  grep -vE '^[0-9-]+ [0-9:.]+ \[[a-z_]+\] (info|debug|warning) ' "$work/err" | grep -qF -- "$want" ||
    problem="${problem:+$problem; }'$want' not on stderr"
  local changed
  changed=$(snapshot | diff - "$work/good.md5" | sed -n "s|^[<>] [0-9a-f]*  $run/||p" | sort -u | tr '\n' ' ')
  [ -z "$changed" ] || problem="${problem:+$problem; }changed in the good run: $changed"
  # One message, no backtrace: every line but the log's own ("YYYY-MM-DD hh:mm:ss.mmm [step] ...").
  local other
  other=$(grep -cvE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+ \[' "$work/err")
  [ "$other" -le 2 ] || problem="${problem:+$problem; }$other lines on stderr besides the log's"
  if [ -n "$problem" ]; then
    echo "FAIL [$category] $input: $problem"; sed 's/^/  | /' "$work/err" | tail -5
    fails=$((fails + 1))
    rm -rf "$run" && cp -a "$work/good_run" "$run"  # the next row starts from the good run
  fi
  local message
  # that error line, with the machine's folders left out
  message=$(grep -F -- "$want" "$work/err" | grep -vE '^[0-9-]+ [0-9:.]+ \[[a-z_]+\] (info|debug|warning) ' |
    head -1 | sed -E "s|$work/||g; s|$src/||g; s/^[0-9-]+ [0-9:.]+ \[[a-z_]+\] error //; s/\|/\\\\|/g")
  table+=("| $category | $input | $got | ${message:-(not found)} |")
}

# --- configuration -------------------------------------------------------------------------
printf '' >empty.yml
printf 'epochs: 2\nbatch_size: 64\nepochs: 5\n' >twice.yml
printf 'epoch: 3\n' >unknown.yml
printf 'epochs: 3\nmean: [1, 2\n' >syntax.yml
printf 'epochs: many\n' >type.yml
printf 'optim_state: !include none.yml\n' >include_missing.yml
mkdir -p somedir
printf 'optim_state: !include somedir\n' >include_dir.yml
row config "--cfg names a directory" "somedir: is a directory" "$bin/generate" --cfg "$work/somedir"
row config "empty configuration file" "empty.yml: the configuration file is empty" "$bin/generate" --cfg "$work/empty.yml"
row config "a key given twice" "twice.yml:3" "$bin/generate" --cfg "$work/twice.yml"
row config "unknown key" "unknown key 'epoch' (did you mean 'epochs'?)" "$bin/generate" --cfg "$work/unknown.yml"
row config "YAML syntax error" "syntax.yml:3:" "$bin/generate" --cfg "$work/syntax.yml"
row config "wrong type" "epochs (many)" "$bin/generate" --cfg "$work/type.yml"
row config "missing configuration file" "none.yml: cannot read the configuration file" "$bin/generate" --cfg "$work/none.yml"
row config "!include of a missing file" "none.yml: cannot read the configuration file" "$bin/generate" --cfg "$work/include_missing.yml"
row config "!include of a directory" "somedir: is a directory" "$bin/generate" --cfg "$work/include_dir.yml"
row config "value out of range" "l_cfgs[2].stride (3): must be 1 or 2" "$bin/generate" "${common[@]}" --set "l_cfgs=[[16,1],[32,2],[40,3]]"
row config "one-of value" "device (tpu)" "$bin/generate" "${common[@]}" --set device=tpu
row config "latency runtime not built in" "latency.runtime (tflite): must be one of libtorch, opencv" \
  "$bin/evaluate" "${common[@]}" --set latency.runtime=tflite --profile-latency
row config "latency calibration too small to fit" "latency.calibration (3)" \
  "$bin/evaluate" "${common[@]}" --set latency.calibration=3 --profile-latency
row config "tree predictor with the original's variant" "predictor.type (xgboost): needs predictor.variant tuned" \
  "$bin/train_predictor" "${common[@]}" --set predictor.type=xgboost --set predictor.variant=original
row config "cross-key rule (mean per channel)" "mean" "$bin/generate" "${common[@]}" --set "mean=[0.5, 0.5]"
row config "--set of an unknown key" "did you mean 'epochs'?" "$bin/generate" "${common[@]}" --set epoc=1
row config "--set without =" "epochs" "$bin/generate" "${common[@]}" --set epochs
row config "impossible MACs budget" "macs_budget (1): must be >= " "$bin/evolution" "${common[@]}" --set macs_budget=1

# --- data sets -----------------------------------------------------------------------------
fm=/usr/share/datasets/fashion-mnist
if [ -f "$fm/t10k-labels-idx1-ubyte.gz" ]; then
  dataset() {  # dataset NAME: a copy of Fashion-MNIST in $work/NAME with plain (unzipped) files
    mkdir -p "$work/$1"
    for f in "$fm"/*.gz; do gunzip -c "$f" >"$work/$1/$(basename "${f%.gz}")"; done
  }
  dataset label_range
  printf '\310' | dd of=label_range/t10k-labels-idx1-ubyte bs=1 seek=13 conv=notrunc status=none
  dataset truncated
  gunzip -c "$fm/train-images-idx3-ubyte.gz" | head -c 1000000 >truncated/train-images-idx3-ubyte
  dataset magic
  printf '\001' | dd of=magic/t10k-images-idx3-ubyte bs=1 seek=3 conv=notrunc status=none
  dataset count
  head -c 5008 label_range/t10k-labels-idx1-ubyte >count/t10k-labels-idx1-ubyte
  dataset missing_file
  rm missing_file/t10k-labels-idx1-ubyte
  dataset corrupt_gzip
  rm corrupt_gzip/train-labels-idx1-ubyte
  head -c 20000 "$fm/train-labels-idx1-ubyte.gz" >corrupt_gzip/train-labels-idx1-ubyte.gz
  train_on() { "$bin/train" "${common[@]}" --load-architecture --index 0 --set "dataset_dir=$work/$1"; }
  row data "label out of range (200 of 10 classes)" "t10k-labels-idx1-ubyte: record 5 (0-based) holds label 200" train_on label_range
  row data "truncated IDX image file" "train-images-idx3-ubyte: the header promises" train_on truncated
  row data "wrong IDX magic number" "t10k-images-idx3-ubyte: not an IDX image file" train_on magic
  row data "fewer labels than images" "t10k-labels-idx1-ubyte: expected 10000 labels" train_on count
  row data "a file of the data set missing" "t10k-labels-idx1-ubyte[.gz]: no such file" train_on missing_file
  row data "truncated gzip file" "train-labels-idx1-ubyte.gz: cannot decompress" train_on corrupt_gzip
  row data "dataset_dir without the IDX files" "nodata/train-images-idx3-ubyte[.gz]: no such file" train_on nodata
else
  echo "skip the data set rows: Fashion-MNIST is not installed ($fm; Debian's dataset-fashion-mnist)"
fi
mkdir -p cifar/cifar-100-binary
head -c 4000 /dev/zero >cifar/cifar-100-binary/train.bin
head -c 3074 /dev/zero >cifar/cifar-100-binary/test.bin
row data "CIFAR dataset_dir missing" "nodata/cifar-100-binary: no such folder" "$bin/train" --cfg "$src/config/config.yml" \
  --set "log_dir=$run" --set "path_to_architecture=$run/architecture.csv" --set "dataset_dir=$work/nodata" \
  --set device=cpu --load-architecture --index 0
row data "CIFAR file not a whole number of records" "train.bin: 4000 bytes is not a whole number" \
  "$bin/train" --cfg "$src/config/config.yml" --set "log_dir=$run" --set "path_to_architecture=$run/architecture.csv" \
  --set "dataset_dir=$work/cifar" --set device=cpu --load-architecture --index 0

# --- CSV files -----------------------------------------------------------------------------
printf 'id,arch\n0,1110\n' >arch_malformed.csv
printf '0,1,2,3\n' >arch_header_only.csv
printf 'id,arch\n0,%s,extra\n' "$arch0" >arch_width.csv
printf 'id,arch\n0,"%s\n' "$arch0" >arch_quote.csv
arch_eval() { "$bin/evaluate" "${common[@]}" --no-latency --arch-file "$work/$1"; }
row csv "architecture file missing" "none.csv: cannot read the file" arch_eval none.csv
row csv "malformed architecture string" "arch_malformed.csv:2: architecture '1110'" arch_eval arch_malformed.csv
row csv "adjacency file with a header only" "arch_header_only.csv" arch_eval arch_header_only.csv
row csv "row wider than the header" "arch_width.csv:2" arch_eval arch_width.csv
row csv "unterminated quote" "arch_quote.csv" arch_eval arch_quote.csv
labels_from() { sed "$2" "$run/train_data.csv" >"$work/$1"; }
labels_from labels_text.csv '3s/,[^,]*$/,abc/'
labels_from labels_scale.csv '4s/,[^,]*$/,1.5/'
labels_from labels_nocol.csv '1s/mean/score/'
labels_from labels_arch.csv '5s/,[^,]*,/,1111,/'
fit_on() { "$bin/train_predictor" "${common[@]}" --set "path_to_train_data=$work/$1"; }
row csv "label that is not a number" "labels_text.csv:3: mean 'abc'" fit_on labels_text.csv
row csv "one label above 1 in a file of fractions" "labels_scale.csv: 1 of 12" fit_on labels_scale.csv
row csv "no label column" "labels_nocol.csv: no label column" fit_on labels_nocol.csv
row csv "label row with a bad architecture" "labels_arch.csv:5: architecture '1111'" fit_on labels_arch.csv
row csv "labels file missing" "none.csv: cannot read the file" fit_on none.csv
printf 'arch,test_acc\n|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|,many\n' >table.csv
printf 'id,arch\n0,|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|\n' >cells.csv
row csv "benchmark table accuracy not a number" "table.csv:2" \
  "$bin/train" "${common[@]}" --set search_space=nasbench201 --set "benchmark_table=$work/table.csv" \
  --set input_size=28 --set labels.measure=best_top1 --set "path_to_architecture=$work/cells.csv" --load-architecture --train-data
printf 'op,latency_ms\nconv,abc\n' >latency.csv
row csv "latency table malformed" "latency.csv" "$bin/generate" "${common[@]}" --set "latency_table=$work/latency.csv"
# A real table of this space (timed once, not calibrated), then used with another runtime and shape.
"$bin/evaluate" "${common[@]}" --set "log_dir=$work/lt" --set latency.calibration=0 --set latency.repeats=1 \
  --set latency.warmup=0 --profile-latency "$work/lt.csv" --check 0 >/dev/null 2>&1 || echo "setup: --profile-latency failed"
sed 's/^fixed,,libtorch,/fixed,,opencv,/' lt.csv >lt_opencv.csv
row csv "latency table of another runtime" "lt_opencv.csv: the table was measured on opencv and latency.runtime is libtorch" \
  "$bin/generate" "${common[@]}" --set "latency_table=$work/lt_opencv.csv"
row csv "latency table of another input shape" "lt.csv: the op skip row of layer 1 was measured at" \
  "$bin/generate" "${common[@]}" --set "latency_table=$work/lt.csv" --set input_size=32

# --- predictor files -----------------------------------------------------------------------
printf '' >p_empty.pt
head -c "$(($(wc -c <"$run/predictor.pt") / 2))" "$run/predictor.pt" >p_truncated.pt
head -c 4096 /dev/urandom >p_random.pt
search_with() { "$bin/evolution" "${common[@]}" --set "predictor_pretrained=$work/$1" "${@:2}"; }
row predictor "predictor file missing" "none.pt" search_with none.pt
row predictor "empty predictor file" "p_empty.pt" search_with p_empty.pt
row predictor "truncated predictor file" "p_truncated.pt" search_with p_truncated.pt
row predictor "random bytes" "p_random.pt" search_with p_random.pt
cp "$run/predictor.pt" p_foreign.pt
row predictor "predictor of another input shape (14x14x1 into 32x32x3)" "p_foreign.pt" search_with p_foreign.pt \
  --set macs_budget=0 --set input_size=32 --set input_channels=3 --set "mean=[0.5,0.5,0.5]" --set "std=[0.25,0.25,0.25]"
row predictor "predictor of another space" "p_foreign.pt" search_with p_foreign.pt --set search_space=nasbench201 \
  --set input_size=28 --set macs_budget=0

# --- command line --------------------------------------------------------------------------
row cli "unknown flag" "--bogus" "$bin/generate" --bogus
row cli "evaluate without a mode" "evaluate" "$bin/evaluate" "${common[@]}"
row cli "train without --load-architecture" "--load-architecture" "$bin/train" "${common[@]}"
row cli "--shard without --train-data" "--shard only applies with --train-data" "$bin/train" "${common[@]}" --load-architecture --shard 0/2
row cli "--shard out of range" "--shard (2/2): must be K/N" "$bin/train" "${common[@]}" --load-architecture --train-data --shard 2/2
row cli "--shard auto outside a scheduler" "none of SLURM_ARRAY_TASK_ID" env -u SLURM_ARRAY_TASK_ID -u JOB_COMPLETION_INDEX "$bin/train" "${common[@]}" --load-architecture --train-data --shard auto
row config "ngpu above 1 on the CPU" "ngpu (2): the training device is the CPU" "$bin/train" "${common[@]}" --load-architecture --train-data --set ngpu=2
row config "fp16 on the CPU" "mixed_precision (fp16): needs a CUDA device" "$bin/train" "${common[@]}" --load-architecture --index 0 --set mixed_precision=fp16
row cli "--train-data with --index" "--index" "$bin/train" "${common[@]}" --load-architecture --train-data --index 1
row cli "--index past the file" "--index (20)" "$bin/train" "${common[@]}" --load-architecture --index 20
row cli "--export-onnx --index past the file" "--index (20)" "$bin/evaluate" "${common[@]}" --export-onnx --arch-file "$run/architecture.csv" --index 20
row cli "--index without --export-onnx" "--index goes with --export-onnx" "$bin/evaluate" "${common[@]}" --proxies --index 1
row cli "--refine out of range" "refinement round 9 starts from" "$bin/generate" "${common[@]}" --refine 9
row cli "unknown proxy" "proxies.names[1] (jacov): must be one of" "$bin/evaluate" "${common[@]}" --proxies --set "proxies.names=[synflow, jacov]"
row cli "--fidelity of the labels themselves" "is path_to_train_data itself" "$bin/evaluate" "${common[@]}" --fidelity "$run/train_data.csv"
row cli "pipeline: unknown argument" "The following argument was not expected: --bogus" env GNAS_BIN="$bin" bash "$src/scripts/pipeline.sh" "$cfg" --bogus
row cli "pipeline: run name with a slash" "a run name is one folder name" env GNAS_BIN="$bin" bash "$src/scripts/pipeline.sh" "$cfg" --run a/b
row cli "pipeline: missing configuration" "none.yml: cannot read the configuration file" env GNAS_BIN="$bin" bash "$src/scripts/pipeline.sh" "$work/none.yml"

if [ -n "$markdown" ]; then
  { echo "| input | bad | exit | message (first line naming the culprit) |"; echo "|---|---|---|---|"
    printf '%s\n' "${table[@]}"; } >"$markdown"
fi
echo "bad inputs: $((rows - fails)) of $rows rows passed"
[ "$fails" -eq 0 ]
