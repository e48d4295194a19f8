"""The DC-SNN exhibit in ngclearn 3.2.3 itself and in neurofuse, side by
side: the same circuit (dcsnn.nf's, built here from ngclearn's components as
dcsnn_model.py builds it), the same initial W1 (neurofuse's, copied into
ngclearn), the same Fashion-MNIST training images presented with learning;
it prints the steps per second of each side and the excitatory spike counts.

  build/ngclearn-venv/bin/python examples/dcsnn/side_by_side.py [--hidden 100|400] [--images 10]

Run with the ngclearn environment's Python (scripts/ngclearn-venv.sh makes
it; ngclearn needs Python >= 3.12); the neurofuse side runs in Debian's
python3 (NF_PYTHON, default /usr/bin/python3) with the package from
NF_PYTHONPATH (default build/python), started by this script.

Each image is presented as the exhibit's DC_SNN.process(obs,
adapt_synapses=True) does: the reset process, the image clamped as z0's
rates, T = 200 steps of advance then evolve at dt = 1 ms, then W1's column
normalization (ngclearn's normalize_matrix). On the ngclearn side the steps
run as the exhibit runs them: one JointProcess (advance >> evolve) through
jax.lax.scan over rows from pack_rows, z1e.s watched. With --stepwise they
run instead as one MethodProcess.run call a process a step (the way
ngclearn's lessons drive a circuit), timed apart.

Both sides are timed image by image, and the steps per second are over the
same images, the third to the last. ngclearn's first two are printed apart:
in the first, JAX traces and compiles the processes and the scan; in the
second, it traces and compiles the reset process again, because the first
scan has handed back some compartments as weakly typed float32 (the spikes
of z1i, z1e's raw spikes) and the synapses' biases, a Python 0. before, as
arrays, so the reset's jit no longer hits its cache (stepwise, advance is
traced twice in the first image for the same reason). The two sides
draw the Poisson input spikes from different generators (JAX's threefry
keys against neurofuse's counter-based Philox), so from the first step on
the spike trains differ, and with them the STDP updates and the weights: no
bit-level or step-by-step comparison is possible. The spike counts of z1e
agree only statistically; they are printed per image and in total, with the
mean firing rates.
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

T = 200      # steps an image
DT = 1.0     # ms
SEED = 69    # dcsnn.py's state seed and train_dcsnn.py's PRNG key


def data(images):
    xtr, _, _, _ = fashion_mnist()
    return xtr[:images].reshape(images, 1, -1).astype(np.float32)


def neurofuse_side(hidden, images, threads, out):
    """Runs in Debian's Python: neurofuse's time, initial W1 and spike counts."""
    sys.path.insert(0, HERE)
    import dcsnn
    X = data(images)
    t0 = time.perf_counter()
    net = dcsnn.DCSNN(hidden, seed=SEED, threads=threads)
    compile_s = time.perf_counter() - t0
    w1 = np.array(net.state["W1.weights"])
    counts = np.zeros((images, hidden), np.float32)
    seconds = np.zeros(images)
    for i in range(images):
        t0 = time.perf_counter()
        counts[i] = net.present(X[i], learn=True)["z1e.s"].reshape(T, -1).sum(axis=0)
        seconds[i] = time.perf_counter() - t0
    np.savez(out, compile_s=compile_s, seconds=seconds, w1=w1, counts=counts,
             final_w1=np.array(net.state["W1.weights"]))


def build_ngclearn(hidden, in_dim=784):
    """The exhibit's circuit in ngclearn: (components, processes)."""
    from jax import random
    from ngclearn import Context, JointProcess, MethodProcess, Summation
    from ngclearn.components import LIFCell, PoissonCell, StaticSynapse, TraceSTDPSynapse, VarTrace
    from ngclearn.utils.distribution_generator import DistributionGenerator as dist

    _, *keys = random.split(random.PRNGKey(SEED), 10)
    tau_m = 100.500896468
    c = {}
    with Context(f"dcsnn_side_by_side_{hidden}"):
        c["z0"] = PoissonCell("z0", n_units=in_dim, target_freq=63.75, key=keys[0])
        c["W1"] = TraceSTDPSynapse("W1", shape=(in_dim, hidden), A_plus=1e-2, A_minus=1e-4, eta=1.,
                                   pretrace_target=0., weight_init=dist.uniform(0.0, 0.3), key=keys[1])
        c["z1e"] = LIFCell("z1e", n_units=hidden, tau_m=tau_m, resist_m=tau_m / DT, thr=-52., v_rest=-65.,
                           v_reset=-60., tau_theta=1e7, theta_plus=0.05, refract_time=5., one_spike=True,
                           key=keys[2])
        c["z1i"] = LIFCell("z1i", n_units=hidden, tau_m=tau_m, resist_m=tau_m / DT, thr=-40., v_rest=-60.,
                           v_reset=-45., tau_theta=0., refract_time=5., one_spike=False, key=keys[3])
        c["W1ie"] = StaticSynapse("W1ie", shape=(hidden, hidden),
                                  weight_init=dist.constant(-120., hollow=True), key=keys[4])
        c["W1ei"] = StaticSynapse("W1ei", shape=(hidden, hidden),
                                  weight_init=dist.constant(22.5, eye=True), key=keys[5])
        c["tr0"] = VarTrace("tr0", n_units=in_dim, tau_tr=20., decay_type="exp", a_delta=0., key=keys[6])
        c["tr1"] = VarTrace("tr1", n_units=hidden, tau_tr=20., decay_type="exp", a_delta=0., key=keys[7])

        c["z0"].outputs >> c["W1"].inputs
        c["z1i"].s >> c["W1ie"].inputs
        Summation(c["W1"].outputs, c["W1ie"].outputs) >> c["z1e"].j
        c["z1e"].s >> c["W1ei"].inputs
        c["W1ei"].outputs >> c["z1i"].j
        c["z0"].outputs >> c["tr0"].inputs
        c["z1e"].s >> c["tr1"].inputs
        c["tr0"].trace >> c["W1"].preTrace
        c["z0"].outputs >> c["W1"].preSpike
        c["tr1"].trace >> c["W1"].postTrace
        c["z1e"].s >> c["W1"].postSpike

        def process(kind, name, methods):
            p = kind(name=name)
            for m in methods:
                inst, meth = m.split(".")
                p = p >> getattr(c[inst], meth)
            return p

        procs = {
            "advance": process(MethodProcess, "advance_process",
                               [f"{n}.advance_state" for n in
                                ("W1", "W1ie", "W1ei", "z0", "z1e", "z1i", "tr0", "tr1")]),
            "reset": process(MethodProcess, "reset_process",
                             [f"{n}.reset" for n in ("z0", "z1e", "z1i", "tr0", "tr1", "W1", "W1ie", "W1ei")]),
            "evolve": process(MethodProcess, "evolve_process", ["W1.evolve"]),
        }
        procs["forward"] = JointProcess(name="forward_process") >> procs["advance"] >> procs["evolve"]
        procs["advance"].watch(c["z1e"].s)
    return c, procs


