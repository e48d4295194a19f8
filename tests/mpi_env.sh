# Sourced by the MPI tests: $root (the checkout), $tmp (removed on exit), and
# what OpenMPI needs to run up to 4 ranks on this machine's loopback.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# OpenMPI refuses to start as root unless told; CI runs as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# More ranks than cores; a rank waiting in a collective yields its core to
# the rank it waits for instead of spinning on it.
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_mpi_yield_when_idle=1
