#!/usr/bin/env bash
# On a fresh Debian 12 machine (as root): installs what is missing, builds, and
# runs the flagship example. Until the compiled examples exist, that is a small
# spiking circuit written in the IR's text form, run by the reference
# interpreter: a Bernoulli spike source drives three LIF units through a dense
# synapse, and a trace follows their spikes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh --target neurofuse

model=examples/ir/spiking_trace.nfir
echo
echo "== $model, 60 steps of 1 ms through the reference interpreter (seed 1)"
echo "   input spikes (4 units) | LIF spikes (3 units) | trace of unit 0"
build/bin/neurofuse run "$model" --process advance --steps 60 --seed 1 \
    --record z0.outputs --record z1.s --record tr.trace |
  awk -F, 'NR > 1 {
    line = sprintf("t=%3d  ", $2)
    for (i = 3; i <= 6; i++) line = line ($i == 1 ? "|" : ".")
    line = line "  "
    for (i = 7; i <= 9; i++) line = line ($i == 1 ? "*" : ".")
    bar = ""; for (k = 0; k < $10 * 10; k++) bar = bar "#"
    printf "%s  %5.3f %s\n", line, $10, bar
  }'
