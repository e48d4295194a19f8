"""ngclearn's neurocog lessons, reproduced with neurofuse's Python package.

Each lesson of ngclearn's docs/tutorials/neurocog/ builds a small system,
drives it and shows a figure. Here each one is a model beside this file
(LESSON/LESSON.nf, the lesson's components and hyperparameters) and a
protocol below (the lesson's loop: its resets, currents, step count and dt,
as one run call); running a lesson prints the numbers it shows or states and
draws its figure.

    PYTHONPATH=build/python /usr/bin/python3 examples/lessons/lessons.py [LESSON ...] [--out DIR]

Without LESSON every lesson runs. tests/lessons/ checks the printed numbers
against a float32 NumPy transcription of ngclearn's source.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys

import numpy as np

import neurofuse as nf

HERE = os.path.dirname(os.path.abspath(__file__))


def model_path(lesson: str) -> str:
    return os.path.join(HERE, lesson, lesson + ".nf")


def fresh_state(lesson: str, model: str | None = None):
    """A state of the lesson's model, reset as the lesson resets it first."""
    state = nf.compile(model_path(lesson), model=model).state()
    state.step("reset")
    return state


def constant_current(lesson: str, current: float, steps: int):
    """v, w and s of the one cell z0 of a lesson driven by a constant current."""
    state = fresh_state(lesson)
    state["z0.j"] = current
    out = state.run("advance", steps, record=["z0.v", "z0.w", "z0.s"])
    return out["z0.v"][:, 0], out["z0.w"][:, 0], out["z0.s"][:, 0]


def spike_steps(s) -> list[int]:
    """Steps (0-based) at which a one-unit spike train holds 1."""
    return [int(k) for k in np.flatnonzero(np.asarray(s).reshape(len(s), -1)[:, 0] > 0)]


def onsets(s) -> list[int]:
    """Steps at which a one-unit 0/1 train rises (a pulse may last several steps)."""
    x = np.asarray(s).reshape(len(s), -1)[:, 0] > 0
    return [int(k) for k in np.flatnonzero(x & ~np.concatenate(([False], x[:-1])))]


def peaks(v, above: float) -> list[int]:
    """Steps of the local maxima of a trace that rise above `above` (action potentials)."""
    v = np.asarray(v)
    inner = (v[1:-1] > v[:-2]) & (v[1:-1] >= v[2:]) & (v[1:-1] > above)
    return [int(k) + 1 for k in np.flatnonzero(inner)]


def f32(x) -> float:
    """A float32 value as the Python float that holds it exactly."""
    return float(np.float32(np.asarray(x).reshape(-1)[-1]))


def spiking_numbers(v, w, s) -> dict:
    """What the two-variable cell lessons show: spikes, the first spike
    steps, the final voltage and recovery, digests of both traces."""
    steps = spike_steps(s)
    return {"spikes": len(steps), "first_spike_steps": steps[:5], "v_final": f32(v), "w_final": f32(w),
            "v_digest": digest(v), "w_digest": digest(w)}


def digest(a) -> str:
    """sha256 of a float32 array's bytes: two runs agree on every bit or not."""
    return hashlib.sha256(np.ascontiguousarray(a, dtype=np.float32).tobytes()).hexdigest()[:16]


# ---------------------------------------------------------------------------
# Protocols: each returns (traces, numbers). traces: arrays [steps, ...] for
# the figure; numbers: what the lesson shows or states, with exact float32
# values and digests of the traces (tests/lessons compares them).


def lif():
    """A step current, 0 for 10 steps then 0.3, for 200 steps of 0.1 ms."""
    state = fresh_state("lif")
    current = np.concatenate((np.zeros(10), np.full(190, 0.3))).astype(np.float32)
    out = state.run("advance", 200, drive={"z0.j": current.reshape(200, 1, 1)},
                    record=["z0.v", "z0.s", "z0.thr_theta"])
    v, s = out["z0.v"][:, 0], out["z0.s"][:, 0]
    traces = {"j": current, "v": v, "s": s}
    numbers = {"spikes": len(spike_steps(s)), "spike_steps": spike_steps(s),
               "v_final": f32(v), "thr_theta_final": f32(out["z0.thr_theta"]), "v_digest": digest(v)}
    return traces, numbers


