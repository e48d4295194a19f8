"""Whittington & Bogacz's discriminative predictive-coding network on
Fashion-MNIST: ngc-museum's pc_discrim exhibit (pcn_model.py, train_pcn.py)
run by neurofuse.

The model (pcn.nf) is the exhibit's circuit with train_pcn.py's settings:
784-512-512-10, sigmoid hidden cells with tau_m = 25, T = 20 E-steps at
dt = 1, Adam with eta = 0.001 in each Hebbian synapse, mini-batches of 250.
Each mini-batch is the exhibit's process(): the reset; Q1..Q3 tied to
W1..W3 and E2, E3 to the transposes of W2, W3; the P-step (project) with the
image clamped to q0 and the clipped label to eq3.target; z1, z2 and e3
initialized from it; T E-steps (advance) with the image on z0 and the label
on z3; then the M-step (evolve). Test-time prediction is the projection
alone (q3.z), as the exhibit's eval_model does. Per epoch it reports the
exhibit's measures: test accuracy and categorical NLL, training accuracy,
and the online expected free energy (EFE = L1 + L2 + L3 of the error cells
after the E-steps, averaged over the epoch's samples).

  python3 examples/pcn/pcn.py --epochs 10
  python3 examples/pcn/pcn.py --epochs 1 --train 10000     # a quick look

Needs the Debian package dataset-fashion-mnist (scripts/install-deps.sh).
Writes results.json and curves.png to --out.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fashion_mnist"))
from fmnist import DATA, fashion_mnist  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LABEL_EPS = 0.001  # process(): _lab = clip(lab, eps, 1 - eps)


def one_hot(labels, classes=10):
    return np.eye(classes, dtype=np.float32)[labels]


class PCN:
    """The compiled exhibit and one state of it; process() is the exhibit's."""

    def __init__(self, seed=None, threads=1, T=20, backend="jit"):
        import neurofuse as nf
        self.model = nf.compile(os.path.join(HERE, "pcn.nf"), model="pcn", backend=backend, tiered=False)
        self.state = self.model.state(seed)
        self.state.threads = threads
        self.T = T
        self.batch = self.state["z0.j"].shape[0]

    def process(self, obs, lab, adapt_synapses=True):
        """One mini-batch: (projected prediction, settled prediction, EFE)."""
        s = self.state
        _lab = np.clip(lab, np.float32(LABEL_EPS), np.float32(1.0 - LABEL_EPS))
        s.step("reset")
        # tie the inference synapses to the forward ones, the feedback
        # synapses to their transposes
        for k in ("1", "2", "3"):
            s[f"Q{k}.weights"] = s[f"W{k}.weights"]
            s[f"Q{k}.biases"] = s[f"W{k}.biases"]
        s["E2.weights"] = s["W2.weights"].T
        s["E3.weights"] = s["W3.weights"].T
        # P-step
        s["z0.j"] = obs
        s["q0.j"] = obs
        s["eq3.target"] = _lab
        s.step("project", t=0.0)
        # the generative latents start at the projected states
        s["z1.z"] = s["q1.z"]
        s["z2.z"] = s["q2.z"]
        s["e3.dmu"] = s["eq3.dmu"]
        s["e3.dtarget"] = s["eq3.dtarget"]
        y_mu_inf = s["q3.z"].copy()
        efe, y_mu = 0.0, None
        if adapt_synapses:
            # E-steps: z0.j and z3.j hold the clamped values (stateless
            # cells never write their input), so one clamp serves all T
            s["z3.j"] = _lab
            s.run("advance", self.T)
            y_mu = s["e3.mu"].copy()
            efe = float(np.float32(s["e3.L"]) + np.float32(s["e2.L"]) + np.float32(s["e1.L"]))
            # M-step
            s.step("evolve", t=float(self.T))
        return y_mu_inf, y_mu, efe


def measure_acc(mu, y):
    """ngclearn's measure_ACC: argmax agreement."""
    return float(np.mean(np.argmax(mu, axis=1) == np.argmax(y, axis=1)))


def measure_cat_nll(p, x, offset=1e-7):
    """ngclearn's measure_CatNLL: mean over rows of -sum(x log clip(p))."""
    p_ = np.clip(p, offset, 1.0 - offset)
    return float(np.mean(np.sum(-(x * np.log(p_)), axis=1)))


