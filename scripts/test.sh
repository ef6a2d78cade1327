#!/usr/bin/env bash
# The whole test suite: installs and builds what is missing, runs every test with ctest, the Slurm
# array labelling on a one-node cluster it starts (tests/cluster/slurm.sh), then the same tests
# and the fuzz targets under AddressSanitizer + UndefinedBehaviorSanitizer (scripts/sanitize.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
(cd build && ctest --output-on-failure -j2 --timeout 300)
bash tests/cluster/slurm.sh
bash scripts/sanitize.sh
