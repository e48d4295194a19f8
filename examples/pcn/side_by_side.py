"""The PCN exhibit in ngclearn 3.2.3 itself and in neurofuse, side by side:
the same circuit (pcn.nf's, built here from ngclearn's components as
pcn_model.py builds it), the same initial weights (neurofuse's, copied into
ngclearn), the same Fashion-MNIST mini-batches through process(); it prints
the time a mini-batch takes on each side and how far apart the results are.

  build/ngclearn-venv/bin/python examples/pcn/side_by_side.py [--batches 8]

Run with the ngclearn environment's Python (scripts/ngclearn-venv.sh makes
it; ngclearn needs Python >= 3.12); the neurofuse side runs in Debian's
python3 (NF_PYTHON, default /usr/bin/python3) with the package from
NF_PYTHONPATH (default build/python), started by this script.

ngclearn's time excludes its first mini-batch (JAX traces and compiles the
processes then; that time is printed apart). XLA contracts multiply-adds
into FMAs and sums in its own order, so the two sides are not bit-equal;
the differences are printed in float32 ulps.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "fashion_mnist"))
from fmnist import fashion_mnist  # noqa: E402

COMPARED = ("q3.z", "z1.z", "z2.z", "e3.dmu", "W1.weights", "W2.weights", "W3.weights", "W3.biases")


def one_hot(labels):
    return np.eye(10, dtype=np.float32)[labels]


def data(batches):
    xtr, ytr, _, _ = fashion_mnist()
    n = batches * 250
    return xtr[:n], one_hot(ytr[:n])


def neurofuse_side(batches, threads, out):
    """Runs in Debian's Python: neurofuse's times and values."""
    sys.path.insert(0, HERE)
    import pcn
    X, Y = data(batches)
    t0 = time.perf_counter()
    net = pcn.PCN(seed=1234, threads=threads)
    compile_s = time.perf_counter() - t0
    initial = {k: np.array(net.state[k]) for k in ("W1.weights", "W2.weights", "W3.weights",
                                                    "W1.biases", "W2.biases", "W3.biases")}
    first = None
    t0 = time.perf_counter()
    for i in range(0, len(X), 250):
        net.process(X[i:i + 250], Y[i:i + 250])
        if first is None:
            first = {k: np.array(net.state[k]) for k in COMPARED}
    seconds = time.perf_counter() - t0
    np.savez(out, compile_s=compile_s, seconds=seconds, **{"init:" + k: v for k, v in initial.items()},
             **{"first:" + k: v for k, v in first.items()})


def build_ngclearn():
    """The exhibit's circuit in ngclearn: (components, processes)."""
    from ngclearn import Context, MethodProcess
    from ngclearn.components import GaussianErrorCell, HebbianSynapse, RateCell, StaticSynapse
    from ngclearn.utils.distribution_generator import DistributionGenerator as dist
    from jax import random

    keys = random.split(random.PRNGKey(1234), 10)
    c = {}
    hebb = dict(eta=0.001, weight_init=dist.uniform(low=-0.3, high=0.3), bias_init=dist.constant(value=0.),
                w_bound=0., optim_type="adam", sign_value=-1.)
    with Context("pcn_side_by_side"):
        for name, n, tau, fx in (("z0", 784, 0., "identity"), ("z1", 512, 25., "sigmoid"),
                                 ("z2", 512, 25., "sigmoid"), ("z3", 10, 0., "identity")):
            extra = dict(prior=("gaussian", 0.), integration_type="euler") if tau > 0 else {}
            c[name] = RateCell(name, n_units=n, tau_m=tau, act_fx=fx, **extra)
        for name, n in (("e1", 512), ("e2", 512), ("e3", 10)):
            c[name] = GaussianErrorCell(name, n_units=n)
        for name, shape, key in (("W1", (784, 512), 4), ("W2", (512, 512), 5), ("W3", (512, 10), 6)):
            c[name] = HebbianSynapse(name, shape=shape, key=keys[key], **hebb)
        c["E2"] = StaticSynapse("E2", shape=(512, 512), weight_init=dist.uniform(low=-0.3, high=0.3), key=keys[4])
        c["E3"] = StaticSynapse("E3", shape=(10, 512), weight_init=dist.uniform(low=-0.3, high=0.3), key=keys[5])
        for name, n, fx in (("q0", 784, "identity"), ("q1", 512, "sigmoid"), ("q2", 512, "sigmoid"),
                            ("q3", 10, "identity")):
            c[name] = RateCell(name, n_units=n, tau_m=0., act_fx=fx)
        c["eq3"] = GaussianErrorCell("eq3", n_units=10)
        for name, shape in (("Q1", (784, 512)), ("Q2", (512, 512)), ("Q3", (512, 10))):
            c[name] = StaticSynapse(name, shape=shape, bias_init=dist.constant(value=0.), key=keys[0])

        for below, W, e, above in (("z0", "W1", "e1", "z1"), ("z1", "W2", "e2", "z2"), ("z2", "W3", "e3", "z3")):
            c[below].zF >> c[W].inputs
            c[W].outputs >> c[e].mu
            c[above].z >> c[e].target
            c[below].zF >> c[W].pre
            c[e].dmu >> c[W].post
        for E, e_above, z, e_same in (("E2", "e2", "z1", "e1"), ("E3", "e3", "z2", "e2")):
            c[e_above].dmu >> c[E].inputs
            c[E].outputs >> c[z].j
            c[e_same].dtarget >> c[z].j_td
        for q, Q, q_next in (("q0", "Q1", "q1"), ("q1", "Q2", "q2"), ("q2", "Q3", "q3")):
            c[q].zF >> c[Q].inputs
            c[Q].outputs >> c[q_next].j

        def process(name, methods):
            p = MethodProcess(name=name)
            for m in methods:
                inst, meth = m.split(".")
                p = p >> getattr(c[inst], meth)
            return p

        procs = {
            "advance": process("advance_process", [f"{n}.advance_state" for n in
                                                   ("E2", "E3", "z0", "z1", "z2", "z3", "W1", "W2", "W3", "e1", "e2", "e3")]),
            "reset": process("reset_process", [f"{n}.reset" for n in
                                               ("q0", "q1", "q2", "q3", "eq3", "z0", "z1", "z2", "z3", "e1", "e2", "e3")]),
            "evolve": process("evolve_process", ["W1.evolve", "W2.evolve", "W3.evolve"]),
            "project": process("project_process", [f"{n}.advance_state" for n in
                                                   ("q0", "Q1", "q1", "Q2", "q2", "Q3", "q3", "eq3")]),
        }
    return c, procs


