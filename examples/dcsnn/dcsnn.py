"""Diehl & Cook's STDP network on Fashion-MNIST: ngc-museum's diehl_cook_snn
exhibit (dcsnn_model.py, train_dcsnn.py) run by neurofuse.

Training is the exhibit's: for each image (in a shuffled order), the reset
process, the image clamped as the Poisson rates of z0, T = 200 steps of
advance then evolve at dt = 1 ms, then W1's column normalization. Evaluation
is Diehl & Cook's: with learning off (thresholds kept as trained), every
excitatory unit is labelled by the class whose training images make it spike
most on average; a test image is classified by the vote of the labelled
units (the class whose units spike most on average).

  python3 examples/dcsnn/dcsnn.py --hidden 100            # 10,000 images, as the exhibit
  python3 examples/dcsnn/dcsnn.py --hidden 400 --all      # all 60,000

Needs the Debian package dataset-fashion-mnist (scripts/install-deps.sh).
Writes results_N.json, receptive_fields_N.png and confusion_N.png (N: the
excitatory units) to --out.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fashion_mnist"))
from fmnist import CLASSES, DATA, fashion_mnist  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
T = 200  # steps per image (ms)


class DCSNN:
    """The compiled exhibit and one state of it."""

    def __init__(self, hidden, seed=None, threads=1):
        import neurofuse as nf
        self.model = nf.compile(os.path.join(HERE, "dcsnn.nf"), model=f"dcsnn_{hidden}", tiered=False)
        self.state = self.model.state(seed)
        self.state.threads = threads
        self.hidden = hidden
        self.steps = 0

    def present(self, image, learn, record=("z1e.s",)):
        """One image for T steps: the exhibit's process(obs, adapt_synapses).
        Gives the recordings (each [T, ...])."""
        s = self.state
        s.step("reset")
        s["z0.inputs"] = image.reshape(1, -1)
        records = s.run(["advance", "evolve"] if learn else ["advance"], T, record=record)
        if learn:
            s.step("norm")
        self.steps += T
        return records

    def counts(self, images, learn, progress=None):
        """Spike counts of z1e per image, [images, hidden]."""
        out = np.zeros((len(images), self.hidden), np.float32)
        for i, x in enumerate(images):
            out[i] = self.present(x, learn)["z1e.s"].reshape(T, -1).sum(axis=0)
            if progress and (i + 1) % progress == 0:
                print(f"  {i + 1} images", flush=True)
        return out


def assign_labels(counts, labels, classes=10):
    """Diehl & Cook's labelling: each unit takes the class with the highest
    mean response (units that never spiked take class 0, and vote for it
    with zeros)."""
    means = np.stack([counts[labels == c].mean(axis=0) if np.any(labels == c) else np.zeros(counts.shape[1])
                      for c in range(classes)])
    return np.argmax(means, axis=0)


def vote(counts, assignment, classes=10):
    """Each image's class: the one whose units spike most on average (a class
    with no units gets nothing); -1 where no unit spiked."""
    scores = np.full((len(counts), classes), -np.inf)
    for c in range(classes):
        units = assignment == c
        if np.any(units):
            scores[:, c] = counts[:, units].mean(axis=1)
    predicted = np.argmax(scores, axis=1)
    predicted[counts.sum(axis=1) == 0] = -1
    return predicted


def confusion(labels, predicted, classes=10):
    m = np.zeros((classes, classes), np.int64)
    for y, p in zip(labels, predicted):
        if p >= 0:
            m[y, p] += 1
    return m


def draw(weights, matrix, out, hidden):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    side = int(np.ceil(np.sqrt(hidden)))
    fig, axes = plt.subplots(side, side, figsize=(side * 0.6, side * 0.6))
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k < hidden:
            ax.imshow(weights[:, k].reshape(28, 28), cmap="gray_r", interpolation="nearest")
    fig.suptitle(f"W1 receptive fields, {hidden} excitatory units")
    fig.savefig(os.path.join(out, f"receptive_fields_{hidden}.png"), dpi=110, bbox_inches="tight")
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(7, 6))
    im = ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(10), [c.split("/")[0] for c in CLASSES], rotation=60)
    ax.set_yticks(range(10), [c.split("/")[0] for c in CLASSES])
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    for (i, j), v in np.ndenumerate(matrix):
        ax.text(j, i, str(v), ha="center", va="center", fontsize=7, color="white" if v > matrix.max() / 2 else "black")
    fig.colorbar(im)
    fig.savefig(os.path.join(out, f"confusion_{hidden}.png"), dpi=110, bbox_inches="tight")
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hidden", type=int, choices=(100, 400), default=100, help="excitatory units")
    ap.add_argument("--samples", type=int, default=10000, help="training images (the exhibit: 10,000)")
    ap.add_argument("--all", action="store_true", help="train on all 60,000 images")
    ap.add_argument("--test", type=int, default=10000, help="test images")
    ap.add_argument("--seed", type=int, default=69, help="the state's seed and the training order's")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--data", default=DATA, help="folder of the four IDX files")
    ap.add_argument("--out", default=os.path.join(HERE, "results"), help="folder for results.json and figures")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    xtr, ytr, xte, yte = fashion_mnist(args.data)
    n = len(xtr) if args.all else min(args.samples, len(xtr))
    order = np.random.default_rng(args.seed).permutation(len(xtr))[:n]
    x, y = xtr[order], ytr[order]

    net = DCSNN(args.hidden, args.seed, args.threads)
    print(f"DC-SNN, {args.hidden} excitatory units: training on {n} Fashion-MNIST images, {T} steps each")
    t0 = time.perf_counter()
    net.counts(x, learn=True, progress=1000)
    train_s = time.perf_counter() - t0
    train_steps = net.steps
    print(f"trained in {train_s:.1f} s ({train_steps / train_s:,.0f} steps/s)")

    t0 = time.perf_counter()
    label_counts = net.counts(x, learn=False)
    assignment = assign_labels(label_counts, y)
    test_counts = net.counts(xte[:args.test], learn=False)
    eval_s = time.perf_counter() - t0
    predicted = vote(test_counts, assignment)
    labels = yte[:args.test]
    accuracy = float(np.mean(predicted == labels))
    silent = int(np.sum(predicted < 0))
    matrix = confusion(labels, predicted)
    print(f"test accuracy {100 * accuracy:.2f}% on {len(labels)} images ({silent} with no excitatory spike); "
          f"labelling and test {eval_s:.1f} s")
    results = {"hidden": args.hidden, "train_images": n, "test_images": int(len(labels)), "seed": args.seed,
               "accuracy": accuracy, "silent_test_images": silent,
               "units_per_class": np.bincount(assignment, minlength=10).tolist(),
               "train_seconds": train_s, "train_steps_per_s": train_steps / train_s,
               "eval_seconds": eval_s, "confusion": matrix.tolist()}
    with open(os.path.join(args.out, f"results_{args.hidden}.json"), "w") as f:
        json.dump(results, f, indent=1)
    draw(net.state["W1.weights"], matrix, args.out, args.hidden)
    return results


if __name__ == "__main__":
    main()
