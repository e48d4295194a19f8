"""A NumPy stand-in for timing ngclearn's PCN exhibit on the CPU, beside
neurofuse's compiled model.

The stand-in runs the exhibit's process() op by op in float32 NumPy: the
transcription of ngclearn's components in tests/exhibits/pcn_numpy.py (which
test_pcn.py checks against neurofuse bit for bit), with NumPy's BLAS matrix
products and sums in place of the transcription's left-to-right ones. It is
not ngclearn itself (which runs the same operations as XLA programs through
JAX), only an estimate of what an array-at-a-time CPU implementation costs.
neurofuse runs the same mini-batches in the same process, on 1 and 2
threads; BLAS gets the same number of threads (OPENBLAS_NUM_THREADS and the
like are set before NumPy loads, so run the script once per count).

  PYTHONPATH=build/python /usr/bin/python3 examples/pcn/numpy_standin.py --threads 1
  PYTHONPATH=build/python /usr/bin/python3 examples/pcn/numpy_standin.py --threads 2
"""
import argparse
import os
import sys

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("--batches", type=int, default=8, help="mini-batches of 250 timed on each side")
ap.add_argument("--threads", type=int, default=1, help="neurofuse's threads and BLAS's")
args = ap.parse_args()
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_v] = str(args.threads)

import time  # noqa: E402

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "exhibits"))
sys.path.insert(0, os.path.join(HERE, "..", "fashion_mnist"))
import pcn  # noqa: E402
import pcn_numpy  # noqa: E402
from fmnist import fashion_mnist  # noqa: E402

# array-at-a-time: BLAS products and NumPy's own sums
pcn_numpy.matmul = lambda a, b: np.matmul(a, b)
pcn_numpy.seq_sum = lambda x, axis: np.sum(x, axis=axis, keepdims=True, dtype=np.float32)


def blas_library():
    """The BLAS library NumPy has loaded (Debian's numpy takes whichever
    libblas.so.3 alternative is installed: reference BLAS or OpenBLAS)."""
    np.ones((8, 8), np.float32) @ np.ones((8, 8), np.float32)
    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    libs = sorted(os.path.realpath(p) for p in paths if "_multiarray" not in p)
    return ", ".join(os.path.basename(os.path.dirname(p)) + "/" + os.path.basename(p) for p in libs) or "?"


def main():
    xtr, ytr, _, _ = fashion_mnist()
    n = args.batches * 250
    X, Y = xtr[:n], pcn.one_hot(ytr[:n])

    t0 = time.perf_counter()
    net = pcn.PCN(seed=1234, threads=args.threads)
    compile_s = time.perf_counter() - t0
    params = {}
    s = net.state
    for k in (1, 2, 3):
        params[f"W{k}"] = s[f"W{k}.weights"].copy()
        params[f"b{k}"] = s[f"W{k}.biases"].copy()
        params[f"opt{k}"] = tuple(s[f"W{k}.{c}"].copy() for c in ("g1_weights", "g2_weights", "g1_biases", "g2_biases")) \
            + (np.float32(0.0),)

    net.process(X[:250], Y[:250])  # first call: page in the state
    t0 = time.perf_counter()
    for i in range(0, n, 250):
        net.process(X[i:i + 250], Y[i:i + 250])
    nf_s = (time.perf_counter() - t0) / args.batches

    t0 = time.perf_counter()
    for i in range(0, n, 250):
        r = pcn_numpy.process(params, X[i:i + 250], Y[i:i + 250])
        params = {k: r[k] for k in ("W1", "W2", "W3", "b1", "b2", "b3", "opt1", "opt2", "opt3")}
    np_s = (time.perf_counter() - t0) / args.batches

    blas = blas_library()
    print(f"{args.threads} thread(s), {args.batches} mini-batches of 250 (T = 20 E-steps, project and M-step), "
          f"NumPy {np.__version__} with BLAS {blas}")
    print(f"  neurofuse: {nf_s * 1000:8.1f} ms a mini-batch, {nf_s * 240:6.1f} s an epoch of 60,000 "
          f"(compiled in {compile_s:.2f} s)")
    print(f"  NumPy:     {np_s * 1000:8.1f} ms a mini-batch, {np_s * 240:6.1f} s an epoch")
    print(f"  ratio:     {np_s / nf_s:.2f}x")


if __name__ == "__main__":
    main()
