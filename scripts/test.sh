#!/usr/bin/env bash
# On a fresh Debian 12 machine (as root): installs what is missing, builds into
# build/, runs every test through ctest, then builds again with ASan, UBSan
# and LeakSanitizer into build-sanitize/ and runs the suite and each fuzz
# target there (scripts/sanitize.sh; NEUROFUSE_SKIP_SANITIZE=1 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
if [ "${NEUROFUSE_SKIP_SANITIZE:-0}" != 1 ]; then
  scripts/sanitize.sh
fi
