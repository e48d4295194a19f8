"""Writes the input of poisson_lif.nf: rates in [0, 1] for its 16 Poisson
units, one row per step ([steps, 1, 16] float32), a slow wave across units.

usage: make_input.py OUT.npy [STEPS]   (default 200 steps)
"""
import sys

import numpy as np

steps = int(sys.argv[2]) if len(sys.argv) > 2 else 200
k = np.arange(steps)[:, None]
unit = np.arange(16)[None, :]
rates = 0.5 + 0.5 * np.sin(2 * np.pi * (k / 100.0 + unit / 16.0))
np.save(sys.argv[1], rates.astype(np.float32).reshape(steps, 1, 16))
