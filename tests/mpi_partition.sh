#!/usr/bin/env bash
# `neurofuse run --partition` over 1, 2, 3 and 4 MPI ranks (mpirun -np N
# --oversubscribe, on this machine's loopback): the recordings and the final
# checkpoint are byte for byte the ones a single process writes, for
#  - a synapse that updates and reads its matrices in one row sweep
#    (MSTDP-ET: the matrices stay by columns with their ranks), with a reset;
#  - DC-SNN, whose weights are updated by rows in one process, read by
#    columns in another and normalized by a reduction (exchanged whole);
#  - CUBA: sparse synapses fed by spikes, and spiking cells (150 ms: its
#    first spikes come after 50 ms);
# with the JIT (tiered and not) and an AOT module.
#   tests/mpi_partition.sh NEUROFUSE_BINARY
set -euo pipefail
neurofuse=$1
source "$(dirname "$0")/mpi_env.sh"

# same NAME RANKS MODEL [run options]: the single run, then RANKS ranks.
same() {
  local name=$1 ranks=$2 model=$3
  shift 3
  if [ ! -f "$tmp/$name.single.npz" ]; then
    "$neurofuse" run "$model" "$@" --out "$tmp/$name.single.npz" --save-state "$tmp/$name.single.state.npz" 2> "$tmp/$name.single.log"
  fi
  for np in $ranks; do
    mpirun -np "$np" --oversubscribe "$neurofuse" run "$model" "$@" --partition \
      --out "$tmp/$name.$np.npz" --save-state "$tmp/$name.$np.state.npz" 2> "$tmp/$name.$np.log"
    cmp "$tmp/$name.single.npz" "$tmp/$name.$np.npz"
    cmp "$tmp/$name.single.state.npz" "$tmp/$name.$np.state.npz"
    echo "$name, $np ranks: the single process's recordings and state, byte for byte"
  done
}

# The MSTDP-ET layer's sources spike with p = 0.1, its gate is open, and
# the reward flips from +1 to -1 halfway.
/usr/bin/python3 - "$tmp" <<'PY'
import sys
import numpy as np
tmp = sys.argv[1]
np.save(f"{tmp}/p.npy", np.full((1, 100), 0.1, np.float32))
np.save(f"{tmp}/gate.npy", np.ones((1, 100), np.float32))
np.save(f"{tmp}/reward.npy", np.where(np.arange(60) < 30, 1.0, -1.0).astype(np.float32).reshape(60, 1, 1))
PY
mstdpet=$root/bench/models/mstdpet_layer_100.nf
inputs=(--set pre.inputs="$tmp/p.npy" --set post.inputs="$tmp/p.npy" --set W.gate="$tmp/gate.npy"
        --drive W.modulator="$tmp/reward.npy")
same mstdpet "1 2 3 4" "$mstdpet" --before reset --process step --steps 60 --no-tier "${inputs[@]}" \
  --record W.weights:every=20 --record W.outputs --record W.eligibility[0:250:7] --record tr_post.outputs
# Nothing but the split outputs crossed between the ranks: the matrices
# stayed with the ranks that own their columns.
grep -q "partitioned over 2 ranks: per step and rank, at most" "$tmp/mstdpet.2.log"
same mstdpet_tiered "2" "$mstdpet" --before reset --process step --steps 60 "${inputs[@]}" --record W.outputs
same mstdpet_aot "2" "$mstdpet" --before reset --process step --steps 60 --backend aot "${inputs[@]}" --record W.outputs

dcsnn=$root/examples/dcsnn/dcsnn.nf
same dcsnn "1 2 4" "$dcsnn" --model dcsnn_100 --process advance,evolve --every 50:norm --steps 150 --no-tier \
  --record z1e.s:events --record z1e.v[0:100:9]

cuba=$root/bench/models/cuba_4000.nf
same cuba "1 2 4" "$cuba" --process advance --steps 1500 --no-tier --record E.s:events --record I.v[0:800:37] \
  --record EE.i_syn[0:3200:41]

# Without a launcher, a partitioned run is one rank: the single process.
"$neurofuse" run "$mstdpet" --before reset --process step --steps 60 --no-tier "${inputs[@]}" --partition \
  --record W.outputs --out "$tmp/alone.npz" 2>/dev/null
"$neurofuse" run "$mstdpet" --before reset --process step --steps 60 --no-tier "${inputs[@]}" --record W.outputs \
  --out "$tmp/plain.npz" 2>/dev/null
cmp "$tmp/alone.npz" "$tmp/plain.npz"
echo "alone: one rank, the single process's recordings"

# A rank that fails alone (here rank 1, which cannot write its copy of the
# checkpoint) stops every rank instead of leaving them waiting for it.
if timeout 120 mpirun -np 2 bash -c 'if [ "$OMPI_COMM_WORLD_RANK" = 1 ]; then export TMPDIR=/nonexistent; fi; exec "$0" "$@"' \
    "$neurofuse" run "$mstdpet" --process step --steps 20 --no-tier --partition --save-state "$tmp/lost.npz" \
    > "$tmp/alone_failed.txt" 2>&1; then
  echo "a rank that failed alone did not fail the run"; exit 1
fi
grep -q "rank 1: error: cannot save the state" "$tmp/alone_failed.txt"
echo "a rank that fails alone: reported, and every rank stopped"

# The interpreter has no split loops to share.
if "$neurofuse" run "$mstdpet" --process step --backend interp --partition 2> "$tmp/interp.txt"; then
  echo "--partition ran the interpreter"; exit 1
fi
grep -q "it runs with --backend jit or aot" "$tmp/interp.txt"
echo "the interpreter: refused with a reason"
