#!/usr/bin/env bash
# Partitioned runs (neurofuse run --partition) on 1, 2 and 4 MPI ranks of
# this machine: strong scaling (one network, more ranks), weak scaling (the
# network grows with the ranks), and the bytes each rank exchanges a step.
# docs/SCALING.md reports and models these numbers.
#   bench/scaling.sh [NEUROFUSE_BINARY] [REPEATS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
neurofuse=${1:-$root/build/bin/neurofuse}
repeats=${2:-2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
# More ranks than cores: a rank waiting in a collective must yield its core
# to the rank it waits for, not spin on it (OpenMPI spins by default).
export OMPI_MCA_mpi_yield_when_idle=1

# An MSTDP-ET layer of K x N synapses (bench/models/mstdpet_layer_*.nf with
# other shapes), its sources spiking with p = 0.05 and the reward at +1.
mstdpet() {
  local k=$1 n=$2
  sed -e "s/model mstdpet_layer_1000/model mstdpet_${k}x${n}/" \
      -e "s/pre = BernoulliCell(n_units=1000)/pre = BernoulliCell(n_units=$k)/" \
      -e "s/post = BernoulliCell(n_units=1000)/post = BernoulliCell(n_units=$n)/" \
      -e "s/tr_pre = VarTrace(n_units=1000/tr_pre = VarTrace(n_units=$k/" \
      -e "s/tr_post = VarTrace(n_units=1000/tr_post = VarTrace(n_units=$n/" \
      -e "s/shape=(1000, 1000)/shape=($k, $n)/" "$root/bench/models/mstdpet_layer_1000.nf" > "$tmp/m_${k}x${n}.nf"
  /usr/bin/python3 -c "
import numpy as np
np.save('$tmp/pre_$k.npy', np.full((1, $k), 0.05, np.float32))
np.save('$tmp/post_$n.npy', np.full((1, $n), 0.05, np.float32))
np.save('$tmp/gate_$n.npy', np.ones((1, $n), np.float32))
np.save('$tmp/reward.npy', np.ones((1, 1), np.float32))"
  echo "$tmp/m_${k}x${n}.nf --process step --set pre.inputs=$tmp/pre_$k.npy --set post.inputs=$tmp/post_$n.npy --set W.gate=$tmp/gate_$n.npy --set W.modulator=$tmp/reward.npy"
}

# run RANKS STEPS MODEL-AND-OPTIONS...: "steps/s bytes-sent-per-step exchanges-per-step", best of the repeats
run() {
  local ranks=$1 steps=$2
  shift 2
  local best=0 line
  for _ in $(seq "$repeats"); do
    if [ "$ranks" = 1 ]; then
      "$neurofuse" run "$@" --steps "$steps" --no-tier --partition 2> "$tmp/log" > /dev/null
    else
      mpirun -np "$ranks" --oversubscribe "$neurofuse" run "$@" --steps "$steps" --no-tier --partition 2> "$tmp/log" > /dev/null
    fi
    local rate sent calls
    rate=$(sed -n 's/.* steps\/s$//; s/^ran .* s, \([0-9]*\) steps\/s$/\1/p' "$tmp/log" | tail -1)
    rate=$(grep -o '[0-9]* steps/s' "$tmp/log" | tail -1 | cut -d' ' -f1)
    sent=$(sed -n 's/.*at most \([0-9]*\) bytes sent.*/\1/p' "$tmp/log")
    calls=$(sed -n 's/.* in \([0-9.e+]*\) exchanges/\1/p' "$tmp/log")
    if [ "$rate" -gt "$best" ]; then best=$rate; line="$rate $sent $calls"; fi
  done
  echo "$line"
}

row() {  # row LABEL RANKS STEPS MODEL...
  local label=$1 ranks=$2 steps=$3
  shift 3
  read -r rate sent calls < <(run "$ranks" "$steps" "$@")
  printf "| %-26s | %5s | %9s | %12s | %9s |\n" "$label" "$ranks" "$rate" "$sent" "$calls"
}

echo "| network | ranks | steps/s | bytes sent per step and rank | exchanges per step |"
echo "|---|---|---|---|---|"
m4000=$(mstdpet 4000 4000)
for r in 1 2 4; do row "mstdpet-layer 4000x4000" "$r" 200 $m4000; done
for r in 1 2 4; do row "mstdpet-layer 2000x$((2000 * r))" "$r" 300 $(mstdpet 2000 $((2000 * r))); done
for r in 1 2 4; do row "LIF 4000, dense 4000x4000" "$r" 300 "$root/bench/models/lif_4000.nf" --process step --set z0.inputs="$tmp/pre_4000.npy"; done
/usr/bin/python3 -c "import numpy as np; np.save('$tmp/ones_10000.npy', np.ones((1, 10000), np.float32))"
for r in 1 2 4; do
  row "sparse LIF 10000" "$r" 1000 "$root/bench/models/lif_10000_sparse.nf" --process step --set ext.inputs="$tmp/ones_10000.npy"
done
for r in 1 2 4; do row "CUBA 4000 (sparse)" "$r" 5000 "$root/bench/models/cuba_4000.nf" --process advance; done