def simple_leaky_integrator():
    """A step current, 0 for 10 steps then 0.3, into a SLIF cell, 200 steps of 1e-3."""
    state = fresh_state("simple_leaky_integrator")
    current = np.concatenate((np.zeros(10), np.full(190, 0.3))).astype(np.float32)
    out = state.run("advance", 200, drive={"z0.j": current.reshape(200, 1, 1)}, record=["z0.v", "z0.s"])
    v, s = out["z0.v"][:, 0], out["z0.s"][:, 0]
    numbers = {"spikes": len(spike_steps(s)), "spike_steps": spike_steps(s), "v_max": float(np.max(v)),
               "v_final": f32(v), "v_digest": digest(v)}
    return {"j": current, "v": v, "s": s}, numbers


def integration():
    """dy/dt = y with Euler (30 steps of 0.1 and of 0.09); a polynomial
    right-hand side with Heun, midpoint, Euler and RK4 (8 steps of 0.5)."""
    model = nf.compile(model_path("integration"))
    state = model.state()
    growth = state.run("growth", 30, dt=0.1, record=["euler.y", "euler_09.y"])
    poly = state.run("poly", 8, dt=0.5, record=["heun.y", "rk2.y", "poly_euler.y", "rk4.y"])
    traces = {"growth": {k.split(".")[0]: np.concatenate(([1.0], v[:, 0, 0])) for k, v in growth.items()},
              "poly": {k.split(".")[0]: np.concatenate(([1.0], v[:, 0, 0])) for k, v in poly.items()}}
    # The analytic solutions, in binary64, at the curves' last points.
    exact_growth = float(np.exp(3.0))
    t = 4.0
    exact_poly = -0.5 * t ** 4 + 4 * t ** 3 - 10 * t ** 2 + 8.5 * t + 1.0
    numbers = {"growth_exact_y3": exact_growth, "poly_exact_y4": exact_poly}
    for name, y in traces["growth"].items():
        numbers[f"growth_{name}_y_final"] = float(np.float32(y[-1]))
    for name, y in traces["poly"].items():
        numbers[f"poly_{name}_y_final"] = float(np.float32(y[-1]))
        numbers[f"poly_{name}_digest"] = digest(y[1:])
    return traces, numbers


SYNAPSES = {"Wexp": "exponential", "Walpha": "alpha", "Wexp2": "double exponential"}


def dynamic_synapses():
    """One pre-synaptic pulse at 1 ms into three dynamic synapses (81 steps
    of 0.1 ms); then 80 excitatory and 20 inhibitory Poisson sources at
    10 Hz into a LIF neuron through conductance synapses (10,000 steps)."""
    state = fresh_state("dynamic_synapses", model="dynamic_synapses")
    pulse = np.zeros((81, 1, 1), np.float32)
    pulse[10] = 1.0  # the lesson's `t * dt == 1.`
    out = state.run("advance", 81, dt=0.1, drive={w + ".inputs": pulse for w in SYNAPSES},
                    record=[w + ".g_syn" for w in SYNAPSES])
    traces, numbers = {}, {}
    for w in SYNAPSES:
        g = out[w + ".g_syn"][:, 0, 0]
        traces[w] = g
        numbers[w] = {"peak_step": int(np.argmax(g)), "g_peak": f32(np.max(g)), "g_final": f32(g),
                      "g_digest": digest(g)}

    ei = fresh_state("dynamic_synapses", model="ei_circuit")
    ei["pre_exc.inputs"] = 1.0
    ei["pre_inh.inputs"] = 1.0
    ei["post_exc.v"] = -65.0  # the lesson's initial condition
    out = ei.run("advance", 10000, t0=0.1, dt=0.1,
                 record=["post_exc.v", "post_exc.s", "pre_exc.outputs", "pre_inh.outputs"])
    v, s = out["post_exc.v"][:, 0, 0], out["post_exc.s"][:, 0, 0]
    traces["ei"] = {"v": v, "s": s, "pre_exc": out["pre_exc.outputs"][:, 0, :], "pre_inh": out["pre_inh.outputs"][:, 0, :]}
    numbers["ei_circuit"] = {"exc_rate_hz": float(out["pre_exc.outputs"].mean() * 1e4),
                             "inh_rate_hz": float(out["pre_inh.outputs"].mean() * 1e4),
                             "post_spikes": len(spike_steps(s)), "post_spike_steps": spike_steps(s),
                             "v_mean": float(np.mean(v.astype(np.float64))), "v_digest": digest(v)}
    return traces, numbers