def ngclearn_process(c, procs, obs, lab, T=20):
    """pcn_model.py's PCN.process(obs, lab, adapt_synapses=True)."""
    import jax.numpy as jnp
    _lab = jnp.clip(lab, 0.001, 1. - 0.001)
    procs["reset"].run()
    for k in ("1", "2", "3"):
        c["Q" + k].weights.set(c["W" + k].weights.get())
        c["Q" + k].biases.set(c["W" + k].biases.get())
    c["E2"].weights.set(jnp.transpose(c["W2"].weights.get()))
    c["E3"].weights.set(jnp.transpose(c["W3"].weights.get()))
    c["z0"].j.set(obs)
    c["q0"].j.set(obs)
    c["eq3"].target.set(_lab)
    procs["project"].run(t=0., dt=1.)
    c["z1"].z.set(c["q1"].z.get())
    c["z2"].z.set(c["q2"].z.get())
    c["e3"].dmu.set(c["eq3"].dmu.get())
    c["e3"].dtarget.set(c["eq3"].dtarget.get())
    for ts in range(T):
        c["z0"].j.set(obs)
        c["q0"].j.set(obs)
        c["z3"].j.set(_lab)
        procs["advance"].run(t=ts, dt=1.)
    procs["evolve"].run(t=T, dt=1.)
    c["e3"].L.get().block_until_ready()


