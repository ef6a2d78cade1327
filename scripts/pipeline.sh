#!/usr/bin/env bash
# The whole search, resumable, in one command: the `pipeline` executable (src/app/pipeline.cpp),
# built first when missing. usage: scripts/pipeline.sh CONFIG [--run NAME] [--set key=value ...]
#   GNAS_BIN: folder of the executables (default build/bin)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${GNAS_BIN:-build/bin}
[ -x "$bin/pipeline" ] || bash scripts/setup.sh
exec "$bin/pipeline" "$@"
