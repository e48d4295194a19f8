"""neurofuse from Python in one page: a small spiking network from a model
string, run for a second of model time in native code, its spikes recorded
as events and drawn as a raster.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/quickstart.py [OUT_DIR]
"""
import os
import sys

import numpy as np

import neurofuse as nf

MODEL = """
model quickstart {
  dt = 1.0
  seed = 42
  z0 = PoissonCell(n_units=100, target_freq=60.0)
  W = StaticSynapse(shape=(100, 40), weight_init=uniform(0.0, 0.3))
  z1 = LIFCell(n_units=40, tau_m=20.0, resist_m=20.0, thr=-52.0, v_rest=-65.0, v_reset=-60.0, refract_time=2.0)
  z0.outputs >> W.inputs
  W.outputs >> z1.j
  process advance = z0.advance_state >> W.advance_state >> z1.advance_state
}
"""


def main(out_dir):
    model = nf.compile(MODEL)
    print(model)
    state = model.state()
    state["z0.inputs"] = 1.0  # every source fires at its target rate
    out = state.run("advance", steps=1000,
                    record=["z0.outputs:events:as=input", "z1.s:events:as=spikes", "z1.v[0]:as=v0",
                            "z1.s:mean:as=rate"])
    spikes = out["spikes"]  # int32 (step, unit) pairs
    print("%d input spikes, %d output spikes; mean output rate %.1f Hz"
          % (len(out["input"]), len(spikes), 1000.0 * float(out["rate"].mean())))
    np.savez(os.path.join(out_dir, "quickstart.npz"), **out)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return 0
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
    top.plot(spikes[:, 0], spikes[:, 1], "|", markersize=4)
    top.set_ylabel("LIF unit")
    bottom.plot(out["v0"][:, 0])
    bottom.set_ylabel("v of unit 0 (mV)")
    bottom.set_xlabel("time (ms)")
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "quickstart.png"), dpi=100)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
