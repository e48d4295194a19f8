#!/usr/bin/env bash
# tmaze's seeds spread over MPI ranks write, seed for seed, the files one
# process writes, and print the same summary.
#   examples/tmaze/mpi_seeds_test.sh TMAZE_BINARY TMAZE_MODULE
set -euo pipefail
tmaze=$1 module=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
"$tmaze" "$module" --seeds 6 --episodes 60 --out "$tmp/one" | grep -v "wall time" > "$tmp/one.txt"
for np in 2 4; do
  mpirun -np $np --oversubscribe "$tmaze" "$module" --seeds 6 --episodes 60 --out "$tmp/np$np" | grep -v "wall time" > "$tmp/np$np.txt"
  diff "$tmp/one.txt" "$tmp/np$np.txt"
  for f in "$tmp"/one/*; do cmp "$f" "$tmp/np$np/$(basename "$f")"; done
  echo "$np ranks: $(ls "$tmp/np$np" | wc -l) files, each the single process's; the same summary"
done