STP_SYSTEMS = {"stf2": ("STF dominated", 2.0), "stf20": ("STF dominated", 20.0), "std2": ("STD dominated", 2.0),
               "std20": ("STD dominated", 20.0)}


def short_term_plasticity():
    """A Poisson source (2 or 20 Hz) into a LIF neuron through a
    facilitating or a depressing STP synapse, 5,000 steps of 1 ms from t = 1."""
    state = fresh_state("short_term_plasticity")
    for k in STP_SYSTEMS:
        state[f"z0_{k}.inputs"] = 1.0
    record = [f"{c}_{k}.{x}" for k in STP_SYSTEMS for c, x in (("W", "u"), ("W", "x"), ("W", "Wdyn"), ("z0", "outputs"),
                                                                ("z1", "s"))]
    out = state.run("advance", 5000, t0=1.0, dt=1.0, record=record)
    traces, numbers = {}, {}
    for k, (tag, rate) in STP_SYSTEMS.items():
        u, x, w = (out[f"W_{k}.{c}"][:, 0, 0] for c in ("u", "x", "Wdyn"))
        pre, post = out[f"z0_{k}.outputs"][:, 0, 0], out[f"z1_{k}.s"][:, 0, 0]
        traces[k] = {"u": u, "x": x, "Wdyn": w, "pre": pre, "post": post}
        numbers[k] = {"input_spikes": len(spike_steps(pre)), "output_spikes": len(spike_steps(post)),
                      # the lesson's plot title: "Ratio of spikes transmitted: " + num_z1_spikes / firing_rate_e
                      "lesson_ratio": len(spike_steps(post)) / rate,
                      "u_final": f32(u), "x_final": f32(x), "Wdyn_max": float(np.max(w)), "u_digest": digest(u),
                      "x_digest": digest(x)}
    return traces, numbers


def rate_cell():
    """Two pulses of 1.006 into a graded rate cell, 210 steps of 1 ms."""
    state = fresh_state("rate_cell")
    current = np.concatenate((np.zeros(10), np.full(50, 1.006), np.zeros(50), np.full(50, 1.006),
                              np.zeros(50))).astype(np.float32)
    out = state.run("advance", 210, drive={"z0.j": current.reshape(210, 1, 1)}, record=["z0.z", "z0.zF"])
    z, zf = out["z0.z"][:, 0, 0], out["z0.zF"][:, 0, 0]
    numbers = {"z_max": float(np.max(z)), "z_final": f32(z), "zF_on_steps": len(spike_steps(zf)),
               "zF_onsets": onsets(zf), "z_digest": digest(z)}
    return {"j": current, "z": z, "zF": zf}, numbers


def error_cell():
    """A fixed guess and answer into a Gaussian error cell, 5 steps."""
    state = fresh_state("error_cell")
    guess, answer = np.array([[-1.0, 1.0, 1.0]], np.float32), np.array([[1.0, -1.0, 1.0]], np.float32)
    rows = []
    for ts in range(5):
        state["z0.mu"], state["z0.target"] = guess, answer
        state.step("advance", t=float(ts), dt=1.0)
        rows.append({"dmu": [float(x) for x in state["z0.dmu"][0]], "dtarget": [float(x) for x in state["z0.dtarget"][0]],
                     "L": float(np.asarray(state["z0.L"]).reshape(-1)[0])})
        print(f"  {ts} |  dmu: {state['z0.dmu']}  dtarget: {state['z0.dtarget']}  loss: {rows[-1]['L']}")
    # -0.0 and 0.0 compare equal: the signs are part of what the lesson shows.
    signs = [bool(np.signbit(x)) for x in rows[-1]["dtarget"]]
    return {}, {"steps": rows, "dtarget_signbits": signs}


BERNOULLI_PROBS = [0.8, 0.2, 0.0, 0.55, 0.9, 0.0, 0.15, 0.0, 0.6, 0.77]


