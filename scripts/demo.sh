#!/usr/bin/env bash
# On a fresh Debian 12 machine (as root): installs what is missing (plus
# matplotlib for the plots), builds, and runs the flagship example:
# ngclearn's reward-modulated STDP lesson, compiled to a native module and run
# through the embedding runtime, checked against the reference's table and
# plotted.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if ! dpkg-query -W -f='${Status}' python3-matplotlib 2>/dev/null | grep -q "install ok installed"; then
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-matplotlib
  else
    echo "python3-matplotlib is missing: the example runs, but draws no plot"
  fi
fi
scripts/build.sh --target mod_stdp_driver --target neurofuse

out=build/examples/mod_stdp
echo "== examples/mod_stdp: the reward-modulated STDP lesson, compiled"
build/bin/neurofuse check examples/mod_stdp/mod_stdp.nf | head -12
echo
build/examples/mod_stdp/mod_stdp_driver "$out/mod_stdp.so" "$out"
/usr/bin/python3 examples/mod_stdp/plot.py "$out"
echo "trajectories: $out/trajectories.npz, $out/trajectories.csv; plot: $out/mod_stdp.png"
