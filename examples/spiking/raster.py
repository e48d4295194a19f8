"""Prints a text raster of a run of poisson_lif.nf from its .npz recording."""
import sys

import numpy as np

d = np.load(sys.argv[1])
spikes_in = d["z0.outputs"][:, 0, :]
spikes_out = d["z1.s"][:, 0, :]
trace = d["tr.trace"][:, 0, 0]
print("   t  Poisson input (16)   LIF (4)  trace of LIF unit 0")
for t in range(spikes_in.shape[0]):
    row_in = "".join("|" if s else "." for s in spikes_in[t])
    row_out = "".join("*" if s else "." for s in spikes_out[t])
    print(f"{t:4d}  {row_in}   {row_out}     {trace[t]:6.3f} {'#' * int(round(trace[t] * 10))}")
print(f"input spikes: {int(spikes_in.sum())}, LIF spikes per unit: {spikes_out.sum(axis=0).astype(int).tolist()}")
