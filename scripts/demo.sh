#!/usr/bin/env bash
# On a fresh Debian 12 machine (as root): installs what is missing, builds, and
# runs the flagship example. Until the compiled examples exist, that is a
# small spiking model written in the model language and run by the reference
# interpreter: a Poisson source drives four LIF units through a dense synapse,
# and a trace follows their spikes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh --target neurofuse

model=examples/spiking/poisson_lif.nf
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
build/bin/neurofuse check "$model"
echo
echo "== 60 ms of $model through the reference interpreter"
/usr/bin/python3 -c "import numpy as np; np.save('$out/intensity.npy', np.ones((60, 1, 16), np.float32))"
build/bin/neurofuse run "$model" --process advance --steps 60 \
    --drive z0.inputs="$out/intensity.npy" --record z0.outputs,z1.s,tr.trace --out "$out/run.npz"
/usr/bin/python3 examples/spiking/raster.py "$out/run.npz"
