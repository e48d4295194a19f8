#!/usr/bin/env bash
# On a fresh Debian 12 machine (as root): installs what is missing, builds into
# build/, and runs every test through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