def input_cells():
    """A Bernoulli raster (100 steps) and a Poisson cell's mean firing rate (30 trials of 1 s)."""
    state = fresh_state("input_cells")
    state["bern.inputs"] = np.array([BERNOULLI_PROBS], np.float32)
    raster = state.run("bernoulli", 100, record=["bern.outputs"])["bern.outputs"][:, 0, :]
    counts = []
    for _ in range(30):
        state.step("reset")
        state["pois.inputs"] = 1.0
        counts.append(float(state.run("poisson", 1000, record=["pois.outputs:sum:as=n"])["n"].sum()))
    mu = sum(counts) / 30
    numbers = {"bernoulli_counts": [int(c) for c in raster.sum(axis=0)],
               # the lesson's loop sums all 10 units' spikes of a trial: "Mean firing rate = mu / n_trials"
               "lesson_mean_count": mu, "poisson_rate_hz_per_unit": mu / 10}
    return {"raster": raster, "counts": counts}, numbers


def traces():
    """Poisson spikes (input 0.35) into an additive and a gated trace, 200 steps."""
    state = fresh_state("traces")
    state["z0.inputs"] = 0.35
    out = state.run("advance", 200, record=["z0.outputs", "tr0.trace", "tr1.trace"])
    s = out["z0.outputs"][:, 0, 0]
    additive, gated = out["tr0.trace"][:, 0, 0], out["tr1.trace"][:, 0, 0]
    numbers = {"spikes": len(spike_steps(s)), "spike_steps": spike_steps(s), "additive_max": float(np.max(additive)),
               "additive_final": f32(additive), "gated_final": f32(gated), "additive_digest": digest(additive),
               "gated_digest": digest(gated)}
    return {"s": s, "additive": additive, "gated": gated}, numbers


def hebbian():
    """The input sequence 1, 1, 0, 0, 1 through a -> Wab -> b, Wab.evolve after each step."""
    state = fresh_state("hebbian")
    weights = [float(state["Wab.weights"][0, 0])]
    print(f"  -1: Wab = {state['Wab.weights']}")
    for ts, x in enumerate([1.0, 1.0, 0.0, 0.0, 1.0]):
        state["a.j"] = x
        state.step("advance", t=float(ts), dt=1.0)
        state.step("evolve", t=float(ts), dt=1.0)
        weights.append(float(state["Wab.weights"][0, 0]))
        print(f"   {ts}: input = [{x}] ~> Wab = {state['Wab.weights']}")
    return {"weights": weights}, {"weights": weights}


def stdp():
    """The trace-STDP window: a post spike at step 0 (pre trigger), a pre
    spike at step 50 (post trigger), 101 steps; dWeights after each."""
    state = fresh_state("stdp")
    n = 101
    pre, post = np.zeros((n, 1, 1), np.float32), np.zeros((n, 1, 1), np.float32)
    pre_trig, post_trig = np.zeros((n, 1, 1), np.float32), np.zeros((n, 1, 1), np.float32)
    post[0], pre[50] = 1.0, 1.0
    pre_trig[:50], post_trig[50:] = 1.0, 1.0  # the lesson's triggers hold from their switch on
    out = state.run(["advance", "evolve"], n, drive={"tr0.inputs": pre, "tr1.inputs": post, "W.preSpike": pre_trig,
                                                     "W.postSpike": post_trig}, record=["W.dWeights"])
    dw = out["W.dWeights"][:, 0, 0]
    t = np.concatenate((-np.arange(50), np.arange(51))).astype(np.float64)  # the lesson's t_values
    numbers = {"dW_at_0": float(dw[0]), "dW_at_50": float(dw[50]), "dW_min": float(np.min(dw)),
               "dW_max": float(np.max(dw)), "dW_digest": digest(dw)}
    return {"t": t, "dW": dw}, numbers


IZHIKEVICH_TYPES = ["rs", "fs", "ch", "ib", "lts"]


def izhikevich_cell():
    """Five neuron classes, a constant current of 10, 20,000 steps of 0.01 ms."""
    state = fresh_state("izhikevich_cell")
    for c in IZHIKEVICH_TYPES:
        state[c + ".j"] = 10.0
    record = [f"{c}.{x}" for c in IZHIKEVICH_TYPES for x in ("v", "w", "s")]
    out = state.run("advance", 20000, record=record)
    traces, numbers = {}, {}
    for c in IZHIKEVICH_TYPES:
        v, w, s = out[c + ".v"][:, 0], out[c + ".w"][:, 0], out[c + ".s"][:, 0]
        traces[c] = (v, w)
        numbers[c] = spiking_numbers(v, w, s)
    return traces, numbers


