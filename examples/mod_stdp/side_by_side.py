"""ngclearn's mod_stdp lesson run in ngclearn 3.2.3 and in neurofuse, side by
side: the same numbers at the lesson's steps, how far apart they are in
float32 ulps, and the wall time of each (docs/PYTHON.md).

ngclearn needs Python 3.12 (scripts/ngclearn-venv.sh makes build/ngclearn-venv);
the neurofuse package here is built for Debian's Python 3.11, so each side runs
in its own interpreter and this script, run by the first, starts the second:

    build/ngclearn-venv/bin/python examples/mod_stdp/side_by_side.py

ngclearn runs as a user runs it (JAX on the CPU, XLA's own choices); its
components, parameters and the lesson's inputs come from the differential
tests' transcription of the lesson (tests/ngclearn/cases.py). neurofuse runs
examples/mod_stdp/mod_stdp.py. Both wall times include compiling.
"""
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "ngclearn"))
os.environ.setdefault("JAX_PLATFORMS", "cpu")

COLUMNS = {"w_stdp": "W1_stdp.weights", "w_mstdp": "W1_rstdp.weights", "w_mstdpet": "W_mstdpet.weights",
           "eligibility": "W_mstdpet.eligibility"}
STEPS = [0, 10, 11, 50, 70, 71, 80, 81, 100, 110, 111, 115, 116, 135, 136, 140, 141, 199]


def ulps(a, b):
    a, b = (np.asarray(x, np.float32).view(np.int32).astype(np.int64) for x in (a, b))
    a = np.where(a < 0, np.int64(-2**31) - a, a)
    b = np.where(b < 0, np.int64(-2**31) - b, b)
    return np.abs(a - b)


def main():
    import cases
    import harness

    started = time.perf_counter()
    ngc = harness.run_ngclearn(cases.mod_stdp_lesson())
    ngc_seconds = time.perf_counter() - started

    python = os.environ.get("NF_PYTHON", "/usr/bin/python3")
    env = dict(os.environ, PYTHONPATH=os.environ.get("NF_PYTHONPATH", os.path.join(ROOT, "build", "python")))
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run([python, os.path.join(ROOT, "examples", "mod_stdp", "mod_stdp.py"), out], env=env,
                       check=True, capture_output=True)
        nf_seconds = time.perf_counter() - started
        ours = dict(np.load(os.path.join(out, "trajectories.npz")))

    print("step | " + " | ".join("%-23s" % ("%s: ngclearn, neurofuse" % k) for k in COLUMNS))
    for i in STEPS:
        print("%4d | " % i + " | ".join("%10.7f %10.7f  " % (float(np.ravel(ngc[c])[i]), float(ours[k][i]))
                                         for k, c in COLUMNS.items()))
    apart = 0.0
    for k, c in COLUMNS.items():
        d = ulps(np.ravel(ngc[c])[:200], ours[k])
        apart = max(apart, float(np.max(np.abs(np.ravel(ngc[c])[:200].astype(np.float64) - ours[k]))))
        print("%-12s max %d ulp apart over 200 steps" % (k, int(d.max())))
    print("wall time, compiling included: ngclearn %.2f s, neurofuse %.2f s" % (ngc_seconds, nf_seconds))
    # The same numbers to the lesson table's seven decimals at every step.
    if apart > 5e-7:
        print("MISMATCH: the two differ by %.3g" % apart)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