def ulps(a, b):
    ia = np.asarray(a, np.float32).view(np.int32).astype(np.int64)
    ib = np.asarray(b, np.float32).view(np.int32).astype(np.int64)
    ia = np.where(ia < 0, -(ia & 0x7FFFFFFF), ia)
    ib = np.where(ib < 0, -(ib & 0x7FFFFFFF), ib)
    return np.abs(ia - ib)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--batches", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2, help="neurofuse's threads (XLA uses every core)")
    ap.add_argument("--neurofuse-side", metavar="OUT", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.neurofuse_side:
        return neurofuse_side(args.batches, args.threads, args.neurofuse_side)

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "nf.npz")
        env = dict(os.environ, PYTHONPATH=os.environ.get("NF_PYTHONPATH", os.path.join(ROOT, "build", "python")))
        subprocess.run([os.environ.get("NF_PYTHON", "/usr/bin/python3"), os.path.abspath(__file__), "--batches",
                        str(args.batches), "--threads", str(args.threads), "--neurofuse-side", out], env=env, check=True)
        nf_run = dict(np.load(out))

    import jax
    import jax.numpy as jnp
    X, Y = data(args.batches)
    t0 = time.perf_counter()
    c, procs = build_ngclearn()
    build_s = time.perf_counter() - t0
    for k in ("1", "2", "3"):
        c["W" + k].weights.set(jnp.asarray(nf_run[f"init:W{k}.weights"]))
        c["W" + k].biases.set(jnp.asarray(nf_run[f"init:W{k}.biases"]))
    t0 = time.perf_counter()
    ngclearn_process(c, procs, jnp.asarray(X[:250]), jnp.asarray(Y[:250]))
    first_s = time.perf_counter() - t0
    first = {"q3.z": c["q3"].z.get(), "z1.z": c["z1"].z.get(), "z2.z": c["z2"].z.get(), "e3.dmu": c["e3"].dmu.get(),
             "W1.weights": c["W1"].weights.get(), "W2.weights": c["W2"].weights.get(),
             "W3.weights": c["W3"].weights.get(), "W3.biases": c["W3"].biases.get()}
    t0 = time.perf_counter()
    for i in range(250, len(X), 250):
        ngclearn_process(c, procs, jnp.asarray(X[i:i + 250]), jnp.asarray(Y[i:i + 250]))
    ngc_s = (time.perf_counter() - t0) / max(1, args.batches - 1)
    nf_s = float(nf_run["seconds"]) / args.batches

    from importlib.metadata import version
    print(f"PCN 784-512-512-10, mini-batches of 250, T = 20; ngclearn {version('ngclearn')} "
          f"with jax {jax.__version__} on {os.cpu_count()} CPUs; neurofuse on {args.threads} thread(s)")
    print(f"  ngclearn:  {ngc_s * 1000:8.1f} ms a mini-batch (first mini-batch, tracing and compiling included: "
          f"{first_s:.2f} s; building the circuit {build_s:.2f} s)")
    print(f"  neurofuse: {nf_s * 1000:8.1f} ms a mini-batch (compiled in {float(nf_run['compile_s']):.2f} s)")
    print(f"  ratio:     {ngc_s / nf_s:.2f}x (ngclearn's time over neurofuse's)")
    print("  after the first mini-batch, neurofuse against ngclearn (float32 ulps; max abs difference):")
    for k in COMPARED:
        a = np.asarray(first[k], np.float32)
        b = nf_run["first:" + k].reshape(a.shape)
        u = ulps(a, b)
        print(f"    {k:11s} max {int(u.max()):6d} ulp, median {float(np.median(u)):6.1f} ulp, "
              f"max |diff| {float(np.max(np.abs(a - b))):.3g}")
    print(json.dumps({"ngclearn_ms": ngc_s * 1000, "neurofuse_ms": nf_s * 1000, "ratio": ngc_s / nf_s}))


if __name__ == "__main__":
    main()
