"""Learning curves of the T-maze experiment, as ngc-museum plots them.

usage: python3 plot.py OUT_DIR   (reads OUT_DIR/{snn,random}_SEED.npz, writes OUT_DIR/tmaze.png)

Each history is smoothed by a trailing mean over the last (at most) 100
training episodes; the curves are the mean over seeds with a band of one
standard deviation, for the spiking agent and the random agent together.
"""
import glob
import re
import sys

import numpy as np

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib is not installed (apt-get install python3-matplotlib): no plot written")
    sys.exit(0)


def trailing(v, window=100):
    c = np.cumsum(np.insert(v, 0, 0.0))
    n = np.minimum(np.arange(1, len(v) + 1), window)
    return (c[1:] - c[np.arange(1, len(v) + 1) - n]) / n


out = sys.argv[1]
fig, ax = plt.subplots(1, 2, figsize=(11, 4))
for tag, color in (("snn", "tab:blue"), ("random", "tab:gray")):
    files = sorted(glob.glob(f"{out}/{tag}_*.npz"))
    if not files:
        continue
    runs = [np.load(f) for f in files]
    for k, (key, title) in enumerate((("completes", "completion rate"), ("returns", "episodic return"))):
        curves = np.array([trailing(r[key][:-1]) for r in runs])  # training episodes only
        mean, std = curves.mean(axis=0), curves.std(axis=0)
        episodes = np.arange(1, curves.shape[1] + 1)
        seeds = ", ".join(re.search(r"_(\d+)\.npz$", f).group(1) for f in files)
        label = f"{'spiking agent' if tag == 'snn' else 'random agent'} (seeds {seeds})"
        ax[k].plot(episodes, mean, color=color, label=label)
        ax[k].fill_between(episodes, mean - std, mean + std, color=color, alpha=0.25)
        ax[k].set_title(f"T-maze: {title} (trailing mean over 100 episodes)", fontsize=10)
        ax[k].set_xlabel("episode")
for a in ax:
    a.legend(fontsize=8)
fig.tight_layout()
fig.savefig(f"{out}/tmaze.png", dpi=100)
print(f"wrote {out}/tmaze.png")
