#!/usr/bin/env bash
# Installs what gnas needs from Debian 12's archive (only the packages that are missing), then
# configures and builds gnas into build/ (executables in build/bin/).
# Extra CMake arguments are passed through, e.g. -DCMAKE_PREFIX_PATH=/path/to/libtorch.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++ ccache git
  libtorch-dev libyaml-cpp-dev libcli11-dev libspdlog-dev libgtest-dev zlib1g-dev
  libopenblas0-openmp    # without it LibTorch's matrix products run ~20x slower
  libonnx-dev libprotobuf-dev libopencv-dnn-dev  # ONNX export, checked by OpenCV's DNN module
  libxgboost-dev         # the gradient-boosted tree predictor (predictor.type xgboost)
  dataset-fashion-mnist  # the quickstart's data set
)
bash scripts/install_missing.sh "${packages[@]}"

# ccache may reuse precompiled-header builds only with this sloppiness.
export CCACHE_SLOPPINESS=pch_defines,time_macros
if [ ! -f build/CMakeCache.txt ] || [ "$#" -gt 0 ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
fi
cmake --build build -j2