def ngclearn_present(c, procs, obs, w_norm=78.4):
    """dcsnn_model.py's DC_SNN.process(obs, adapt_synapses=True): the z1e
    spike count of each unit."""
    import jax.numpy as jnp
    from ngcsimlib.global_state import stateManager
    from ngclearn.utils.model_utils import normalize_matrix
    procs["reset"].run()
    c["z0"].inputs.set(obs)
    rows = jnp.array(procs["forward"].pack_rows(T, t=lambda x: x, dt=DT))
    stateManager.state, outputs = procs["forward"].scan(rows)
    c["W1"].weights.set(normalize_matrix(c["W1"].weights.get(), w_norm, order=1, axis=0))
    return np.asarray(jnp.sum(outputs[0], axis=0)).reshape(-1)


def ngclearn_present_stepwise(c, procs, obs, w_norm=78.4):
    """The same presentation, one run() call a process a step."""
    import jax.numpy as jnp
    from ngclearn.utils.model_utils import normalize_matrix
    procs["reset"].run()
    c["z0"].inputs.set(obs)
    total = 0.
    for ts in range(T):
        _, watched = procs["advance"].run(t=float(ts), dt=DT)
        procs["evolve"].run(t=float(ts), dt=DT)
        total = total + watched[0]
    c["W1"].weights.set(normalize_matrix(c["W1"].weights.get(), w_norm, order=1, axis=0))
    return np.asarray(total).reshape(-1)


def run_ngclearn(hidden, X, w1, present):
    """Builds the circuit, sets W1, presents X: (build_s, seconds an image, counts, final W1)."""
    import jax.numpy as jnp
    t0 = time.perf_counter()
    c, procs = build_ngclearn(hidden)
    build_s = time.perf_counter() - t0
    c["W1"].weights.set(jnp.asarray(w1))
    counts = np.zeros((len(X), hidden), np.float32)
    seconds = np.zeros(len(X))
    for i in range(len(X)):
        t0 = time.perf_counter()
        counts[i] = present(c, procs, jnp.asarray(X[i]))
        seconds[i] = time.perf_counter() - t0
    return build_s, seconds, counts, np.asarray(c["W1"].weights.get())


