#!/usr/bin/env bash
# `neurofuse ensemble` over MPI: the archive that 1, 2 and 4 ranks gather
# (mpirun -np N --oversubscribe, on this machine's loopback) is byte for
# byte the one a single process writes, members spread over the ranks.
#   tests/mpi_ensemble.sh NEUROFUSE_BINARY
set -euo pipefail
neurofuse=$1
source "$(dirname "$0")/mpi_env.sh"
/usr/bin/python3 -c "import numpy as np; np.save('$tmp/in.npy', np.full((1, 20), 0.8, np.float32))"
run() {
  "$@" ensemble "$root/tests/cli/ensemble.nf" --seeds 1:6 --grid z.tau_m=10,20.5 --process advance --steps 200 \
    --set z0.inputs="$tmp/in.npy" --record z.v --record z.s:events --record z.s:sum:as=count --out "$out"
}
out=$tmp/single.npz run "$neurofuse"
for np in 1 2 4; do
  out=$tmp/ranks$np.npz run mpirun -np $np --oversubscribe "$neurofuse"
  cmp "$tmp/single.npz" "$tmp/ranks$np.npz"
  echo "$np ranks: the single process's archive, byte for byte"
done
# Each member is the single run of its seed and value.
i=0
for s in 1 2 3 4 5; do
  for t in 10 20.5; do
    "$neurofuse" run "$root/tests/cli/ensemble.nf" --seed $s --set z.tau_m=$t --process advance --steps 200 \
      --set z0.inputs="$tmp/in.npy" --record z.v --record z.s:events --record z.s:sum:as=count --out "$tmp/m$i.npz" 2>/dev/null
    i=$((i + 1))
  done
done
/usr/bin/python3 "$root/tests/cli/ensemble_check.py" "$tmp/ranks4.npz" "$tmp/m"
# A member that fails on one rank is reported there; the others are kept.
if mpirun -np 2 --oversubscribe "$neurofuse" ensemble "$root/tests/cli/ensemble.nf" --seeds 1,2 --grid z.tau_m=10,abc \
    --process advance --steps 20 --set z0.inputs="$tmp/in.npy" --record z.v --out "$tmp/bad.npz" 2> "$tmp/bad.txt"; then
  echo "a failing member did not fail the ensemble"; exit 1
fi
grep -q "member 3 (seed 2, z.tau_m=abc) failed" "$tmp/bad.txt"
/usr/bin/python3 -c "import numpy as np; d = np.load('$tmp/bad.npz'); assert d['ensemble.ok'].tolist() == [True, False, True, False]"
echo "a failing member: reported, the others kept"
