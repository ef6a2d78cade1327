#!/usr/bin/env bash
# Label training on one NVIDIA GPU (an H100 or H200), prepared to run in well under 10 minutes on
# a machine that has PyTorch with CUDA (its LibTorch), CMake and ninja, but not yaml-cpp, spdlog,
# CLI11, GoogleTest or zlib, and no internet: their sources travel in gpu-deps/src
# (bench/gpu_deps.sh fills it). Steps:
#   1. the GPU found (nvidia-smi and PyTorch), or a message saying it is missing, and exit 0;
#   2. the dependencies built from gpu-deps/src with LibTorch's C++ ABI, then gnas (without the
#      optional ONNX/OpenCV and XGBoost parts) against that LibTorch;
#   3. the *_CUDA tests (forward/backward against the CPU, the data set on the device, resume,
#      mixed precision, trainings side by side);
#   4. on a generated CIFAR-100-sized data set (50,000 train / 10,000 test images, 32x32x3,
#      random pixels: speed only), one training of the original's searched architecture
#      (tests/fixtures/evolution_architecture.csv) at batch 1024 in float32, bf16 and fp16
#      (images/s and seconds per epoch, the first epoch left out), and the labelling of 8
#      architectures with M = 1, 2, 4, 8 trainings at once (labels per hour, and the hours
#      300 architectures x 2 repeats x 60 epochs would take).
# Results: $OUT/gpu_bench.md, gpu_bench.log and cuda_tests.log (OUT defaults to logs/gpu-bench;
# the runs and the data set go to WORK, logs/gpu-bench-work).
# usage: bash bench/gpu.sh [--cpu]
#   --cpu: the same steps on the CPU at a small size (2,000 / 500 images, batch 256, M = 1, 2),
#   to test this script where there is no GPU
#   env: BUILD (build-gpu), DEPS (gpu-deps), EPOCHS (3), MS ("1 2 4 8"), SYSTEM_DEPS=1 (use the
#   installed yaml-cpp, spdlog, CLI11, GoogleTest, zlib instead of building them)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cpu_mode=false
[ "${1:-}" = "--cpu" ] && cpu_mode=true
out=${OUT:-$root/logs/gpu-bench}
mkdir -p "$out"
# the runs and the generated data set (150 MB) stay out of $out, which holds the three reports
work=${WORK:-$root/logs/gpu-bench-work}
mkdir -p "$work"
build=${BUILD:-$root/build-gpu}
deps=${DEPS:-$root/gpu-deps}
log=$out/gpu_bench.log
: >"$log"
say() { echo "$*" | tee -a "$log"; }
run() { "$@" >>"$log" 2>&1 || { say "FAILED: $* (last lines of $log:)"; tail -25 "$log"; exit 1; }; }
stamp() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(stamp)" 'BEGIN { printf "%.1f", b - a }'; }
t0=$(stamp)

# --- 1. the GPU ---
gpu_name=""
if command -v nvidia-smi >/dev/null 2>&1; then
  gpu_name=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null |
    head -1 || true)
fi
torch_cuda=$(python3 -c 'import torch; print(int(torch.cuda.is_available()))' 2>/dev/null || echo "no PyTorch")
if ! $cpu_mode; then
  if [ -z "$gpu_name" ] || [ "$torch_cuda" != 1 ]; then
    say "bench/gpu.sh: no CUDA GPU here (nvidia-smi: ${gpu_name:-none found}; PyTorch sees CUDA: $torch_cuda): nothing measured. bash bench/gpu.sh --cpu runs the same steps on the CPU."
    exit 0
  fi
  say "GPU: $gpu_name"
else
  say "CPU mode: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
fi

# --- 2. dependencies and gnas ---
torch_prefix=""
abi=1
if python3 -c 'import torch' 2>/dev/null; then
  torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
  abi=$(python3 -c 'import torch; print(int(torch.compiled_with_cxx11_abi()))')
  say "LibTorch: PyTorch $(python3 -c 'import torch; print(torch.__version__)') at $torch_prefix (C++11 ABI $abi)"
