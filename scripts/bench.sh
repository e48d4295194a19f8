#!/usr/bin/env bash
# The benchmark suite: installs what is missing, builds, runs every workload
# of bench/ with its baselines and the memory roof in one run, prints the
# table and writes bench.json (or the path given with --json); then Brian2's
# CUBA network in Brian2 and in neurofuse, side by side (bench/brian2/cuba.py);
# then, with MPI built in, partitioned runs on 1, 2 and 4 ranks
# (bench/scaling.sh) and the model of 64 and 1024 nodes built on them.
#   scripts/bench.sh [--quick] [--json FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --bench
scripts/build.sh --target bench neurofuse neurofuse_python
build/bin/bench "$@"
PYTHONPATH=build/python /usr/bin/python3 bench/brian2/cuba.py
if command -v mpirun > /dev/null; then
  bench/scaling.sh build/bin/neurofuse
  /usr/bin/python3 bench/scaling_model.py
fi
