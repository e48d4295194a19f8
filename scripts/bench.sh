#!/usr/bin/env bash
# The benchmark suite: installs what is missing, builds, runs every workload
# of bench/ with its baselines and the memory roof in one run, prints the
# table and writes bench.json (or the path given with --json); then Brian2's
# CUBA network in Brian2 and in neurofuse, side by side (bench/brian2/cuba.py).
#   scripts/bench.sh [--quick] [--json FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --bench
scripts/build.sh --target bench neurofuse_python
build/bin/bench "$@"
PYTHONPATH=build/python /usr/bin/python3 bench/brian2/cuba.py
