#!/usr/bin/env bash
# Installs the Debian 12 packages that building and testing neurofuse needs
# (with --bench, also the benchmark suite's peers),
# skipping those already present. Runs as root, non-interactively.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  llvm-19-dev        # LLVM 19 libraries and CMake config (compiler/)
  llvm-19-tools      # FileCheck for the text tests
  libfmt-dev
  zlib1g-dev         # inflating numpy.savez_compressed archives (runtime/npz.cpp)
  catch2             # Catch2 v2 unit tests
  python3-numpy      # tests check that numpy.load reads what we write; NumPy transcriptions
  python3-matplotlib # the examples' plots (their commands are tested with the docs)
  python3-dev pybind11-dev  # the Python package (python/): pybind11 from Debian, like the rest of the toolchain
  python3-pytest python3-tqdm  # its tests; its progress bars
  dataset-fashion-mnist  # the data of examples/dcsnn (Diehl & Cook on Fashion-MNIST)
  python3-sklearn  # sklearn baselines of examples/fashion_mnist
  libopenmpi-dev openmpi-bin  # neurofuse ensemble over MPI ranks (optional in the build; tested when found)
  clang-19 libclang-rt-19-dev libfuzzer-19-dev  # the sanitizer build and the fuzz targets (scripts/sanitize.sh)
)

# --bench: also the peers the benchmark suite runs beside neurofuse.
if [ "${1:-}" = "--bench" ]; then
  packages+=(python3-brian)  # Brian2, for bench/brian2/cuba.py (scripts/bench.sh)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: missing packages (${missing[*]}) and not running as root to install them" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
