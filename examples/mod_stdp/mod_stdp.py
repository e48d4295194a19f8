"""ngclearn's mod_stdp lesson from Python, as an ngclearn user would write it:
three synapses (trace STDP, MSTDP, MSTDP-ET) see the same scripted spikes and
a reward of +1 until 100 ms and -1 after; the lesson's table is printed beside
ours and the trajectories plotted (README.md beside this file).

    PYTHONPATH=build/python /usr/bin/python3 examples/mod_stdp/mod_stdp.py [OUT_DIR]

Writes OUT_DIR/trajectories.npz (the same arrays as the C++ driver's, bit for
bit) and OUT_DIR/mod_stdp.png; exits with 1 if a listed value differs.
"""
import os
import re
import sys

import numpy as np

import neurofuse as nf

HERE = os.path.dirname(os.path.abspath(__file__))


def reference_table():
    """The lesson's table, from the header the C++ driver checks against."""
    text = open(os.path.join(HERE, "reference_table.h")).read()
    rows = re.findall(r"\{(\d+), ([-\d.]+), ([-\d.]+), ([-\d.]+), ([-\d.]+)\}", text)
    return [(int(i), *map(float, values)) for i, *values in rows]


def main(out_dir):
    model = nf.compile(os.path.join(HERE, "mod_stdp.nf"))
    state = model.state()
    state.step("reset")

    steps = 200
    t = np.arange(steps)
    pre = np.isin(t, [5, 80, 115, 135]).astype(np.float32).reshape(steps, 1, 1)
    post = np.isin(t, [10, 70, 110, 140]).astype(np.float32).reshape(steps, 1, 1)
    reward = np.where(t < 100, 1.0, -1.0).astype(np.float32).reshape(steps, 1, 1)

    # advance then evolve, every millisecond, in native code; the spikes and
    # the reward are written before each step, the records read after it.
    names = {"pre_trace": "tr0.trace", "post_trace": "tr1.trace", "w_stdp": "W1_stdp.weights",
             "w_mstdp": "W1_rstdp.weights", "w_mstdpet": "W_mstdpet.weights", "dw_stdp": "W1_stdp.dWeights",
             "eligibility": "W_mstdpet.eligibility"}
    out = state.run(["advance", "evolve"], steps, drive={"tr0.inputs": pre, "tr1.inputs": post, "r.reward": reward},
                    record=["%s:as=%s" % (comp, name) for name, comp in names.items()])
    series = {"reward": reward.ravel(), "pre": pre.ravel(), "post": post.ravel()}
    series.update({name: out[name].ravel() for name in names})
    order = ["reward", "pre", "post", "pre_trace", "post_trace", "w_stdp", "w_mstdp", "w_mstdpet", "dw_stdp",
             "eligibility"]
    np.savez(os.path.join(out_dir, "trajectories.npz"), **{k: series[k] for k in order})

    # The table, as the C++ driver prints it (same tolerances: see README.md).
    bad = 0
    print("  step |  W STDP (ours / ref)    |  W MSTDP (ours / ref)   |  W MSTDP-ET (ours / ref) |  E MSTDP-ET (ours / ref)")
    for i, *want in reference_table():
        got = [series[k][i] for k in ("w_stdp", "w_mstdp", "w_mstdpet", "eligibility")]
        line = "  %4d" % i
        for g, w, tol in zip(got, want, (3e-7, 3e-7, 1e-7, 1e-7)):
            ok = abs(float(g) - w) <= tol + 1e-6 * abs(w)
            bad += not ok
            line += " | %10.7f %10.7f%s" % (g, w, " " if ok else "!")
        print(line)
    rows = len(reference_table()) * 4
    print("%s: %d of %d table values differ" % ("MISMATCH" if bad else "all listed steps match", bad, rows))

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib is not installed: no plot)")
        return 1 if bad else 0
    fig, axes = plt.subplots(3, 1, figsize=(8, 7), sharex=True)
    axes[0].plot(t, series["pre_trace"], label="pre trace")
    axes[0].plot(t, series["post_trace"], label="post trace")
    axes[0].plot(t, series["reward"] * 0.5, "k:", label="reward / 2")
    axes[1].plot(t, series["w_stdp"], label="STDP")
    axes[1].plot(t, series["w_mstdp"], label="MSTDP")
    axes[1].plot(t, series["w_mstdpet"], label="MSTDP-ET")
    axes[1].set_ylabel("weight")
    axes[2].plot(t, series["eligibility"], label="MSTDP-ET eligibility")
    axes[2].set_xlabel("time (ms)")
    for ax in axes:
        ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "mod_stdp.png"), dpi=100)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
