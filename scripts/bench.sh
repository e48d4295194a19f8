#!/usr/bin/env bash
# The benchmark suite: installs what is missing, builds, runs every workload
# of bench/ with its baselines and the memory roof in one run, prints the
# table and writes bench.json (or the path given with --json).
#   scripts/bench.sh [--quick] [--json FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh --target bench
exec build/bin/bench "$@"
