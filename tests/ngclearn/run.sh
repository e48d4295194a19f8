#!/usr/bin/env bash
# The differential suite against ngclearn 3.2.3, as scripts/test.sh runs it:
# makes (or reuses) build/ngclearn-venv, then runs the suite with the given
# neurofuse binary. Exit 77, with the reason, when the environment cannot be
# made here (ctest reports the test as skipped).
#   tests/ngclearn/run.sh NEUROFUSE_BINARY
set -uo pipefail
cd "$(dirname "$0")/../.."
# Several parts of the suite may start at once: one makes the environment.
mkdir -p build
flock build/.ngclearn-venv.lock scripts/ngclearn-venv.sh
status=$?
if [ "$status" -ne 0 ]; then
  [ "$status" -eq 77 ] && echo "skipped: the ngclearn reference environment cannot be made here (see above)"
  exit "$status"
fi
NEUROFUSE="$1" exec build/ngclearn-venv/bin/python -m pytest tests/ngclearn -q -p no:cacheprovider