def adex_cell():
    """A constant current of 19, 10,000 steps of 0.1 ms."""
    v, w, s = constant_current("adex_cell", 19.0, 10000)
    return {"v": v, "w": w}, spiking_numbers(v, w, s)


def fitzhugh_nagumo_cell():
    """A constant current of 0.23, 1,500 steps of 200/1499 ms."""
    v, w, s = constant_current("fitzhugh_nagumo_cell", 0.23, 1500)
    numbers = {"pulses": len(onsets(s)), "pulse_onset_steps": onsets(s), "steps_above_threshold": len(spike_steps(s)),
               "v_final": f32(v), "w_final": f32(w), "v_digest": digest(v), "w_digest": digest(w)}
    return {"v": v, "w": w}, numbers


def hodgkin_huxley_cell():
    """A square pulse of 50 from step 7,000 to 12,999, 20,000 steps of 0.01 ms."""
    state = fresh_state("hodgkin_huxley_cell")
    stim = np.zeros(20000, np.float32)
    stim[7000:13000] = 50.0
    out = state.run("advance", 20000, drive={"z0.j": stim.reshape(20000, 1, 1)},
                    record=["z0.v", "z0.n", "z0.m", "z0.h", "z0.s"])
    v, s = out["z0.v"][:, 0], out["z0.s"][:, 0]
    gates = {x: out["z0." + x][:, 0] for x in ("n", "m", "h")}
    numbers = {"spikes": len(onsets(s)), "spike_onset_steps": onsets(s), "action_potentials": len(peaks(v, 30.0)),
               "v_max": float(np.max(v)),
               "v_final": f32(v), "n_final": f32(gates["n"]), "m_final": f32(gates["m"]), "h_final": f32(gates["h"]),
               "v_digest": digest(v)}
    return {"j": stim, "v": v, **gates}, numbers


LESSONS = {
    "simple_leaky_integrator": (simple_leaky_integrator, 1e-3),
    "integration": (integration, 0.5),
    "dynamic_synapses": (dynamic_synapses, 0.1),
    "short_term_plasticity": (short_term_plasticity, 1.0),
    "rate_cell": (rate_cell, 1.0),
    "error_cell": (error_cell, 1.0),
    "input_cells": (input_cells, 1.0),
    "traces": (traces, 1.0),
    "hebbian": (hebbian, 1.0),
    "stdp": (stdp, 1.0),
    "lif": (lif, 0.1),
    "izhikevich_cell": (izhikevich_cell, 0.01),
    "adex_cell": (adex_cell, 0.1),
    "fitzhugh_nagumo_cell": (fitzhugh_nagumo_cell, 200 / 1499),
    "hodgkin_huxley_cell": (hodgkin_huxley_cell, 0.01),
}


def run(lesson: str):
    """(traces, numbers) of one lesson."""
    return LESSONS[lesson][0]()


# ---------------------------------------------------------------------------
# Figures, as the lessons draw them.


