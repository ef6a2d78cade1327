#!/usr/bin/env bash
# The sanitizer and fuzzing part of the test suite: the library, the tests and the libFuzzer
# targets built with clang under AddressSanitizer + UndefinedBehaviorSanitizer into build-san/
# (sharing ccache with build/), then every test of the suite (labels unit and cli) and each fuzz
# target for GNAS_FUZZ_SECONDS seconds from its seed corpus (label fuzz). Any memory error, leak,
# undefined behaviour or fuzz crash fails it.
# usage: scripts/sanitize.sh [CTEST ARGS...]   (e.g. -L fuzz; the packages of setup.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_missing.sh clang libclang-rt-14-dev  # clang 14 with ASan/UBSan and libFuzzer
export CCACHE_SLOPPINESS=pch_defines,time_macros
if [ ! -f build-san/CMakeCache.txt ]; then
  cmake -S . -B build-san -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ \
    -DGNAS_SANITIZE=address,undefined -DGNAS_FUZZ=ON
fi
cmake --build build-san -j2
cd build-san
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0
export LSAN_OPTIONS="suppressions=$PWD/../tests/lsan.supp"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --output-on-failure -j2 --timeout 600 "$@"
