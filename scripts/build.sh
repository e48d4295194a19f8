#!/usr/bin/env bash
# Configures and builds neurofuse into build/ (Ninja, RelWithDebInfo).
set -euo pipefail
cd "$(dirname "$0")/.."
# The Python package is built for Debian's python3 (whose numpy, pytest and
# development files scripts/install-deps.sh installs), not whatever python3
# comes first on PATH.
python=()
[ -x /usr/bin/python3 ] && python=(-DPython_EXECUTABLE=/usr/bin/python3)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEUROFUSE_WERROR=ON "${python[@]}" >/dev/null
cmake --build build -j "$(nproc)" "$@"