else
  say "LibTorch: the system's (no PyTorch for python3)"
fi
jobs=$(nproc)
prefix=$deps/prefix-abi$abi
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ "${SYSTEM_DEPS:-0}" != 1 ]; then
  [ -d "$deps/src" ] || { say "no $deps/src: run bench/gpu_deps.sh where git reaches GitHub, and carry gpu-deps"; exit 1; }
  t=$(stamp)
  flags="-D_GLIBCXX_USE_CXX11_ABI=$abi"
  dep() {  # name, cmake options...
    local name=$1
    shift
    [ -f "$prefix/.built-$name" ] && return 0
    run cmake -S "$deps/src/$name" -B "$deps/build-abi$abi/$name" "${generator[@]}" \
      -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_CXX_FLAGS="$flags" \
      -DCMAKE_POSITION_INDEPENDENT_CODE=ON "$@"
    run cmake --build "$deps/build-abi$abi/$name" -j "$jobs"
    run cmake --install "$deps/build-abi$abi/$name"
    touch "$prefix/.built-$name"
  }
  mkdir -p "$prefix"
  dep zlib
  dep yaml-cpp -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF -DYAML_BUILD_SHARED_LIBS=OFF
  dep spdlog -DSPDLOG_BUILD_EXAMPLE=OFF -DSPDLOG_BUILD_TESTS=OFF
  dep CLI11 -DCLI11_BUILD_TESTS=OFF -DCLI11_BUILD_EXAMPLES=OFF -DCLI11_BUILD_DOCS=OFF
  dep googletest -DBUILD_GMOCK=OFF -DINSTALL_GTEST=ON
  say "dependencies built in $(since "$t") s ($(cat "$deps/src/VERSIONS" 2>/dev/null | tr '\n' ' '))"
fi
t=$(stamp)
cuda_hint=()
if ! $cpu_mode && ! command -v nvcc >/dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then
  cuda_hint=(-DCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc)
fi
run cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DGNAS_ONNX=OFF \
  -DGNAS_XGBOOST=OFF -DCMAKE_PREFIX_PATH="$torch_prefix;$prefix" -DZLIB_ROOT="$prefix" \
  "${cuda_hint[@]}"
run cmake --build "$build" -j "$jobs" --target gnas_tests generate train
bin=$build/bin
say "gnas built in $(since "$t") s"

# --- 3. the *_CUDA tests ---
t=$(stamp)
if "$bin/gnas_tests" --gtest_filter='*_CUDA' >"$out/cuda_tests.log" 2>&1; then
  status=passed
else
  status=FAILED
fi
count() { grep -cE "$1" "$out/cuda_tests.log" || true; }
summary="$(count '^\[       OK \]') passed, $(count '^\[  FAILED  \] .*\(') failed, $(count '^\[  SKIPPED \] .*\(') skipped"
say "*_CUDA tests $status in $(since "$t") s: $summary"
[ "$status" = passed ] || tail -30 "$out/cuda_tests.log"

# --- 4. timings ---
data=$work/data
if $cpu_mode; then
  n_train=2000 n_test=500 batch=256 device=cpu ms=${MS:-1 2}
else
  n_train=50000 n_test=10000 batch=1024 device=cuda ms=${MS:-1 2 4 8}
fi
epochs=${EPOCHS:-3}
mkdir -p "$data/cifar-100-binary"
# CIFAR-100's binary format: per image a coarse label byte, a fine label byte, 3072 pixel bytes
python3 - "$data/cifar-100-binary" "$n_train" "$n_test" <<'PY'
import os, random, sys
folder, counts = sys.argv[1], {"train.bin": int(sys.argv[2]), "test.bin": int(sys.argv[3])}
rng = random.Random(0)
for name, n in counts.items():
    path = os.path.join(folder, name)
    if os.path.exists(path) and os.path.getsize(path) == n * 3074:
        continue
    pixels = os.urandom(n * 3072)
    with open(path + ".tmp", "wb") as f:
        for i in range(n):
            f.write(bytes((rng.randrange(20), rng.randrange(100))))
            f.write(pixels[i * 3072:(i + 1) * 3072])
    os.replace(path + ".tmp", path)
