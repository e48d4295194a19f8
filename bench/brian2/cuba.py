"""Brian2's CUBA benchmark network in Brian2 and in neurofuse, side by side.

The network is Brian2's examples/CUBA.py (after Vogels & Abbott 2005): 4000
LIF units, 3200 excitatory and 800 inhibitory, random connections with p =
0.02, exponential current synapses (we = 1.62 mV, wi = -9 mV, 5 and 10 ms),
a 5 ms refractory period, dt = 0.1 ms, initial voltages uniform in
[-60, -50] mV, 1 s of model time. bench/models/cuba_4000.nf is the same
network for neurofuse (Euler steps, as Brian2's method='euler' here).

Each configuration runs in its own process (Brian2's devices keep global
state): Brian2 cpp_standalone on 1 and 2 OpenMP threads, Brian2's runtime
NumPy target (the array-at-a-time peer), and neurofuse on 1 and 2 threads.
It prints, for each: the time to build (code generation and compilation,
or neurofuse's cold compile), the time to run 1 s, the mean excitatory and
inhibitory rates, and the speed ratios against Brian2 cpp_standalone.

  /usr/bin/python3 bench/brian2/cuba.py [--duration 1.0] [--json FILE]

Needs python3-brian (Debian; scripts/install-deps.sh) and the Python package
(PYTHONPATH=build/python).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
MODEL = os.path.join(ROOT, "bench", "models", "cuba_4000.nf")
NE, NI = 3200, 800


def brian(target, threads, duration, directory):
    """One Brian2 run: dict of build_s, run_s, rates."""
    import brian2 as b
    b.prefs.logging.std_redirection = False
    start = time.perf_counter()
    if target == "cpp_standalone":
        b.set_device("cpp_standalone", directory=directory, build_on_run=False)
        b.prefs.devices.cpp_standalone.openmp_threads = threads
    else:
        b.prefs.codegen.target = "numpy"
    b.defaultclock.dt = 0.1 * b.ms
    taum, taue, taui = 20 * b.ms, 5 * b.ms, 10 * b.ms
    Vt, Vr, El = -50 * b.mV, -60 * b.mV, -49 * b.mV
    eqs = """
    dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
    dge/dt = -ge / taue : volt
    dgi/dt = -gi / taui : volt
    """
    P = b.NeuronGroup(NE + NI, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * b.ms, method="euler")
    P.v = "Vr + rand() * (Vt - Vr)"
    P.ge = 0 * b.mV
    P.gi = 0 * b.mV
    we = (60 * 0.27 / 10) * b.mV
    wi = (-20 * 4.5 / 10) * b.mV
    Ce = b.Synapses(P, P, on_pre="ge += we")
    Ci = b.Synapses(P, P, on_pre="gi += wi")
    Ce.connect("i < 3200", p=0.02)
    Ci.connect("i >= 3200", p=0.02)
    counts = b.SpikeMonitor(P, record=False)
    b.run(duration * b.second)
    if target == "cpp_standalone":
        b.device.build(directory=directory, compile=True, run=True)
        total = time.perf_counter() - start
        run_s = float(b.device._last_run_time)
        build_s = total - run_s
    else:
        total = time.perf_counter() - start
        run_s = total
        build_s = 0.0
    c = counts.count[:]
    return {"build_s": build_s, "run_s": run_s,
            "rate_e": float(c[:NE].sum()) / NE / duration, "rate_i": float(c[NE:].sum()) / NI / duration}


def neurofuse(threads, duration, cache):
    """One neurofuse run: dict of build_s (cold compile), run_s, rates."""
    os.environ["NEUROFUSE_CACHE_DIR"] = cache
    import numpy as np
    import neurofuse as nf
    start = time.perf_counter()
    model = nf.compile(MODEL, tiered=False)  # the optimized build, timed whole
    build_s = time.perf_counter() - start
    s = model.state()
    s.threads = threads
    rng = np.random.default_rng(1)
    s["E.v"] = (-60.0 + rng.random((1, NE)) * 10.0).astype(np.float32)
    s["I.v"] = (-60.0 + rng.random((1, NI)) * 10.0).astype(np.float32)
    steps = int(round(duration / 1e-4))
    start = time.perf_counter()
    out = s.run("advance", steps, record=["E.s:sum:as=e", "I.s:sum:as=i"])
    run_s = time.perf_counter() - start
    return {"build_s": build_s, "run_s": run_s,
            "rate_e": float(out["e"].sum()) / NE / duration, "rate_i": float(out["i"].sum()) / NI / duration}


CONFIGS = [("brian2 cpp_standalone, 1 thread", "brian", "cpp_standalone", 1),
           ("brian2 cpp_standalone, 2 threads", "brian", "cpp_standalone", 2),
           ("brian2 numpy (runtime)", "brian", "numpy", 1),
           ("neurofuse, 1 thread", "neurofuse", None, 1),
           ("neurofuse, 2 threads", "neurofuse", None, 2)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=1.0, help="model time in seconds")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one is not None:
        name, kind, target, threads = CONFIGS[args.one]
        with tempfile.TemporaryDirectory() as tmp:
            r = brian(target, threads, args.duration, tmp) if kind == "brian" else neurofuse(threads, args.duration, tmp)
        print(json.dumps(r))
        return
    results = {}
    for k, (name, _, _, _) in enumerate(CONFIGS):
        p = subprocess.run([sys.executable, os.path.abspath(__file__), "--one", str(k), "--duration", str(args.duration)],
                           capture_output=True, text=True)
        if p.returncode != 0:
            print(f"{name}: failed\n{p.stderr[-2000:]}", file=sys.stderr)
            continue
        results[name] = json.loads(p.stdout.strip().splitlines()[-1])
    ref = results.get("brian2 cpp_standalone, 1 thread")
    print(f"CUBA, 4000 units, p = 0.02, {args.duration:g} s of model time at dt = 0.1 ms")
    print(f"{'':34s} {'build (s)':>10s} {'run (s)':>9s} {'steps/s':>10s} {'E rate':>8s} {'I rate':>8s} "
          f"{'speed vs brian2 1 thr':>22s} {'build vs brian2':>16s}")
    steps = args.duration / 1e-4
    for name, r in results.items():
        speed = ref["run_s"] / r["run_s"] if ref else float("nan")
        build = ref["build_s"] / r["build_s"] if ref and r["build_s"] > 0 else float("nan")
        print(f"{name:34s} {r['build_s']:10.2f} {r['run_s']:9.3f} {steps / r['run_s']:10.0f} {r['rate_e']:7.2f}Hz "
              f"{r['rate_i']:7.2f}Hz {speed:21.2f}x {build:15.1f}x")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
