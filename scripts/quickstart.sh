#!/usr/bin/env bash
# gnas's main job on the shipped configuration (config/config.yml), as far as the pipeline goes
# today: draw the architectures to label (generate), then measure each one's MACs, parameters and
# CPU latency (evaluate --arch-file). Installs and builds what is missing first.
# usage: scripts/quickstart.sh [CONFIG] [--set key=value ...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cfg=config/config.yml
if [ "$#" -gt 0 ] && [ "${1#--}" = "$1" ]; then cfg=$1; shift; fi
build/bin/generate --cfg "$cfg" "$@"
build/bin/evaluate --cfg "$cfg" "$@" --arch-file
