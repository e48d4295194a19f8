"""Checks for tests/cli/sparse.nf: a DenseSynapse with storage="sparse"
against an independent NumPy transcription of the sparse product
(docs/SEMANTICS.md, stdlib/DenseSynapse.nf) and against the dense synapse.

  sparse_check.py drives PREFIX [ROWS]    writes the drives (PREFIX.x.npy, PREFIX.gate.npy)
  sparse_check.py densify PREFIX [ROWS]   writes the sparse weights and mask as dense matrices
  sparse_check.py check PREFIX [ROWS]     compares and prints what it checked

ROWS (default 40) is the synapse's row count: 40 rows end in a part block of
the compiled product's 16-row scan, 48 rows make three whole blocks.
"""
import re
import sys

import numpy as np

F32 = np.float32
ROWS, COLUMNS, BATCH, STEPS, P = 40, 30, 2, 40, 0.15


def connectivity(prefix):
    text = open(prefix + ".ir").read()
    block = re.search(r"connectivity W\.connections : \[(\d+), (\d+)\] values (\d+) \{(.*?)\}", text, re.S)
    tables = {k: np.array([int(x) for x in v.split(",") if x.strip()], np.int64)
              for k, v in re.findall(r"(\w+) = \[([^\]]*)\]", block.group(4))}
    assert "value" not in tables, "a Bernoulli connectivity's entries are its values"
    rows = np.repeat(np.arange(ROWS), np.diff(tables["row_start"]))
    return rows, tables["column"]


def state(prefix, name):
    with np.load(prefix + name) as z:
        return {k: z[k] for k in z.files}


def main(mode, prefix):
    if mode == "drives":
        r = np.random.default_rng(5)
        spikes = (r.random((STEPS, BATCH, ROWS)) < 0.2).astype(F32)
        graded = r.uniform(-2.0, 2.0, (STEPS, BATCH, ROWS)).astype(F32)
        x = np.where(r.random((STEPS, BATCH, ROWS)) < 0.5, spikes, graded * spikes)
        x[3] = -0.0  # a step of negative zeros: every row skipped
        x[5, :, 16:32] = 0.0  # a whole block of 16 zero rows, the rows around it not
        x[5, :, 15] = x[5, :, 32] = 1.0
        x[6, :, 32:] = 0.0  # the last block (a part block of 40 rows) zero
        x[6, :, 31] = 1.0
        np.save(prefix + ".x.npy", x.astype(F32))
        np.save(prefix + ".gate.npy", r.uniform(0.5, 1.5, (STEPS, BATCH, COLUMNS)).astype(F32))
        return
    rows, cols = connectivity(prefix)
    s = state(prefix, ".interp.state.npz")
    if mode == "densify":
        dw = np.zeros((ROWS, COLUMNS), F32)
        dm = np.zeros((ROWS, COLUMNS), F32)
        dw[rows, cols] = s["W.weights"]
        dm[rows, cols] = s["W.mask"]
        np.save(prefix + ".dw.npy", dw)
        np.save(prefix + ".dm.npy", dm)
        return
    n = len(cols)
    sigma = (ROWS * COLUMNS * P * (1 - P)) ** 0.5
    print(f"connections {n} of {ROWS * COLUMNS}, expected {ROWS * COLUMNS * P:.0f} +- {sigma:.1f}")
    assert abs(n - ROWS * COLUMNS * P) < 5 * sigma
    assert np.all(np.diff(rows * COLUMNS + cols) > 0), "entries by row, columns ascending"

    dense0 = state(prefix, ".dense0.npz")
    assert np.array_equal(s["W.weights"].view(np.uint32), dense0["W.weights"][rows, cols].view(np.uint32))
    assert np.array_equal(s["W.mask"].view(np.uint32), dense0["W.mask"][rows, cols].view(np.uint32))
    assert np.array_equal(s["W.biases"].view(np.uint32), dense0["W.biases"].view(np.uint32))
    print("weights and mask: the dense draws at the connections")

    outs = {b: np.load(f"{prefix}.{b}.npz")["W.outputs"] for b in ("interp", "jit", "aot")}
    for b in ("jit", "aot"):
        assert np.array_equal(outs[b].view(np.uint32), outs["interp"].view(np.uint32)), b
    print("outputs: interp, jit and aot agree bit for bit")

    # The transcription: W = weights * mask; each output sums from +0, rows
    # ascending, the products of the inputs that are not zero; then * gate,
    # * g_conduct_factor (binary32), + biases.
    x, gate = np.load(prefix + ".x.npy"), np.load(prefix + ".gate.npy")
    w = (s["W.weights"] * s["W.mask"]).astype(F32)
    g = F32(-1.7)
    want = np.zeros((STEPS, BATCH, COLUMNS), F32)
    for t in range(STEPS):
        for b in range(BATCH):
            acc = np.zeros(COLUMNS, F32)
            for e in range(n):
                xr = x[t, b, rows[e]]
                if xr != 0:
                    acc[cols[e]] = F32(acc[cols[e]] + F32(xr * w[e]))
            want[t, b] = ((acc * gate[t, b]).astype(F32) * g).astype(F32) + s["W.biases"][0]
    assert np.array_equal(outs["interp"].view(np.uint32), want.view(np.uint32))
    print("outputs: the NumPy transcription, bit for bit")

    dense = np.load(prefix + ".dense.npz")["W.outputs"]
    assert np.array_equal(dense, outs["interp"])  # values: -0 == +0
    print("outputs: the dense synapse over the densified weights, value for value")
    print("ok")


if __name__ == "__main__":
    if len(sys.argv) > 3:
        ROWS = int(sys.argv[3])
    main(sys.argv[1], sys.argv[2])
