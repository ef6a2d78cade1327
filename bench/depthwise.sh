#!/usr/bin/env bash
# Where a training step's time goes and the depthwise backward pass, at a config's shape
# (bench/depthwise.cpp, built here against build/libgnas.a).
# usage: bench/depthwise.sh [CONFIG] [BATCH]   (defaults: config/config.yml 128)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/libgnas.a ] || bash scripts/setup.sh >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
g++ -O2 -std=c++17 -fopenmp -Iinclude -I/usr/include/torch/csrc/api/include bench/depthwise.cpp \
  -o "$work/depthwise" build/libgnas.a -ltorch -ltorch_cpu -lc10 -lyaml-cpp -lspdlog -lfmt -lpthread
echo "depthwise benchmark ($(date -u +%F), $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)), ${1:-config/config.yml}"
"$work/depthwise" "${1:-config/config.yml}" "${2:-128}"
