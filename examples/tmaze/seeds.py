"""The distribution of the T-maze result over many seeds.

Reads the per-seed files that `tmaze --seeds N --out DIR` writes and prints,
for each agent, the trailing-100 completion rate at the last training
episode: its mean and quantiles over seeds, the share of seeds that stay
stuck (below 0.5), and the spread of the mean of 4 seeds (the size of the
published experiment), drawn 100,000 times from these seeds, with the rank
of a given published value in it.

usage: seeds.py DIR [PUBLISHED]   (default published value 0.93)
"""
import glob
import os
import sys

import numpy as np

directory = sys.argv[1]
published = float(sys.argv[2]) if len(sys.argv) > 2 else 0.93


def trailing(path):
    completes = np.load(path)["completes"]
    training = completes[:-1]  # the last episode evaluates
    return float(np.mean(training[-100:]))


rng = np.random.default_rng(0)
for agent in ("snn", "random"):
    files = sorted(glob.glob(os.path.join(directory, agent + "_*.npz")))
    if not files:
        continue
    rates = np.array([trailing(f) for f in files])
    q = np.quantile(rates, [0.05, 0.25, 0.5, 0.75, 0.95])
    means4 = rates[rng.integers(0, len(rates), (100_000, 4))].mean(axis=1)
    m = np.quantile(means4, [0.05, 0.5, 0.95])
    print(f"{agent:6s} {len(rates)} seeds: trailing-100 completion mean {rates.mean():.3f}, "
          f"quantiles 5/25/50/75/95% {q[0]:.2f} {q[1]:.2f} {q[2]:.2f} {q[3]:.2f} {q[4]:.2f}; "
          f"stuck (< 0.5) {np.mean(rates < 0.5):.1%}")
    print(f"{'':6s} mean of 4 seeds: 5/50/95% {m[0]:.3f} {m[1]:.3f} {m[2]:.3f}; "
          f"{published:.2f} or more in {np.mean(means4 >= published):.1%} of draws")
