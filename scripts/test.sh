#!/usr/bin/env bash
# The whole test suite: installs and builds what is missing, then runs every test with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cd build
ctest --output-on-failure -j2 --timeout 300
