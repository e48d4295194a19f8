"""Plots the mod_stdp lesson's trajectories, as in ngclearn's tutorial figure.

usage: python3 plot.py OUT_DIR   (reads OUT_DIR/trajectories.npz, writes OUT_DIR/mod_stdp.png)
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
d = np.load(f"{out}/trajectories.npz")
t = np.arange(d["reward"].shape[0])
fig, ax = plt.subplots(4, 1, figsize=(8, 9), sharex=True)
for name, label in (("pre", "pre spikes"), ("post", "post spikes")):
    ax[0].vlines(t[d[name] > 0], 0, 1, label=label, color="tab:blue" if name == "pre" else "tab:red")
ax[0].plot(t, d["pre_trace"], color="tab:blue", alpha=0.5, label="pre trace")
ax[0].plot(t, d["post_trace"], color="tab:red", alpha=0.5, label="post trace")
ax[0].set_ylabel("spikes, traces")
ax[0].legend(loc="upper right", fontsize=8)
ax[1].plot(t, d["w_stdp"], label="trace STDP")
ax[1].plot(t, d["w_mstdp"], label="MSTDP")
ax[1].set_ylabel("weight")
ax[1].legend(fontsize=8)
ax[2].plot(t, d["w_mstdpet"], color="tab:green", label="MSTDP-ET")
ax[2].set_ylabel("weight")
ax[2].legend(fontsize=8)
ax[3].plot(t, d["eligibility"], color="tab:green", label="eligibility (MSTDP-ET)")
ax[3].plot(t, d["reward"] * 0.03, color="gray", linestyle="--", label="reward (x0.03)")
ax[3].set_ylabel("eligibility")
ax[3].set_xlabel("time (ms)")
ax[3].legend(fontsize=8)
fig.suptitle("Reward-modulated STDP: one synapse each, same spikes, reward +1 then -1")
fig.tight_layout()
fig.savefig(f"{out}/mod_stdp.png", dpi=100)
print(f"wrote {out}/mod_stdp.png")
