#!/usr/bin/env bash
# Configures and builds neurofuse into build/ (Ninja, RelWithDebInfo).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEUROFUSE_WERROR=ON >/dev/null
cmake --build build -j "$(nproc)" "$@"