def draw(lesson: str, traces, path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    dt = LESSONS[lesson][1]
    if lesson in ("error_cell", "hebbian"):
        return  # the lesson prints a table and draws no figure
    if lesson == "stdp":
        fig, ax = plt.subplots(figsize=(7, 4))
        ax.plot(traces["t"], traces["dW"], "o", color="tab:red", markersize=3)
        ax.axhline(0.0, color="grey", lw=0.8)
        ax.axvline(0.0, color="grey", lw=0.8)
        ax.set(xlabel="t_post - t_pre (ms)", ylabel="Change in Synaptic Efficacy", title="trace-STDP over Time (ms)")
        ax.grid()
    elif lesson == "rate_cell":
        fig, ax = plt.subplots(figsize=(8, 4))
        t = np.arange(len(traces["z"])) * dt
        ax.plot(t, traces["j"], "-", color="tab:grey", label="j")
        ax.plot(t, traces["z"], "-", color="tab:red", label="z (linear)")
        ax.plot(t, traces["zF"], "--", color="tab:blue", label="zF = [z >= 1]")
        ax.set(xlabel="Time (ms)", ylabel="Value", title="Integration of:  dz/dt = -gamma z + x")
        ax.legend()
        ax.grid()
    elif lesson == "input_cells":
        fig, axes = plt.subplots(1, 2, figsize=(12, 4))
        steps, units = np.nonzero(traces["raster"])
        axes[0].plot(steps, units, "|", markersize=10, color="black")
        axes[0].set(xlabel="Time (ms)", ylabel="Unit", title="Bernoulli cell raster", yticks=range(10))
        axes[1].bar(range(1, len(traces["counts"]) + 1), np.asarray(traces["counts"]) / 10.0, color="tab:blue")
        axes[1].axhline(63.75, color="black", linestyle="--", label="target 63.75 Hz")
        axes[1].set(xlabel="Trial", ylabel="Spikes per unit in 1 s (Hz)", title="Poisson cell firing rate")
        axes[1].legend()
    elif lesson == "traces":
        fig, axes = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
        t = np.arange(len(traces["s"])) * dt
        for ax, key, title in ((axes[0], "additive", "additive trace (a_delta = 0.5)"),
                               (axes[1], "gated", "piecewise-gated trace (a_delta = 0)")):
            ax.plot(t, traces[key], "-", color="tab:red")
            for k in spike_steps(traces["s"]):
                ax.vlines(k * dt, -0.05, 0.0, colors="black", lw=2)
            ax.set(ylabel="Trace", title=title)
            ax.grid()
        axes[1].set(xlabel="Time (ms)")
    elif lesson == "short_term_plasticity":
        fig, axes = plt.subplots(3, 4, figsize=(20, 8), sharex=True)
        for col, (k, (tag, rate)) in enumerate(STP_SYSTEMS.items()):
            tr = traces[k]
            t = np.arange(1, len(tr["u"]) + 1) * dt
            axes[0, col].plot(t, tr["u"], "-", lw=2, color="tab:red")
            axes[0, col].set(ylabel="u", title=f"{rate:g} Hz, {tag}: STF dynamics")
            axes[1, col].plot(t, tr["x"], "-", lw=2, color="tab:blue")
            axes[1, col].set(ylabel="x", title="STD dynamics")
            axes[2, col].plot(t, tr["Wdyn"], lw=2, color="tab:purple")
            ratio = len(spike_steps(tr["post"])) / rate
            axes[2, col].set(xlabel="Time (ms)", ylabel="Syn. Weight", title=f"Ratio of spikes transmitted: {ratio:g}")
            for row in range(3):
                axes[row, col].grid()
    elif lesson == "dynamic_synapses":
        fig, axes = plt.subplots(1, 4, figsize=(20, 4))
        for ax, (w, name) in zip(axes, SYNAPSES.items()):
            g = traces[w]
            ax.plot(np.arange(len(g)) * dt, g / np.max(g), "-", color="tab:red" if w == "Wexp" else "tab:blue")
            ax.set(xlabel="Time (ms)", ylabel="Conductance", title=f"{name.capitalize()} Synapse Conductance Time-Course")
            ax.grid()
        v = traces["ei"]["v"]
        t = (np.arange(len(v)) + 1) * dt
        axes[3].plot(t, v, "-.", color="tab:red")
        for k in spike_steps(traces["ei"]["s"]):
            axes[3].vlines((k + 1) * dt, -55.75, -53.0, colors="black", lw=2)
        axes[3].hlines(-55.0, 0.0, t[-1], colors="blue", linestyles="-.", lw=2)
        axes[3].set(xlabel="Time (ms)", ylabel="Voltage", title="Exponential Synapse LIF")
        axes[3].grid()
    elif lesson == "integration":
        fig, axes = plt.subplots(1, 2, figsize=(11, 4))
        tg = np.arange(31) * 0.1
        axes[0].plot(tg, np.exp(tg), "k-", label="exp(t)")
        axes[0].plot(tg, traces["growth"]["euler"], "o-", label="Euler, dt = 0.1")
        axes[0].plot(tg, traces["growth"]["euler_09"], "s-", label="Euler, dt = 0.09")
        axes[0].set(xlabel="t", ylabel="y(t)", title="Integration of: dy/dt = y")
        tp = np.arange(9) * 0.5
        tf = np.linspace(0, 4, 200)
        axes[1].plot(tf, -0.5 * tf ** 4 + 4 * tf ** 3 - 10 * tf ** 2 + 8.5 * tf + 1, "k-", label="solution")
        for key, label in (("heun", "Heun"), ("rk2", "midpoint"), ("poly_euler", "Euler"), ("rk4", "RK4")):
            axes[1].plot(tp, traces["poly"][key], "o--", label=label)
        axes[1].set(xlabel="t", ylabel="y(t)", title="dy/dt = -2 t^3 + 12 t^2 - 20 t + 8.5")
        for ax in axes:
            ax.legend()
    elif lesson == "izhikevich_cell":
        fig, axes = plt.subplots(1, 5, figsize=(20, 4))
        for ax, c in zip(axes, IZHIKEVICH_TYPES):
            v, w = traces[c]
            t = np.arange(len(v)) * dt
            ax.plot(t, v, color="C0", label="v")
            ax.plot(t, w, color="C1", alpha=0.5, label="w")
            ax.set(xlabel="Time (ms)", ylabel="Voltage (v), Recovery (w)",
                   title=f"Izhikevich ({c.upper()}) Voltage/Recovery Dynamics")
            ax.legend()
    elif lesson in ("adex_cell", "fitzhugh_nagumo_cell"):
        name = "AdEx" if lesson == "adex_cell" else "Fitzhugh-Nagumo"
        fig, axes = plt.subplots(1, 2, figsize=(10, 4))
        t = np.arange(len(traces["v"])) * dt
        axes[0].plot(t, traces["v"], color="C0")
        axes[0].set(xlabel="Time (ms)", ylabel="Voltage (v)", title=f"{name} Voltage Dynamics")
        axes[1].plot(t, traces["w"], color="C1")
        axes[1].set(xlabel="Time (ms)", ylabel="Recovery (w)", title=f"{name} Recovery Dynamics")
    elif lesson == "hodgkin_huxley_cell":
        fig, axes = plt.subplots(3, 1, figsize=(8, 8), sharex=True)
        t = np.arange(len(traces["v"])) * dt
        axes[0].plot(t, traces["v"], color="C0")
        axes[0].set(ylabel="Voltage (mV)", title="Hodgkin-Huxley Neuron")
        for x, c in (("n", "C1"), ("m", "C2"), ("h", "C3")):
            axes[1].plot(t, traces[x], color=c, label=x)
        axes[1].set(ylabel="Gating value")
        axes[1].legend()
        axes[2].plot(t, traces["j"], color="C4")
        axes[2].set(xlabel="Time (ms)", ylabel="Input current")
    else:  # lif, simple_leaky_integrator: current, voltage with spikes, as plot_spiking_neuron draws them
        slif = lesson == "simple_leaky_integrator"
        thr, low, high = (1.0, 0.0, 1.3) if slif else (-52.0, -66.0, -50.0)
        fig, axes = plt.subplots(2, 1, figsize=(8, 5), sharex=True, gridspec_kw={"height_ratios": [1, 3]})
        t = np.arange(len(traces["v"])) * dt
        axes[0].plot(t, traces["j"], color="C3")
        axes[0].set(ylabel="Current", title=("SLIF" if slif else "LIF") + "-Node: Constant Electrical Input")
        axes[1].plot(t, traces["v"], color="C0")
        axes[1].axhline(thr, color="k", linestyle="--", linewidth=0.8)
        for k in spike_steps(traces["s"]):
            axes[1].vlines(k * dt, thr, thr + (0.1 if slif else 0.5), color="C2")
        axes[1].set(xlabel="Time (ms)" if not slif else "Time (s)", ylabel="Voltage", ylim=(low, high))
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def show(numbers, indent="  ") -> None:
    for key, value in numbers.items():
        if isinstance(value, dict):
            print(f"{indent}{key}:")
            show(value, indent + "  ")
        else:
            print(f"{indent}{key}: {value}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*", help=f"lessons to run (default: all of {', '.join(LESSONS)})")
    parser.add_argument("--out", default=None, help="folder for the figures (default: beside each model)")
    args = parser.parse_args(argv)
    for lesson in args.lessons or list(LESSONS):
        if lesson not in LESSONS:
            parser.error(f"no lesson '{lesson}'; the lessons are {', '.join(LESSONS)}")
        traces, numbers = run(lesson)
        print(lesson)
        show(numbers)
        folder = args.out or os.path.join(HERE, lesson)
        os.makedirs(folder, exist_ok=True)
        try:
            draw(lesson, traces, os.path.join(folder, lesson + ".png"))
        except ImportError:
            print("  (matplotlib is not installed: no figure)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
