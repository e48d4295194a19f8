"""Checks an ensemble archive against the single runs of its members:
ensemble_check.py ENSEMBLE.npz PREFIX, where PREFIX{i}.npz is member i's
`neurofuse run --out`. Prints what it found; exits 1 on a difference."""
import sys

import numpy as np

ens = np.load(sys.argv[1])
n = len(ens["ensemble.seed"])
for i in range(n):
    single = np.load(f"{sys.argv[2]}{i}.npz")
    for name, want in single.items():
        got = ens[name]
        if name.endswith(":events"):
            got = got[got[:, 0] == i][:, 1:]
        else:
            got = got[i]
        if got.dtype != want.dtype or got.shape != want.shape or got.tobytes() != want.tobytes():
            sys.exit(f"member {i}: '{name}' differs from its single run")
    assert len(single["z.s:events"]) > 0, "no spikes: the run is not a test"
print(f"{n} members: values, sums and events equal the single runs")
print("seeds", ens["ensemble.seed"].tolist(), "tau_m", ens["ensemble.z.tau_m"].tolist())