PY
common=(--cfg config/config.yml --set "dataset_dir=$data" --set "batch_size=$batch"
  --set "epochs=$epochs" --set "device=$device" --set cuda=true --set num_threads=0
  --set print_freq=1000)
table=$out/gpu_bench.md
{
  echo "bench/gpu.sh, $(date -u +%F), ${gpu_name:-CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1)}"
  echo
  echo "One training of the original's searched architecture, batch $batch, $n_train training images, epochs 2..$epochs:"
  echo
  echo "| precision | images/s | s/epoch | 60 epochs, s |"
  echo "|---|---|---|---|"
} >"$table"
for precision in none bf16 fp16; do
  if $cpu_mode && [ "$precision" = fp16 ]; then
    echo "| fp16 | n/a on the CPU | | |" >>"$table"
    continue
  fi
  run_dir=$work/one_$precision
  rm -rf "$run_dir"
  if "$bin/train" "${common[@]}" --set "log_dir=$run_dir" --set "write_dir=$run_dir/ckpt" \
    --set "mixed_precision=$precision" --load-architecture \
    --arch-file tests/fixtures/evolution_architecture.csv >>"$log" 2>&1; then
    csv=$(find "$run_dir" -name epochs.csv | head -1)
    read -r ips spe < <(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
      NR > 2 { ips += $c["images_per_second"]; s += $c["seconds"]; n++ }
      END { if (n) printf "%.0f %.2f\n", ips / n, s / n; else print "? ?" }' "$csv")
    echo "| $precision | $ips | $spe | $(awk -v s="$spe" 'BEGIN { printf "%.0f", 60 * s }') |" >>"$table"
  else
    echo "| $precision | failed (log: $log) | | |" >>"$table"
  fi
done
say "one training: $(tail -n +6 "$table" | tr '\n' ' ')"

k=8
"$bin/generate" "${common[@]}" --set "log_dir=$work/gen" --set "sample_count=$k" \
  --set "path_to_architecture=$work/architectures.csv" >>"$log" 2>&1
{
  echo
  echo "$k architectures labelled (1 repeat, $epochs epochs each) with M trainings at once:"
  echo
  echo "| M | seconds | labels/hour | x M=1 | 300 x 2 repeats x 60 epochs, hours |"
  echo "|---|---|---|---|---|"
} >>"$table"
ref=""
for m in $ms; do
  run_dir=$work/labels_m$m
  rm -rf "$run_dir"
  t=$(stamp)
  if "$bin/train" "${common[@]}" --set "log_dir=$run_dir" --set "write_dir=$run_dir/ckpt" \
    --set "path_to_architecture=$work/architectures.csv" --set "sample_count=$k" \
    --set "path_to_train_data=$run_dir/train_data.csv" --set repeats=1 \
    --set "trainings_per_device=$m" --load-architecture --train-data >>"$log" 2>&1; then
    s=$(since "$t")
    [ -z "$ref" ] && ref=$s
    awk -v m="$m" -v s="$s" -v k="$k" -v e="$epochs" -v r="$ref" 'BEGIN {
      printf "| %d | %.1f | %.0f | %.2f | %.2f |\n", m, s, k * 3600 / s, r / s, s / (k * e) * 300 * 2 * 60 / 3600 }' >>"$table"
  else
    echo "| $m | failed (log: $log) | | | |" >>"$table"
  fi
done
say "labelling: $(tail -n "$(echo $ms | wc -w)" "$table" | tr '\n' ' ')"
say "total $(since "$t0") s; results in $table"
cat "$table"
