"""A NumPy stand-in for timing ngclearn's DC-SNN exhibit on the CPU, beside
neurofuse's compiled model.

The stand-in runs the exhibit's training step op by op in float32 NumPy:
the transcription of ngclearn's components in tests/exhibits/dcsnn_numpy.py
(which test_dcsnn.py checks against neurofuse bit for bit), with NumPy's
BLAS products and sums (exact=False) and NumPy's generator for the Poisson
draws and the one-spike choice. Per image, as DC_SNN.process(obs,
adapt_synapses=True) and dcsnn.py's DCSNN.present: reset, clamp, T steps of
advance then evolve, then the norm. It is not ngclearn itself (which runs the
same operations as XLA programs through JAX), only an estimate of what an
op-by-op CPU implementation costs; neurofuse is timed over the same images
and steps in the same process. Compilation is timed separately.

  PYTHONPATH=build/python /usr/bin/python3 examples/dcsnn/numpy_standin.py
  ... --images 10 --steps 200 --hidden 100 400

BLAS runs on one thread (OPENBLAS_NUM_THREADS and the like, unless set),
as neurofuse's state does (threads = 1).
"""
import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "exhibits"))
sys.path.insert(0, os.path.join(HERE, "..", "fashion_mnist"))
import dcsnn_numpy as dn  # noqa: E402
from fmnist import fashion_mnist  # noqa: E402

f32 = np.float32


def numpy_train(x, hidden, steps, seed):
    """The stand-in on images x: (seconds, z1e spikes)."""
    rng = np.random.default_rng(seed)
    W1 = rng.uniform(0.0, 0.3, (x.shape[1], hidden)).astype(f32)   # DistributionGenerator.uniform(0.0, 0.3)
    net = dn.DCSNN(W1, hidden, exact=False)
    choose = dn.one_spike_choice(rng)
    spikes = 0.0
    t0 = time.perf_counter()
    for image in x:
        net.reset()
        net.clamp(image)
        for i in range(steps):
            net.advance(f32(i) * f32(dn.DT), dn.poisson(rng, net.z0_inputs), choose)
            net.evolve()
            spikes += float(net.z1e.s.sum())
        net.norm()
    return time.perf_counter() - t0, spikes


def neurofuse_train(x, hidden, steps, seed):
    """neurofuse's dcsnn_{hidden} on images x, as dcsnn.py trains:
    (compile seconds, run seconds, z1e spikes)."""
    import neurofuse as nf
    t0 = time.perf_counter()
    m = nf.compile(os.path.join(HERE, "dcsnn.nf"), model=f"dcsnn_{hidden}", tiered=False)
    s = m.state(seed)
    compile_s = time.perf_counter() - t0
    spikes = 0.0
    t0 = time.perf_counter()
    for image in x:
        s.step("reset")
        s["z0.inputs"] = image.reshape(1, -1)
        r = s.run(["advance", "evolve"], steps, record=["z1e.s:sum:as=spikes"])
        s.step("norm")
        spikes += float(r["spikes"].sum())
    return compile_s, time.perf_counter() - t0, spikes


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--images", type=int, default=10)
    ap.add_argument("--steps", type=int, default=200, help="steps an image (the exhibit's T)")
    ap.add_argument("--hidden", type=int, nargs="+", choices=(100, 400), default=[100, 400])
    ap.add_argument("--seed", type=int, default=69)
    args = ap.parse_args(argv)
    x = fashion_mnist()[0][:args.images]
    n = args.images * args.steps
    print(f"DC-SNN training, {args.images} Fashion-MNIST images x {args.steps} steps = {n} steps "
          f"(advance + evolve, a norm an image), one thread")
    results = []
    for hidden in args.hidden:
        np_s, np_spikes = numpy_train(x, hidden, args.steps, args.seed)
        c_s, nf_s, nf_spikes = neurofuse_train(x, hidden, args.steps, args.seed)
        results.append((hidden, n / np_s, n / nf_s))
        print(f"{hidden:4d} units: NumPy stand-in {n / np_s:10,.0f} steps/s ({np_s:.2f} s, {np_spikes:.0f} z1e spikes)"
              f" | neurofuse {n / nf_s:10,.0f} steps/s ({nf_s:.3f} s, {nf_spikes:.0f} z1e spikes; compile {c_s:.2f} s)"
              f" | neurofuse / NumPy {np_s / nf_s:.1f}x")
    return results


if __name__ == "__main__":
    main()