def evaluate(net, X, Y):
    """The exhibit's eval_model: projection only, (NLL, accuracy)."""
    nll = acc = 0.0
    for i in range(0, len(X), net.batch):
        xb, yb = X[i:i + net.batch], Y[i:i + net.batch]
        y0, _, _ = net.process(xb, yb, adapt_synapses=False)
        nll += measure_cat_nll(y0, yb) * len(xb)
        acc += measure_acc(y0, yb) * len(xb)
    return nll / len(X), acc / len(X)


def draw(history, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    epochs = [h["epoch"] for h in history]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    a1.plot(epochs, [100 * h["test_acc"] for h in history], "o-", label="test")
    a1.plot(epochs, [100 * h["train_acc"] for h in history], "s--", label="train")
    a1.set_xlabel("epoch")
    a1.set_ylabel("accuracy (%)")
    a1.legend()
    a1.grid(alpha=0.3)
    trained = [h for h in history if h["efe"] is not None]
    a2.plot([h["epoch"] for h in trained], [h["efe"] for h in trained], "o-", color="tab:red")
    a2.set_xlabel("epoch")
    a2.set_ylabel("online EFE (L1 + L2 + L3)")
    a2.grid(alpha=0.3)
    fig.suptitle("PCN (784-512-512-10) on Fashion-MNIST")
    fig.savefig(os.path.join(out, "curves.png"), dpi=110, bbox_inches="tight")
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--train", type=int, default=60000, help="training images used (a multiple of 250)")
    ap.add_argument("--T", type=int, default=20, help="E-steps per mini-batch (train_pcn.py: 20)")
    ap.add_argument("--seed", type=int, default=1234, help="the state's seed and the shuffles'")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data", default=DATA, help="folder of the four IDX files")
    ap.add_argument("--out", default=os.path.join(HERE, "results"), help="folder for results.json and curves.png")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    xtr, ytr, xte, yte = fashion_mnist(args.data)
    xtr, ytr = xtr[:args.train], one_hot(ytr[:args.train])
    yte = one_hot(yte)

    t0 = time.perf_counter()
    net = PCN(args.seed, args.threads, args.T)
    compile_s = time.perf_counter() - t0
    if len(xtr) % net.batch:
        sys.exit(f"--train must be a multiple of the batch size {net.batch}")
    rng = np.random.default_rng(args.seed)
    print(f"PCN 784-512-512-10, T = {args.T}, batch {net.batch}: {len(xtr)} training images, "
          f"{args.threads} thread(s); compiled in {compile_s:.2f} s")

    nll, acc = evaluate(net, xte, yte)
    _, tr_acc = evaluate(net, xtr, ytr)
    history = [{"epoch": 0, "test_acc": acc, "test_nll": nll, "train_acc": tr_acc, "efe": None}]
    print(f"epoch 0: test acc {100 * acc:.2f}%  NLL {nll:.3f} | train acc {100 * tr_acc:.2f}%")
    for epoch in range(1, args.epochs + 1):
        order = rng.permutation(len(xtr))
        X, Y = xtr[order], ytr[order]
        t_epoch = time.perf_counter()
        efe_sum = 0.0
        for i in range(0, len(X), net.batch):
            _, _, efe = net.process(X[i:i + net.batch], Y[i:i + net.batch], adapt_synapses=True)
            efe_sum += efe * net.batch
        train_s = time.perf_counter() - t_epoch
        nll, acc = evaluate(net, xte, yte)
        _, tr_acc = evaluate(net, xtr, ytr)
        epoch_s = time.perf_counter() - t_epoch
        h = {"epoch": epoch, "test_acc": acc, "test_nll": nll, "train_acc": tr_acc, "efe": efe_sum / len(X),
             "train_seconds": train_s, "epoch_seconds": epoch_s}
        history.append(h)
        print(f"epoch {epoch}: test acc {100 * acc:.2f}%  NLL {nll:.3f} | train acc {100 * tr_acc:.2f}%  "
              f"EFE {h['efe']:.3f} | training {train_s:.1f} s, with evaluation {epoch_s:.1f} s", flush=True)
    results = {"train_images": len(xtr), "T": args.T, "batch": net.batch, "seed": args.seed,
               "threads": args.threads, "compile_seconds": compile_s, "history": history}
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    draw(history, args.out)
    return results


if __name__ == "__main__":
    main()
