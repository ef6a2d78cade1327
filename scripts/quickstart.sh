#!/usr/bin/env bash
# gnas's main command: installs and builds what is missing, then runs the whole search
# (scripts/pipeline.sh) on CONFIG, by default config/quickstart.yml (Fashion-MNIST from Debian,
# small budgets: about 4 minutes on 2 CPU cores once built). Re-running it resumes the run.
# usage: scripts/quickstart.sh [CONFIG] [--run NAME] [--set key=value ...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cfg=config/quickstart.yml
if [ "$#" -gt 0 ] && [ "${1#--}" = "$1" ]; then cfg=$1; shift; fi
bash scripts/pipeline.sh "$cfg" "$@"
