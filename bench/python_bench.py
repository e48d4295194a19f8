"""What Python costs on top of the compiled code, measured side by side in one
run (docs/PERFORMANCE.md, "Python"):

- the fixed cost of s.run(process, steps=1) on a one-add model, and of
  reading a compartment, s["c.x"], in microseconds;
- the T-maze network's forward process in windows of 100 steps, from Python
  (neurofuse.State.run) against the same from C++ (bench's "tmaze windows of
  100", run here as a child process).

    PYTHONPATH=build/python /usr/bin/python3 bench/python_bench.py [--bench build/bin/bench]
"""
import argparse
import json
import os
import subprocess
import tempfile
import time

import numpy as np

import neurofuse as nf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def median_seconds(fn, calls, repeats=7):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - t) / calls)
    return sorted(times)[len(times) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", default=os.path.join(ROOT, "build", "bin", "bench"))
    args = parser.parse_args()

    one = nf.compile(os.path.join(ROOT, "bench", "models", "overhead.nf"), tiered=False).state()
    process = one.model.processes[0]
    name = one.model.compartments[0].name
    run_us = median_seconds(lambda: one.run(process, 1), 2000) * 1e6
    get_us = median_seconds(lambda: one[name], 20000) * 1e6
    print("Python: s.run(%r, 1) %.2f us, s[%r] %.2f us" % (process, run_us, name, get_us))

    tmaze = nf.compile(os.path.join(ROOT, "examples", "tmaze", "tmaze.nf"), tiered=False).state(1)
    tmaze["z0.inputs"] = (np.arange(270) % 9 < 3).astype(np.float32).reshape(1, 270)
    i = np.arange(270 * 36).reshape(270, 36)
    tmaze["W1.weights"] = np.where(i % 6 == 0, 1.0, np.where(i % 6 == 1, -1.0, 0.0))
    done = [0]

    def window():
        tmaze.run("forward", 100, first=done[0])
        done[0] += 100

    python_steps = 100 / median_seconds(window, 500)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([args.bench, "--only", "tmaze windows of 100", "--json", os.path.join(tmp, "b.json")],
                       check=True, capture_output=True)
        cpp_steps = json.load(open(os.path.join(tmp, "b.json")))["workloads"]["tmaze windows of 100"]["steps_per_s"]
    print("T-maze forward in windows of 100 steps: %.0f steps/s from Python, %.0f from C++: %.2fx"
          % (python_steps, cpp_steps, python_steps / cpp_steps))


if __name__ == "__main__":
    main()
