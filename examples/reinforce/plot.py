"""Learning curves and policies of the REINFORCE bandit example.

usage: python3 plot.py OUT_DIR   (reads OUT_DIR/reinforce.npz, writes OUT_DIR/reinforce.png)
"""
import sys

import numpy as np

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib is not installed (apt-get install python3-matplotlib): no plot written")
    sys.exit(0)

out = sys.argv[1]
d = np.load(f"{out}/reinforce.npz")
targets = d["targets"]


def smooth(v, n=50):
    return np.convolve(v, np.ones(n) / n, mode="valid")


fig, ax = plt.subplots(1, 3, figsize=(15, 4))
colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
for name, style, label in (("learned", "-", "learned log-std"), ("fixed", "--", "fixed std 0.2")):
    ax[0].plot(smooth(d[f"{name}_reward"]), style, label=f"{label}: mean reward (50-step average)")
    for c in range(len(targets)):
        ax[1].plot(d[f"{name}_mu{c}"], style, color=colors[c], label=f"context {c} ({label})" if name == "learned" else None)
        ax[2].plot(d[f"{name}_sd{c}"], style, color=colors[c])
for c, t in enumerate(targets):
    ax[1].axhline(t, color=colors[c], alpha=0.3, linewidth=4)
ax[0].set_title("reward (optimum: -std^2)")
ax[0].set_xlabel("step")
ax[0].legend(fontsize=8)
ax[1].set_title("policy mean per context (thick lines: optimum)")
ax[1].set_xlabel("step")
ax[1].legend(fontsize=7)
ax[2].set_title("policy std per context (dashed: fixed 0.2)")
ax[2].set_xlabel("step")
fig.tight_layout()
fig.savefig(f"{out}/reinforce.png", dpi=100)
print(f"wrote {out}/reinforce.png")