WARMUP = 2  # ngclearn's images timed apart (the docstring says why)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hidden", type=int, choices=(100, 400), default=100, help="excitatory units")
    ap.add_argument("--images", type=int, default=10, help=f"training images presented (more than {WARMUP})")
    ap.add_argument("--threads", type=int, default=1, help="neurofuse's threads (XLA uses every core)")
    ap.add_argument("--stepwise", action="store_true",
                    help="also time ngclearn stepping with one run() call a process a step")
    ap.add_argument("--neurofuse-side", metavar="OUT", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.images <= WARMUP:
        ap.error(f"--images must be more than {WARMUP} (ngclearn's first {WARMUP} are timed apart)")
    if args.neurofuse_side:
        return neurofuse_side(args.hidden, args.images, args.threads, args.neurofuse_side)

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "nf.npz")
        env = dict(os.environ, PYTHONPATH=os.environ.get("NF_PYTHONPATH", os.path.join(ROOT, "build", "python")))
        subprocess.run([os.environ.get("NF_PYTHON", "/usr/bin/python3"), os.path.abspath(__file__),
                        "--hidden", str(args.hidden), "--images", str(args.images), "--threads", str(args.threads),
                        "--neurofuse-side", out], env=env, check=True)
        nf_run = dict(np.load(out))

    import jax
    X = data(args.images)
    timed = (args.images - WARMUP) * T  # steps timed on each side: images WARMUP+1..n
    build_s, ngc_s, ngc_counts, ngc_w1 = run_ngclearn(args.hidden, X, nf_run["w1"], ngclearn_present)
    ngc_sps = timed / ngc_s[WARMUP:].sum()
    nf_sps = timed / nf_run["seconds"][WARMUP:].sum()
    nf_all_sps = args.images * T / nf_run["seconds"].sum()
    if args.stepwise:
        _, sw_s, sw_counts, _ = run_ngclearn(args.hidden, X, nf_run["w1"], ngclearn_present_stepwise)
        sw_sps = timed / sw_s[WARMUP:].sum()
    nf_counts = nf_run["counts"]

    from importlib.metadata import version
    print(f"DC-SNN 784-{args.hidden}, {args.images} Fashion-MNIST training images with learning, T = {T} steps "
          f"each; ngclearn {version('ngclearn')} with jax {jax.__version__} on {os.cpu_count()} CPUs; "
          f"neurofuse on {args.threads} thread(s)")
    print(f"  steps/s over images {WARMUP + 1}..{args.images} ({timed:,} steps):")
    print(f"    ngclearn:  {ngc_sps:9,.0f}  (the exhibit's scan of advance >> evolve; image 1, tracing and "
          f"compiling: {ngc_s[0]:.2f} s; image 2, the reset traced again: {ngc_s[1]:.2f} s; "
          f"building the circuit {build_s:.2f} s)")
    if args.stepwise:
        print(f"    ngclearn:  {sw_sps:9,.0f}  (stepwise, a run() call a process a step; "
              f"images 1 and 2: {sw_s[0]:.2f} s, {sw_s[1]:.2f} s)")
    print(f"    neurofuse: {nf_sps:9,.0f}  ({nf_all_sps:,.0f} over all {args.images} images; "
          f"compiled in {float(nf_run['compile_s']):.2f} s)")
    print(f"    ratio:     {nf_sps / ngc_sps:9.2f}x (neurofuse's steps/s over ngclearn's)"
          + (f"; {nf_sps / sw_sps:.1f}x over ngclearn stepwise" if args.stepwise else ""))
    print("  z1e spikes per image (different Poisson streams: they agree only in distribution):")
    print("    ngclearn:  " + " ".join(f"{int(v):4d}" for v in ngc_counts.sum(axis=1)))
    print("    neurofuse: " + " ".join(f"{int(v):4d}" for v in nf_counts.sum(axis=1)))
    if args.stepwise:
        print("    stepwise:  " + " ".join(f"{int(v):4d}" for v in sw_counts.sum(axis=1)))

    def rate(counts):  # Hz a unit
        return 1000. * counts.sum() / (counts.size * T * DT)

    ngc_tot, nf_tot = int(ngc_counts.sum()), int(nf_counts.sum())
    ngc_img, nf_img = ngc_counts.sum(axis=1), nf_counts.sum(axis=1)
    print(f"  total z1e spikes: ngclearn {ngc_tot}, neurofuse {nf_tot}; per image "
          f"{ngc_img.mean():.1f} +- {ngc_img.std(ddof=1):.1f} against {nf_img.mean():.1f} +- {nf_img.std(ddof=1):.1f} "
          f"(mean +- sd); mean rate a unit {rate(ngc_counts):.2f} Hz against {rate(nf_counts):.2f} Hz")
    ngc_units, nf_units = int((ngc_counts.sum(axis=0) > 0).sum()), int((nf_counts.sum(axis=0) > 0).sum())
    print(f"  units that spiked: ngclearn {ngc_units}, neurofuse {nf_units} of {args.hidden}; "
          f"W1 column L1 norms after the last norm: ngclearn {np.abs(ngc_w1).sum(axis=0).mean():.3f}, "
          f"neurofuse {np.abs(nf_run['final_w1']).sum(axis=0).mean():.3f}")
    result = {"hidden": args.hidden, "images": args.images, "timed_steps": timed,
              "ngclearn_steps_per_s": ngc_sps, "neurofuse_steps_per_s": nf_sps, "ratio": nf_sps / ngc_sps,
              "ngclearn_first_image_s": float(ngc_s[0]), "ngclearn_second_image_s": float(ngc_s[1]),
              "ngclearn_spikes": ngc_tot, "neurofuse_spikes": nf_tot}
    if args.stepwise:
        result.update(ngclearn_stepwise_steps_per_s=sw_sps, ngclearn_stepwise_spikes=int(sw_counts.sum()))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
