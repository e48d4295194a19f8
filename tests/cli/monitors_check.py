"""Checks the recordings of tests/cli/monitors.nf: the three backends' archives
are identical, and every summarizing record equals what the dense per-step
recording in the same archive says (events its nonzeros, subsets and every-N
its slices, sums and means float32 additions in ascending unit order, the
running sum starting at the first unit, as IR `sum` and `mean` define them).

usage: monitors_check.py INTERP.npz JIT.npz AOT.npz
"""
import sys

import numpy as np

runs = [np.load(path) for path in sys.argv[1:]]
first = runs[0]
for other, path in zip(runs[1:], sys.argv[2:]):
    assert sorted(other.keys()) == sorted(first.keys()), path
    for key in first.keys():
        assert other[key].dtype == first[key].dtype and np.array_equal(other[key], first[key]), (path, key)

steps = 300
s = first["z1.s"].reshape(steps, -1)
v = first["z1.v"].reshape(steps, -1)


def f32_sum(rows):
    """Sequential float32 sums of each row, starting at its first element."""
    out = []
    for row in rows.astype(np.float32):
        acc = row[0]
        for x in row[1:]:
            acc = np.float32(acc + x)
        out.append(acc)
    return np.array(out, np.float32)


nonzero = np.argwhere(s != 0).astype(np.int32)
events = first["z1.s:events"]
assert events.dtype == np.int32 and events.shape == (len(nonzero), 2)
assert np.array_equal(events, nonzero)
units = np.arange(3, 30, 4)
sub = first["z1.s[3:30:4]:events"]
assert np.array_equal(sub, nonzero[np.isin(nonzero[:, 1], units)])
assert np.array_equal(first["z1.s:sum"], f32_sum(s))
mean = first["z1.s:mean:every=3:start=2"]
assert mean.shape == (len(range(2, steps, 3)),)
assert np.array_equal(mean, (f32_sum(s[2::3]) / np.float32(40)).astype(np.float32))
assert np.array_equal(first["rate_last5"], (f32_sum(s[:, -5:]) / np.float32(5)).astype(np.float32))
assert np.array_equal(first["z1.v[7,0,7]:every=10"], v[::10][:, [7, 0, 7]])
# Wired names: z1.j reads W.outputs; tr.inputs the sum z1.s + z1.v.
assert np.array_equal(first["tr.inputs"], (first["z1.s"] + first["z1.v"]).astype(np.float32))
w = first["w"]
assert w.shape == (3, 24, 40) and w.dtype == np.float32
print(f"events {len(events)} of {s.size} elements")
print("ok")
