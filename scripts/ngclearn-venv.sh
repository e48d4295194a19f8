#!/usr/bin/env bash
# Creates (idempotently) build/ngclearn-venv, a Python virtual environment
# holding ngclearn 3.2.3 -- the reference that tests/ngclearn compares the
# standard components against -- with every package pinned.
#
#   scripts/ngclearn-venv.sh            # create or complete the environment
#   build/ngclearn-venv/bin/python -m pytest tests/ngclearn -q
#
# Exit codes: 0 ready; 77 cannot be made here (no Python >= 3.12, no package
# registry reachable): one line on stderr says why, and tests skip with it;
# anything else is a real failure.
#
# ngclearn 3.2.3 needs numpy >= 2.5.2 and jax >= 0.11.1, which exist only for
# Python >= 3.12, so Debian 12's python3 (3.11) is not enough. The interpreter
# is taken from $NGCLEARN_PYTHON, else the first python3.13/python3.12 on PATH,
# else a pyenv install (~/.pyenv/versions/3.12*, 3.13*), else python3 when it
# is new enough.
set -uo pipefail
cd "$(dirname "$0")/.."

VENV=build/ngclearn-venv
SKIP=77

# Everything pinned: ngclearn, its ngcsimlib, the CPU jax/jaxlib wheels,
# numpy, all their dependencies, and pytest. Wheels only.
PINS=(
  ngclearn==3.2.3
  ngcsimlib==3.1.1
  jax==0.12.0.1
  jaxlib==0.12.0.1
  ml_dtypes==0.7.0
  opt_einsum==3.4.0
  numpy==2.5.5
  scipy==1.18.1
  scikit-learn==1.9.1
  joblib==1.6.0
  threadpoolctl==3.8.0
  matplotlib==3.11.2
  contourpy==1.4.0
  cycler==0.12.1
  fonttools==4.68.0
  kiwisolver==1.5.1
  pillow==13.0.0
  pyparsing==3.3.3
  python-dateutil==4.0.0
  pandas==3.1.1
  narwhals==2.29.0
  tzdata==2026.6
  imageio==2.38.2
  typing_extensions==4.16.0
  cloudpickle==3.1.3
  packaging==26.4
  pytest==9.2.0
  iniconfig==2.3.1
  pluggy==1.7.0
  Pygments==2.21.0
)

skip() { echo "ngclearn-venv: SKIP: $*" >&2; exit "$SKIP"; }
fail() { echo "ngclearn-venv: FAILED: $*" >&2; exit 1; }

stamp="$VENV/.pins"
want="$(printf '%s\n' "${PINS[@]}")"
if [[ -x $VENV/bin/python && -f $stamp && "$(cat "$stamp")" == "$want" ]]; then
  echo "ngclearn-venv: ready at $VENV (ngclearn 3.2.3, jax 0.12.0.1)"
  exit 0
fi

new_enough() {  # python executable -> 0 when it is >= 3.12 and has venv
  "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' 2>/dev/null
}

py=""
for c in "${NGCLEARN_PYTHON:-}" python3.13 python3.12 \
         "$HOME"/.pyenv/versions/3.13*/bin/python3 \
         "$HOME"/.pyenv/versions/3.12*/bin/python3 python3; do
  [[ -n $c ]] || continue
  c="$(command -v "$c" 2>/dev/null)" || continue
  if new_enough "$c"; then py="$c"; break; fi
done
if [[ -z $py ]]; then
  # A Debian python3 >= 3.12 (Debian 13) may only lack python3-venv.
  if command -v python3 >/dev/null &&
     python3 -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null &&
     ! python3 -c 'import venv, ensurepip' 2>/dev/null && [[ $(id -u) == 0 ]] &&
     command -v apt-get >/dev/null; then
    echo "ngclearn-venv: installing python3-venv with apt-get"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; } \
      >/dev/null 2>&1 || skip "apt-get install python3-venv failed (no Debian mirror reachable?)"
    new_enough "$(command -v python3)" && py="$(command -v python3)"
  fi
fi
[[ -n $py ]] || skip "ngclearn 3.2.3 needs Python >= 3.12 with venv (none found; set NGCLEARN_PYTHON)"

start=$SECONDS
created=""
if [[ ! -x $VENV/bin/python ]]; then
  mkdir -p build
  "$py" -m venv "$VENV" || fail "$py -m venv $VENV"
  created=1
fi
rm -f "$stamp"

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# One cheap request first, so that an unreachable registry skips quickly
# rather than failing after pip's retries.
if ! "$VENV/bin/pip" download --no-deps --only-binary=:all: --timeout 20 --retries 1 \
      -d "$VENV/.probe" -q ngcsimlib==3.1.1 >/dev/null 2>&1; then
  rm -rf "$VENV/.probe"
  [[ -n $created ]] && rm -rf "$VENV"  # leave no half-made environment behind
  skip "the PyPI registry cannot be reached; the ngclearn reference is not installed"
fi
rm -rf "$VENV/.probe"

echo "ngclearn-venv: installing ngclearn 3.2.3 and its pinned dependencies with $py"
"$VENV/bin/pip" install -q --only-binary=:all: --timeout 60 "${PINS[@]}" ||
  fail "pip install into $VENV"
"$VENV/bin/python" -c 'import jax, ngclearn, ngcsimlib' || fail "import ngclearn"
printf '%s\n' "${PINS[@]}" > "$stamp"
echo "ngclearn-venv: ready at $VENV (ngclearn 3.2.3, jax 0.12.0.1) in $((SECONDS - start)) s"
