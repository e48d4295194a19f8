#!/usr/bin/env python3
"""How far fast precision moves results from exact precision, per component
and per example model: runs the golden tests (build/tests/golden_tests),
which run every case in both precisions, with NF_PRECISION_REPORT set, and
prints, for each case, the largest distance in binary32 ulps over its
compartments and kept steps, with the compartment that shows it.

  python3 scripts/precision-report.py [build/tests/golden_tests]

An ulp distance counts representable floats between the two results: near
zero, where floats are dense, a tiny absolute difference is many ulps.
"""
import os
import subprocess
import sys
import tempfile


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "build/tests/golden_tests"
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "report.tsv")
        env = dict(os.environ, NF_PRECISION_REPORT=report)
        subprocess.run([binary], env=env, check=True, stdout=subprocess.DEVNULL)
        rows = [line.rstrip("\n").split("\t") for line in open(report)]
    cases = {}
    for label, compartment, ulps in rows:
        d = cases.setdefault(label, {})
        d[compartment] = max(d.get(compartment, 0), int(ulps))
    print("| case | max ulp | where | compartments moved |")
    print("|---|---|---|---|")
    for label, d in cases.items():
        worst = max(d.items(), key=lambda kv: kv[1])
        moved = sum(1 for v in d.values() if v > 0)
        where = worst[0] if worst[1] > 0 else "—"
        print(f"| `{label}` | {worst[1]:,} | {where} | {moved} of {len(d)} |")


if __name__ == "__main__":
    main()
