"""The systems compared by diff_test.py, each built once for both sides.

Every case sets its weights explicitly (random initializers never matter),
drives its inputs with fixed pseudo-random data (numpy, seeded), and uses
non-round parameter values. Components that draw random numbers
(PoissonCell, BernoulliCell, REINFORCESynapse) are run where the draw cannot
change the result (probabilities <= 0 or >= 1; an action clipped to a
single value); their sampling is checked by statistics in diff_test.py.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from harness import ROOT, Case, Instance, Phase

F32 = np.float32


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def spikes(r, steps, shape, p):
    return (r.random((steps, *shape)) < p).astype(F32)


def uniform(r, lo, hi, shape):
    return r.uniform(lo, hi, shape).astype(F32)


# ngclearn imports are deferred so that this module imports without ngclearn.
def ngc(cls_name: str, **kw):
    def make(name):
        import ngclearn.components as C
        return getattr(C, cls_name)(name, **kw)
    return make


def nf_args(**kw) -> str:
    def lit(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return f'"{v}"'
        if isinstance(v, tuple):
            return "(" + ", ".join(str(x) for x in v) + ")"
        return repr(v)
    return ", ".join(f"{k}={lit(v)}" for k, v in kw.items())


def inst(name, cls_name, nf_only=None, ngc_only=None, **kw):
    """An instance with the same parameters on both sides; nf_only/ngc_only
    add parameters that only one side spells that way."""
    return Instance(name, f"{cls_name}({nf_args(**kw, **(nf_only or {}))})",
                    ngc(cls_name, **kw, **(ngc_only or {})))


# --------------------------------------------------------------------------
# VarTrace


def var_trace(dt, steps=80, **kw):
    r = rng(11)
    params = dict(n_units=5, tau_tr=13.3, a_delta=0.7) | kw
    label = " ".join(f"{k}={v}" for k, v in kw.items())
    return Case(
        name=f"VarTrace {label} dt={dt}".replace("  ", " "), component="VarTrace", dt=dt,
        instances=[inst("tr", "VarTrace", **params)],
        processes={"advance": ["tr.advance_state"], "reset": ["tr.reset"]},
        phases=[Phase(["reset"], record=False),
                Phase(["advance"], steps, drives={"tr.inputs": spikes(r, steps, (1, 5), 0.2)})])


# --------------------------------------------------------------------------
# LIFCell


def lif(dt, steps=None, integration_type="euler", near_zero=False, **kw):
    """near_zero: voltages near 0 mV (v_rest -0.37, thr 2.9), where the
    Euler increment is not small against v, so that how f(v) is rounded
    shows in v itself (around -65 mV it is mostly absorbed by the add)."""
    steps = steps or int(round(25 / dt))
    r = rng(12)
    n = 6
    params = dict(n_units=n, tau_m=30.7, resist_m=1.3, thr=-52.3, v_rest=-65.1, v_reset=-60.4,
                  conduct_leak=0.93, tau_theta=108.3, theta_plus=0.037, refract_time=2.3,
                  integration_type=integration_type)
    if near_zero:
        params |= dict(v_rest=-0.37, thr=2.9, v_reset=-0.21)
    params |= kw
    j = uniform(r, 5.0, 25.0, (steps, 1, n)) * F32(0.2 if near_zero else 1.0)
    return Case(
        name=f"LIFCell {integration_type}{' near 0 mV' if near_zero else ''} dt={dt}", component="LIFCell", dt=dt,
        instances=[inst("z", "LIFCell", **params)],
        processes={"advance": ["z.advance_state"], "reset": ["z.reset"]},
        phases=[Phase(["reset"], record=False), Phase(["advance"], steps, drives={"z.j": j})])


# --------------------------------------------------------------------------
# Poisson and Bernoulli encoders: deterministic probabilities only


def poisson(dt, steps=40):
    r = rng(13)
    n = 8
    # p = inputs * (dt / 1000) * target_freq: 0 never fires, >= 1 always does
    big = 1000.0 / (dt * 63.75) * 1.37
    x = np.where(r.random((steps, 1, n)) < 0.4, big, 0.0).astype(F32)
    return Case(
        name=f"PoissonCell p in {{0, >=1}} dt={dt}", component="PoissonCell", dt=dt,
        instances=[inst("z", "PoissonCell", n_units=n, target_freq=63.75)],
        processes={"advance": ["z.advance_state"], "reset": ["z.reset"]},
        phases=[Phase(["reset"], record=False), Phase(["advance"], steps, t0=0.3, drives={"z.inputs": x})])


def bernoulli(dt, steps=40):
    r = rng(14)
    n = 8
    x = (r.random((steps, 1, n)) < 0.5).astype(F32)
    return Case(
        name=f"BernoulliCell p in {{0, 1}} dt={dt}", component="BernoulliCell", dt=dt,
        instances=[inst("z", "BernoulliCell", n_units=n)],
        processes={"advance": ["z.advance_state"], "reset": ["z.reset"]},
        phases=[Phase(["reset"], record=False), Phase(["advance"], steps, t0=0.3, drives={"z.inputs": x})])


# --------------------------------------------------------------------------
# RewardErrorCell


def reward_error(dt, evolve_every_step, steps=40):
    r = rng(15)
    n = 3
    step = ["advance", "evolve"] if evolve_every_step else ["advance"]
    return Case(
        name=f"RewardErrorCell {'+'.join(step)} dt={dt}", component="RewardErrorCell", dt=dt,
        instances=[inst("r", "RewardErrorCell", n_units=n, alpha=0.33, ema_window_len=11)],
        processes={"advance": ["r.advance_state"], "evolve": ["r.evolve"], "reset": ["r.reset"]},
        phases=[Phase(["reset"], record=False),
                Phase(step, steps, drives={"r.reward": uniform(r, -1.3, 1.7, (steps, 1, n))})])


# --------------------------------------------------------------------------
# Dense and static synapses


def dense(cls_name, shape, batch, dt=1.0, steps=30, **kw):
    r = rng(16)
    w = uniform(r, -0.9, 1.1, shape)
    x = uniform(r, -2.0, 3.0, (steps, batch, shape[0]))
    return Case(
        name=f"{cls_name} {shape} B={batch}", component=cls_name, dt=dt,
        instances=[inst("W", cls_name, shape=shape, batch_size=batch, **kw)],
        processes={"advance": ["W.advance_state"], "reset": ["W.reset"]},
        phases=[Phase(["reset"], sets={"W.weights": w}, record=False),
                Phase(["advance"], steps, drives={"W.inputs": x})])


def sparse_tensor(cls_name, wshape, io, batch=1, steps=25, **kw):
    """A locally connected tensor synapse; wshape and io are ngclearn's
    weights.shape and io_shape for these parameters (the model's own shapes
    must agree, or the run fails). Inputs are graded with zeros among them,
    so that skipped rows and kept rows both occur."""
    r = rng(31)
    w = uniform(r, -0.9, 1.1, wshape)
    x = uniform(r, -2.0, 3.0, (steps, batch, io[0])) * (r.random((steps, batch, io[0])) < 0.6)
    label = " ".join(f"{k}={v}" for k, v in kw.items())
    return Case(
        name=f"{cls_name} {wshape} B={batch} {label}".strip(), component=cls_name, dt=1.0,
        instances=[inst("W", cls_name, batch_size=batch, **kw)],
        processes={"advance": ["W.advance_state"], "reset": ["W.reset"]},
        phases=[Phase(["reset"], sets={"W.weights": w}, record=False),
                Phase(["advance"], steps, drives={"W.inputs": x.astype(F32)})])


# --------------------------------------------------------------------------
# Trace-based STDP and its modulated forms


def stdp_drives(r, steps, n_in, n_out):
    """Spikes and traces as a VarTrace would make them (the traces are
    driven, so that the synapse alone is compared)."""
    pre, post = spikes(r, steps, (1, n_in), 0.15), spikes(r, steps, (1, n_out), 0.15)

    def trace(s):
        z, out = np.zeros(s.shape[1:], F32), []
        for k in range(steps):
            z = (z * F32(0.93) + s[k] * F32(0.61)).astype(F32)
            out.append(z)
        return np.stack(out)
    return {"W.preSpike": pre, "W.postSpike": post, "W.preTrace": trace(pre), "W.postTrace": trace(post)}


def trace_stdp(dt=1.0, steps=60, **kw):
    r = rng(17)
    shape = (4, 3)
    params = dict(shape=shape, A_plus=0.83, A_minus=0.41, eta=0.037, pretrace_target=0.11) | kw
    label = " ".join(f"{k}={v}" for k, v in kw.items())
    return Case(
        name=f"TraceSTDPSynapse {label}".strip(), component="TraceSTDPSynapse", dt=dt,
        instances=[inst("W", "TraceSTDPSynapse", **params)],
        processes={"advance": ["W.advance_state"], "evolve": ["W.evolve"], "reset": ["W.reset"]},
        phases=[Phase(["reset"], sets={"W.weights": uniform(r, 0.05, 0.95, shape)}, record=False),
                Phase(["advance", "evolve"], steps,
                      drives={"W.inputs": spikes(r, steps, (1, 4), 0.3)} | stdp_drives(r, steps, *shape))])


def mstdpet(dt, tau_elg, steps=60, **kw):
    r = rng(18)
    shape = (4, 3)
    params = dict(shape=shape, A_plus=0.83, A_minus=0.41, eta=0.37, pretrace_target=0.11,
                  tau_elg=tau_elg, elg_decay=0.97) | kw
    label = " ".join(f"{k}={v}" for k, v in kw.items())
    drives = stdp_drives(r, steps, *shape)
    drives["W.modulator"] = r.choice([-1.3, 0.0, 0.7, 1.0], (steps, 1, 1)).astype(F32)
    return Case(
        name=f"MSTDPETSynapse tau_elg={tau_elg} {label} dt={dt}".replace("  ", " "), component="MSTDPETSynapse",
        dt=dt,
        instances=[inst("W", "MSTDPETSynapse", **params)],
        processes={"advance": ["W.advance_state"], "evolve": ["W.evolve"], "reset": ["W.reset"]},
        phases=[Phase(["reset"], sets={"W.weights": uniform(r, 0.05, 0.95, shape)}, record=False),
                Phase(["advance", "evolve"], steps, drives=drives)])


# --------------------------------------------------------------------------
# REINFORCE: the action clipped to one value, so the Gaussian draw cannot matter


def reinforce(steps=30, batch=2, act_fx="identity", mu_act_fx="identity", scalar_stddev=-1.0):
    r = rng(19)
    n_in, n_out = 3, 2
    action = 0.37
    params = dict(shape=(n_in, n_out), eta=0.037, decay=0.97, act_fx=act_fx, mu_act_fx=mu_act_fx,
                  w_bound=1.0, batch_size=batch, mu_out_min=action, mu_out_max=action,
                  scalar_stddev=scalar_stddev)
    label = f"act_fx={act_fx} mu_act_fx={mu_act_fx}" + (f" scalar_stddev={scalar_stddev}" if scalar_stddev > 0 else "")
    return Case(
        name=f"REINFORCESynapse B={batch} {label}", component="REINFORCESynapse", dt=1.0,
        instances=[inst("W", "REINFORCESynapse", **params)],
        processes={"evolve": ["W.evolve"]},
        phases=[Phase(["evolve"], steps,
                      sets={"W.weights": uniform(r, 0.02, 0.6, (n_in, 2 * n_out)),
                            "W.learning_mask": np.asarray(1.0, F32)},
                      drives={"W.inputs": uniform(r, -0.5, 1.5, (steps, batch, n_in)),
                              "W.rewards": uniform(r, -1.0, 1.3, (steps, batch))})])


# --------------------------------------------------------------------------
# ngclearn's mod_stdp lesson (docs/tutorials/neurocog/mod_stdp.md), with the
# neurofuse side running examples/mod_stdp/mod_stdp.nf unchanged


def mod_stdp_lesson():
    T, dt = 200, 1.0
    pre_t, post_t = [5., 80., 115., 135.], [10., 70., 110., 140.]
    pre = np.array([[[1.0 if i * dt in pre_t else 0.0]] for i in range(T)], F32)
    post = np.array([[[1.0 if i * dt in post_t else 0.0]] for i in range(T)], F32)
    reward = np.array([[[1.0 if i < T // 2 else -1.0]] for i in range(T)], F32)
    tau, tau_elg, gamma = 20., 25., 0.2

    def dg():
        from ngclearn.utils.distribution_generator import DistributionGenerator
        return DistributionGenerator.constant(value=0.2)

    instances = [
        Instance("W1_stdp", "", lambda n: _ngc("TraceSTDPSynapse")(n, shape=(1, 1), eta=gamma, A_plus=1., A_minus=1.,
                                                                   weight_init=dg())),
        Instance("W1_rstdp", "", lambda n: _ngc("MSTDPETSynapse")(n, shape=(1, 1), eta=gamma, A_plus=1., A_minus=1.,
                                                                  tau_elg=0., weight_init=dg())),
        Instance("W_mstdpet", "", lambda n: _ngc("MSTDPETSynapse")(n, shape=(1, 1), eta=gamma / tau_elg, A_plus=1.,
                                                                   A_minus=1., tau_elg=tau_elg, weight_init=dg())),
        Instance("tr0", "", lambda n: _ngc("VarTrace")(n, n_units=1, tau_tr=tau, a_delta=1.)),
        Instance("tr1", "", lambda n: _ngc("VarTrace")(n, n_units=1, tau_tr=tau, a_delta=1.)),
        Instance("r", "", lambda n: _ngc("RewardErrorCell")(n, n_units=1, alpha=0.)),
    ]
    # The lesson clamps spikes, traces and the reward into the synapses with
    # .set() between advance and evolve; the .nf model wires the same
    # compartments, which reads the same values.
    wires = []
    for w in ("W1_stdp", "W1_rstdp", "W_mstdpet"):
        wires += [("tr0.inputs", f"{w}.preSpike"), ("tr1.inputs", f"{w}.postSpike"),
                  ("tr0.trace", f"{w}.preTrace"), ("tr1.trace", f"{w}.postTrace")]
    wires += [("r.reward", "W1_rstdp.modulator"), ("r.reward", "W_mstdpet.modulator")]
    return Case(
        name="mod_stdp lesson (examples/mod_stdp/mod_stdp.nf)", component="mod_stdp", dt=dt,
        instances=instances, wires=wires, nf_model=ROOT / "examples" / "mod_stdp" / "mod_stdp.nf",
        processes={
            "advance": ["tr0.advance_state", "tr1.advance_state", "r.advance_state", "W1_stdp.advance_state",
                        "W1_rstdp.advance_state", "W_mstdpet.advance_state"],
            "evolve": ["W1_stdp.evolve", "W1_rstdp.evolve", "W_mstdpet.evolve"],
            "reset": ["W1_stdp.reset", "W1_rstdp.reset", "W_mstdpet.reset", "r.reset", "tr0.reset", "tr1.reset"]},
        phases=[Phase(["reset"], record=False),
                Phase(["advance", "evolve"], T,
                      drives={"tr0.inputs": pre, "tr1.inputs": post, "r.reward": reward})])


def mod_stdp_nonround(dt=0.1, T=400):
    """The lesson's system with non-round constants and a wobbling reward."""
    r = rng(20)
    tau, tau_elg, gamma = 13.3, 108.3, 0.23
    pre, post = spikes(r, T, (1, 1), 0.03), spikes(r, T, (1, 1), 0.03)
    reward = np.where(np.arange(T) < T // 2, 1.0, -0.7).astype(F32).reshape(T, 1, 1)
    syn = dict(shape=(1, 1), A_plus=0.83, A_minus=0.41)
    instances = [
        inst("W1_stdp", "TraceSTDPSynapse", eta=gamma, **syn),
        inst("W1_rstdp", "MSTDPETSynapse", eta=gamma, tau_elg=0.0, **syn),
        inst("W_mstdpet", "MSTDPETSynapse", eta=gamma / tau_elg, tau_elg=tau_elg, **syn),
        inst("tr0", "VarTrace", n_units=1, tau_tr=tau, a_delta=0.83),
        inst("tr1", "VarTrace", n_units=1, tau_tr=tau, a_delta=0.41),
        inst("r", "RewardErrorCell", n_units=1, alpha=0.0),
    ]
    wires = []
    for w in ("W1_stdp", "W1_rstdp", "W_mstdpet"):
        wires += [("tr0.inputs", f"{w}.preSpike"), ("tr1.inputs", f"{w}.postSpike"),
                  ("tr0.trace", f"{w}.preTrace"), ("tr1.trace", f"{w}.postTrace")]
    wires += [("r.reward", "W1_rstdp.modulator"), ("r.reward", "W_mstdpet.modulator")]
    w0 = np.full((1, 1), 0.2, F32)
    return Case(
        name=f"mod_stdp system, non-round constants dt={dt}", component="mod_stdp", dt=dt,
        instances=instances, wires=wires,
        processes={
            "advance": ["tr0.advance_state", "tr1.advance_state", "r.advance_state", "W1_stdp.advance_state",
                        "W1_rstdp.advance_state", "W_mstdpet.advance_state"],
            "evolve": ["W1_stdp.evolve", "W1_rstdp.evolve", "W_mstdpet.evolve"],
            "reset": ["W1_stdp.reset", "W1_rstdp.reset", "W_mstdpet.reset", "r.reset", "tr0.reset", "tr1.reset"]},
        phases=[Phase(["reset"], sets={f"{w}.weights": w0 for w in ("W1_stdp", "W1_rstdp", "W_mstdpet")},
                      record=False),
                Phase(["advance", "evolve"], T,
                      drives={"tr0.inputs": pre, "tr1.inputs": post, "r.reward": reward})])


def _ngc(cls_name):
    import ngclearn.components as C
    return getattr(C, cls_name)


# --------------------------------------------------------------------------
# One T-maze window (examples/tmaze/tmaze.nf, ngc-museum's RL-SNN exhibit)


def tmaze_window(window=100):
    """One action of the T-maze agent: reset, `window` ms of forward (advance
    + W2.evolve with the modulator at 0), one reward-modulated evolve at
    t = 101 and W2's column normalization, with the neurofuse side running
    examples/tmaze/tmaze.nf unchanged.

    Made deterministic: the Poisson encoder sees 0 for a dark pixel and an
    intensity at which p = inputs * dt/1000 * 127.5 >= 1 for a lit one (the
    agent's image is 0/1 at 127.5 Hz, which draws), and the NoisyLIF cells
    have eps_scale = 0 as in tmaze.nf. W1 holds the exhibit's sparse +-1
    pattern (six +1 and three -1 per input row, fixed seed), W2 uniform
    [0.01, 0.55) normalized as the exhibit does at construction."""
    from noisy_lif import tmaze_ngclearn_instances
    r = rng(21)
    n_in, n_hid, n_out = 270, 36, 4
    w1 = np.zeros((n_in, n_hid), F32)
    for i in range(n_in):
        cols = r.permutation(n_hid)[:9]
        w1[i, cols[:6]], w1[i, cols[6:]] = 1.0, -1.0
    w2 = uniform(r, 0.01, 0.55, (n_hid, n_out))
    w2 = (w2 * (F32(18.0) / np.maximum(np.abs(w2).sum(axis=0, keepdims=True, dtype=F32), F32(1e-8)))).astype(F32)
    image = np.zeros((1, n_in), F32)
    image[0, r.choice(n_in, 40, replace=False)] = 1.0
    x = image * F32(10.0)  # p = 10 * 1/1000 * 127.5 = 1.275 >= 1
    instances, wires, hooks = tmaze_ngclearn_instances()
    return Case(
        name="T-maze window (examples/tmaze/tmaze.nf)", component="tmaze", dt=1.0,
        instances=instances, wires=wires, nf_model=ROOT / "examples" / "tmaze" / "tmaze.nf", ngc_hooks=hooks,
        processes={
            "forward": ["V1.advance_state", "V2.advance_state", "W1.advance_state", "W2.advance_state",
                        "z0.advance_state", "z1.advance_state", "z2.advance_state", "tr1.advance_state",
                        "tr2.advance_state", "W2.evolve"],
            "evolve": ["W2.evolve"],
            "norm": [],
            "reset": ["V1.reset", "V2.reset", "W1.reset", "W2.reset", "z0.reset", "z1.reset", "z2.reset",
                      "tr1.reset", "tr2.reset"]},
        phases=[Phase(["reset"], sets={"W1.weights": w1, "W2.weights": w2}, record=False),
                Phase(["forward"], window, sets={"z0.inputs": x, "W2.modulator": np.zeros((1, 1), F32)}),
                Phase(["evolve"], 1, t0=101.0, sets={"W2.modulator": np.full((1, 1), -1.0, F32)}),
                Phase(["norm"], 1)])


# --------------------------------------------------------------------------
# Spiking cells with their own ODEs (integrate()): every integration type
# each cell's source offers, off-round parameters, currents that make them
# spike, a reset first (Hodgkin-Huxley's resting gates come from reset).


def ode_cell(cls_name, dt, steps, j_range, seed, n=4, label="", **kw):
    r = rng(seed)
    j = uniform(r, *j_range, (steps, 1, n))
    extra = " ".join(f"{k}={v}" for k, v in kw.items())
    return Case(
        name=f"{cls_name} {extra} dt={dt}{label}".replace("  ", " "), component=cls_name, dt=dt,
        instances=[inst("z", cls_name, n_units=n, **kw)],
        processes={"advance": ["z.advance_state"], "reset": ["z.reset"]},
        phases=[Phase(["reset"], record=False), Phase(["advance"], steps, drives={"z.j": j})])


def izhikevich(dt, integration_type="euler", **kw):
    params = dict(tau_w=47.3, coupling_factor=0.21, v_reset=-63.7, w_reset=7.9, integration_type=integration_type)
    return ode_cell("IzhikevichCell", dt, int(round(30 / dt)), (4.0, 14.0), 21, **(params | kw))


def adex(dt, integration_type="euler", **kw):
    params = dict(tau_m=14.3, resist_m=1.3, tau_w=390.7, a=0.11, b=0.77, integration_type=integration_type)
    return ode_cell("AdExCell", dt, int(round(40 / dt)), (10.0, 40.0), 22, **(params | kw))


def fitzhugh_nagumo(dt, integration_type="euler", **kw):
    params = dict(tau_w=12.3, alpha=0.71, beta=0.79, gamma=3.1, v_thr=1.03, integration_type=integration_type)
    return ode_cell("FitzhughNagumoCell", dt, int(round(40 / dt)), (0.2, 0.9), 23, **(params | kw))


def hodgkin_huxley(dt, integration_type="euler", **kw):
    params = dict(tau_v=1.03, g_Na=99.7, g_K=5.1, g_L=0.31, integration_type=integration_type)
    return ode_cell("HodgkinHuxleyCell", dt, int(round(15 / dt)), (3.0, 12.0), 24, **(params | kw))


def if_cell(dt, integration_type="euler", **kw):
    params = dict(tau_m=9.7, resist_m=1.3, thr=-52.3, refract_time=2.3, integration_type=integration_type)
    return ode_cell("IFCell", dt, int(round(20 / dt)), (5.0, 25.0), 25, **(params | kw))


def quad_lif(dt, integration_type="euler", **kw):
    params = dict(tau_m=9.7, resist_m=1.3, thr=-52.3, v_rest=-65.1, v_reset=-60.4, v_scale=-41.3, critical_v=0.97,
                  tau_theta=108.3, theta_plus=0.037, refract_time=2.3, integration_type=integration_type)
    return ode_cell("QuadLIFCell", dt, int(round(20 / dt)), (5.0, 25.0), 26, **(params | kw))


def slif(dt, **kw):
    params = dict(tau_m=9.7, resist_m=1.3, thr=0.37, thr_jitter=0.0, refract_time=1.3) | kw
    return ode_cell("SLIFCell", dt, int(round(20 / dt)), (0.1, 0.9), 27, **params)


def raf(dt, integration_type="euler", **kw):
    params = dict(tau_v=1.3, tau_w=1.7, thr=0.93, omega=9.7, dampen_factor=-1.1, v_reset=0.07, w_reset=-0.03,
                  integration_type=integration_type) | kw
    return ode_cell("RAFCell", dt, int(round(20 / dt)), (0.0, 9.0), 28, **params)


def wtas(dt, **kw):
    params = dict(tau_m=1.0, resist_m=1.3, thr_base=0.37, thr_gain=0.013, thr_jitter=0.0, refract_time=1.3) | kw
    return ode_cell("WTASCell", dt, int(round(20 / dt)), (0.0, 3.0), 29, n=5, **params)


# --------------------------------------------------------------------------
# Conductance-based synapses (ExponentialSynapse, AlphaSynapse,
# DoubleExpSynapse): pre-synaptic spikes into inputs, a graded post-synaptic
# voltage into v, weights set explicitly (is_nonplastic=False) or the ones
# that is_nonplastic=True makes (then weights are compared as initialized).


def _with_resist_scale(cls_name, **kw):
    """ngclearn 3.2.3's AlphaSynapse and DoubleExpSynapse read
    self.resist_scale, which no constructor sets (the compile of their
    advance_state fails with AttributeError): the reference is given the
    attribute, set to g_conduct_factor, which is what the code means."""
    def make(name):
        import ngclearn.components as C
        c = getattr(C, cls_name)(name, **kw)
        c.resist_scale = kw.get("g_conduct_factor", kw.get("resist_scale", 1.0))
        return c
    return make


def conductance_synapse(cls_name, dt=1.0, steps=60, set_weights=True, **kw):
    r = rng(40)
    shape = (5, 3)
    params = dict(shape=shape, tau_decay=13.7, g_syn_bar=0.61, syn_rest=-0.37, g_conduct_factor=1.13,
                  is_nonplastic=not set_weights) | kw
    if "resist_scale" in kw:  # the deprecated name, on both sides
        del params["g_conduct_factor"]
    label = " ".join(f"{k}={v}" for k, v in kw.items())
    i = inst("W", cls_name, **params)
    if cls_name != "ExponentialSynapse":
        i.ngc = _with_resist_scale(cls_name, **params)
    sets = {"W.weights": uniform(r, 0.05, 1.3, shape)} if set_weights else {}
    return Case(
        name=f"{cls_name} {label} dt={dt}{'' if set_weights else ' initial weights'}".replace("  ", " "),
        component=cls_name, dt=dt,
        instances=[i],
        processes={"advance": ["W.advance_state"], "reset": ["W.reset"]},
        phases=[Phase(["reset"], sets=sets, record=False),
                Phase(["advance"], steps, drives={"W.inputs": spikes(r, steps, (1, shape[0]), 0.2),
                                                  "W.v": uniform(r, -71.3, 12.9, (steps, 1, shape[1]))}),
                Phase(["reset"]),
                Phase(["advance"], 10, t0=steps * dt, drives={"W.inputs": spikes(r, 10, (1, shape[0]), 0.3),
                                                              "W.v": uniform(r, -71.3, 12.9, (10, 1, shape[1]))})])


# --------------------------------------------------------------------------
# STPDenseSynapse: ngclearn's code runs for batch 1 with n_in = n_out or
# n_in = 1 only (stdlib/STPDenseSynapse.nf). Weights and resources set; the
# mid-run reset is not recorded (ngclearn's u and x are [1, n_in] right after
# a reset, [n_in, n_out] after a step).


def stp(shape=(4, 4), dt=1.0, steps=60, graded=False, **kw):
    r = rng(41)
    params = dict(shape=shape, tau_f=731.3, tau_d=47.9, g_conduct_factor=0.87) | kw
    label = " ".join(f"{k}={v}" for k, v in kw.items())
    n_in = shape[0]

    def drive(n):
        return uniform(r, 0.0, 1.3, (n, 1, n_in)) if graded else spikes(r, n, (1, n_in), 0.3)
    sets = {"W.weights": uniform(r, 0.05, 1.3, shape), "W.resources": uniform(r, 0.1, 0.6, shape)}
    return Case(
        name=f"STPDenseSynapse {shape} {label} dt={dt}{' graded' if graded else ''}".replace("  ", " "),
        component="STPDenseSynapse", dt=dt,
        instances=[inst("W", "STPDenseSynapse", **params)],
        processes={"advance": ["W.advance_state"], "reset": ["W.reset"]},
        phases=[Phase(["reset"], sets=sets, record=False),
                Phase(["advance"], steps, drives={"W.inputs": drive(steps)}),
                Phase(["reset"], record=False),
                Phase(["advance"], 10, t0=steps * dt, drives={"W.inputs": drive(10)})])


# --------------------------------------------------------------------------
# ExpKernel: spike trains (and graded inputs once), t from t0 > 0 and from 0
# (a spike at t = 0 is stored as time 0, which the kernel skips).


def exp_kernel(dt, steps=80, t0=0.3, graded=False, batch=1, **kw):
    r = rng(42)
    n = 4
    params = dict(n_units=n, dt=dt, tau_w=13.7, nu=2.3, batch_size=batch) | kw
    label = " ".join(f"{k}={v}" for k, v in kw.items())

    def drive(k):
        return uniform(r, 0.0, 1.3, (k, batch, n)) if graded else spikes(r, k, (batch, n), 0.25)
    return Case(
        name=f"ExpKernel {label} dt={dt} t0={t0} B={batch}{' graded' if graded else ''}".replace("  ", " "),
        component="ExpKernel", dt=dt,
        instances=[inst("k", "ExpKernel", **params)],
        processes={"advance": ["k.advance_state"], "reset": ["k.reset"]},
        phases=[Phase(["reset"], record=False),
                Phase(["advance"], steps, t0=t0, drives={"k.inputs": drive(steps)}),
                Phase(["reset"], record=False),
                Phase(["advance"], 20, t0=0.0, drives={"k.inputs": drive(20)})])


# The calls for all_cases() (paste the list into it, or extend it with
# SNIPPET_CASES()).
def dynamic_synapse_cases():
    return [
        conductance_synapse("ExponentialSynapse"), conductance_synapse("ExponentialSynapse", dt=0.1),
        conductance_synapse("ExponentialSynapse", syn_rest=None),
        conductance_synapse("ExponentialSynapse", set_weights=False),
        conductance_synapse("AlphaSynapse"), conductance_synapse("AlphaSynapse", dt=0.1),
        conductance_synapse("AlphaSynapse", syn_rest=None), conductance_synapse("AlphaSynapse", resist_scale=0.87),
        conductance_synapse("AlphaSynapse", set_weights=False, g_conduct_factor=1.0),
        conductance_synapse("DoubleExpSynapse", tau_rise=3.1), conductance_synapse("DoubleExpSynapse", dt=0.1, tau_rise=3.1),
        conductance_synapse("DoubleExpSynapse", tau_rise=0.9, tau_decay=23.9, syn_rest=None),
        conductance_synapse("DoubleExpSynapse", set_weights=False, tau_rise=3.1),
        stp(), stp(dt=0.1), stp(graded=True), stp((1, 3)), stp((1, 1), graded=True),
        stp(tau_f=0.0), stp(tau_d=0.0), stp(tau_f=0.0, tau_d=0.0), stp(tau_f=7.3, tau_d=3.9),
        exp_kernel(1.0), exp_kernel(0.1), exp_kernel(0.1, nu=4.0, tau_w=500.0), exp_kernel(0.1, batch=2),
        exp_kernel(0.7, graded=True), exp_kernel(1.0, nu=0.9), exp_kernel(1.0, nu=1.3), exp_kernel(0.1, nu=0.3),
    ]


# --------------------------------------------------------------------------
# Graded cells: RateCell (every prior, stepper and threshold ngclearn offers,
# stateful and stateless) and the error cells. Inputs are driven every step
# unless a case says otherwise.


def rate_cell(dt, steps=None, batch=2, prior=("gaussian", 0.0), threshold=None, drive_j=True, label="", **kw):
    """prior/threshold: ngclearn's (name, lambda) tuples; the .nf side spells
    them prior/prior_lambda and threshold/threshold_lambda. drive_j=False sets
    j once: ngclearn writes j * dfx(z) * resist_scale back into j every step,
    so the input compounds."""
    steps = steps or int(round(12 / dt))
    r = rng(41)
    n = 5
    params = dict(n_units=n, tau_m=13.7, batch_size=batch, resist_scale=0.87, output_scale=1.3) | kw
    nf_only = {"prior": prior[0], "prior_lambda": prior[1]}
    ngc_only = {"prior": prior}
    if threshold is not None:
        nf_only |= {"threshold": threshold[0], "threshold_lambda": threshold[1]}
        ngc_only |= {"threshold": threshold}
    j = uniform(r, -1.7, 2.3, (steps, batch, n))
    j_td = uniform(r, -0.9, 0.8, (steps, batch, n))
    drives = {"z.j_td": j_td} | ({"z.j": j} if drive_j else {})
    sets = {} if drive_j else {"z.j": uniform(r, 0.4, 1.9, (batch, n))}
    extra = " ".join(f"{k}={v}" for k, v in kw.items())
    name = f"RateCell prior={prior[0]},{prior[1]}" + (f" threshold={threshold[0]},{threshold[1]}" if threshold else "")
    return Case(
        name=f"{name} {extra} B={batch} dt={dt}{label}".replace("  ", " "), component="RateCell", dt=dt,
        instances=[inst("z", "RateCell", nf_only=nf_only, ngc_only=ngc_only, **params)],
        processes={"advance": ["z.advance_state"], "reset": ["z.reset"]},
        phases=[Phase(["reset"], record=False), Phase(["advance"], steps, sets=sets, drives=drives)])


def rate_cell_cauchy_threshold(dt=1.0):
    """ngclearn 3.2.3's threshold_cauchy cannot run (it calls jnp.maximum with
    one argument: jnp.sqrt(jnp.maximum(jnp.square(x) - lmbda), 0.)); the
    reference is that function with the parenthesis where it belongs."""
    c = rate_cell(dt, prior=("gaussian", 0.21), threshold=("cauchy_threshold", 0.011), act_fx="tanh")
    make = c.instances[0].ngc

    def make_fixed(name):
        import jax
        import jax.numpy as jnp
        import ngclearn.components.neurons.graded.rateCell as rc

        @jax.jit
        def threshold_cauchy(x, lmbda):  # model_utils.threshold_cauchy, fixed
            inner_term = jnp.sqrt(jnp.maximum(jnp.square(x) - lmbda, 0.))
            f = (x + inner_term) * 0.5
            g = (x - inner_term) * 0.5
            term1 = f * (x >= lmbda).astype(jnp.float32)
            term2 = g * (x <= -lmbda).astype(jnp.float32)
            return term1 + term2
        rc.threshold_cauchy = threshold_cauchy
        return make(name)
    c.instances[0].ngc = make_fixed
    c.name += " (ngclearn's threshold_cauchy fixed)"
    return c


def rate_cell_cases():
    return [
        rate_cell_cauchy_threshold(),
        rate_cell(1.0),
        rate_cell(0.1, prior=("gaussian", 0.37), act_fx="tanh", integration_type="midpoint"),
        rate_cell(0.7, prior=("laplacian", 0.13), act_fx="relu", integration_type="rk2"),
        rate_cell(0.7, prior=("cauchy", 0.41), act_fx="tanh", integration_type="heun"),   # RK4 in ngclearn
        rate_cell(1.0, prior=("exp", 0.29), act_fx="lrelu", integration_type="rk4"),      # Euler in ngclearn
        rate_cell(0.3, prior=("exp", 0.29), act_fx="sigmoid", integration_type="rk2_heun"),
        rate_cell(1.0, prior=("laplacian", 0.13), integration_type="ralston", batch=1),   # Euler in ngclearn
        rate_cell(1.0, prior=("gaussian", 0.21), threshold=("soft_threshold", 0.037), act_fx="tanh"),
        rate_cell(0.5, prior=("gaussian", 0.21), act_fx="tanh", drive_j=False, label=" j set once"),
        rate_cell(1.0, tau_m=0.0, act_fx="tanh", label=" stateless"),
        rate_cell(1.0, is_stateful=False, act_fx="relu6", label=" stateless"),
    ]



def error_cell(cls_name, pred, steps=8, batch=2, n=5, phases=3, drive_modulator=True, sets=None, drives=None,
               label="", target_fn=None, **kw):
    """An error cell driven by a prediction `pred` and a target for `phases`
    phases of `steps` steps; each phase first sets a 0/1 mask, which
    ngclearn's error cells apply to one step only (advance_state sets the
    mask back to ones)."""
    r = rng(42)
    params = dict(n_units=n, batch_size=batch) | kw
    ph = [Phase(["reset"], record=False)]
    for k in range(phases):
        d = {f"e.{pred}": uniform(r, -1.1, 1.4, (steps, batch, n)),
             "e.target": (target_fn(r, (steps, batch, n)) if target_fn else uniform(r, -1.3, 1.2, (steps, batch, n)))}
        if drive_modulator:
            d["e.modulator"] = uniform(r, 0.3, 1.7, (steps, batch, n))
        d |= {key: v(r, steps) for key, v in (drives or {}).items()}
        s = {"e.mask": (r.random((batch, n)) < 0.6).astype(F32)} | {key: v(r) for key, v in (sets or {}).items()}
        ph.append(Phase(["advance"], steps, sets=s, drives=d))
    extra = " ".join(f"{k}={v}" for k, v in kw.items())
    return Case(
        name=f"{cls_name} {extra} B={batch} n={n}{label}".replace("  ", " "), component=cls_name, dt=1.0,
        instances=[inst("e", cls_name, **params)],
        processes={"advance": ["e.advance_state"], "reset": ["e.reset"]},
        phases=ph)


def gaussian_error_cases():
    return [
        error_cell("GaussianErrorCell", "mu"),
        error_cell("GaussianErrorCell", "mu", batch=1, n=3, sigma=0.61),
        error_cell("GaussianErrorCell", "mu", sigma=1.37, drive_modulator=False,
                           sets={"e.Sigma": lambda r: np.full((1, 1), 0.83, F32)}, label=" Sigma set"),
        error_cell("GaussianErrorCell", "mu", n=4, phases=1, steps=20,
                           drives={"e.Sigma": lambda r, s: uniform(r, 0.4, 2.9, (s, 1, 1))}, label=" Sigma driven"),
    ]



def _ties(r, shape):
    """Targets that often equal the prediction's grid, so that sign(target -
    shift) is 0 as well as +-1 (the Laplacian loss counts the mismatches)."""
    return (r.integers(-2, 3, shape) * 0.5).astype(F32)


def laplacian_error_cases():
    return [
        error_cell("LaplacianErrorCell", "shift"),
        error_cell("LaplacianErrorCell", "shift", batch=1, n=3, scale=0.61),
        error_cell("LaplacianErrorCell", "shift", scale=1.37, drive_modulator=False,
                           sets={"e.Scale": lambda r: np.full((1, 1), 0.83, F32)}, label=" Scale set"),
        error_cell("LaplacianErrorCell", "shift", n=4, phases=1, steps=20,
                           drives={"e.Scale": lambda r, s: uniform(r, 0.4, 2.9, (s, 1, 1)),
                                   "e.shift": lambda r, s: (r.integers(-2, 3, (s, 2, 4)) * 0.5).astype(F32)},
                           target_fn=_ties, label=" Scale driven, ties"),
    ]



def _binary(r, shape):
    return (r.random(shape) < 0.5).astype(F32)


def _soft(r, shape):
    """Targets in [0, 1] with exact 0s and 1s."""
    return np.clip(r.uniform(-0.3, 1.3, shape), 0.0, 1.0).astype(F32)


def bernoulli_error_cases():
    return [
        # p a probability, some outside [1e-4, 1 - 1e-4] (clipped)
        error_cell("BernoulliErrorCell", "p", target_fn=_binary,
                           drives={"e.p": lambda r, s: np.clip(r.uniform(-0.05, 1.05, (s, 2, 5)), -0.01, 1.01).astype(F32)}),
        error_cell("BernoulliErrorCell", "p", batch=1, n=3, target_fn=_soft,
                           drives={"e.p": lambda r, s: uniform(r, 0.02, 0.97, (s, 1, 3))}),
        error_cell("BernoulliErrorCell", "p", target_fn=_binary, input_logits=True,
                           drives={"e.p": lambda r, s: uniform(r, -12.0, 12.0, (s, 2, 5))}),
        error_cell("BernoulliErrorCell", "p", batch=1, n=4, target_fn=_soft, input_logits=True,
                           drive_modulator=False),
    ]



def leaky_noise(dt, steps=None, batch=2, **kw):
    """sigma_pre = sigma_post = 0: the Gaussian draw is multiplied by 0, so
    its bits (JAX's threefry vs neurofuse's streams) cannot matter."""
    steps = steps or int(round(15 / dt))
    r = rng(43)
    n = 5
    params = dict(n_units=n, tau_x=7.3, batch_size=batch, sigma_pre=0.0, sigma_post=0.0, leak_scale=0.91) | kw
    extra = " ".join(f"{k}={v}" for k, v in kw.items())
    return Case(
        name=f"LeakyNoiseCell {extra} B={batch} dt={dt}".replace("  ", " "), component="LeakyNoiseCell", dt=dt,
        instances=[inst("z", "LeakyNoiseCell", **params)],
        processes={"advance": ["z.advance_state"], "reset": ["z.reset"]},
        phases=[Phase(["reset"], record=False),
                Phase(["advance"], steps, drives={"z.j_input": uniform(r, -1.9, 2.3, (steps, batch, n)),
                                                  "z.j_recurrent": uniform(r, -0.7, 0.9, (steps, batch, n))})])


def leaky_noise_cases():
    return [
        leaky_noise(1.0),
        leaky_noise(0.1, integration_type="midpoint", act_fx="tanh"),
        leaky_noise(0.7, integration_type="heun", batch=1),     # RK4 in ngclearn
        leaky_noise(0.3, act_fx="sigmoid", leak_scale=1.07),
    ]



# --------------------------------------------------------------------------
# Input encoders with deterministic outputs: LatencyCell, TTFSCell, PhasorCell


def encoder_patterns(cls_name, patterns, steps, dt=1.0, calc=True, label="", skip=(), **kw):
    """Each pattern: reset, set the inputs (and, for LatencyCell, compute the
    target spike times), then `steps` steps of advance_state from t = 0."""
    batch, n = patterns[0].shape
    params = dict(n_units=n, batch_size=batch) | kw
    ph = []
    for x in patterns:
        ph.append(Phase(["reset"], record=False))
        if calc:
            ph.append(Phase(["calc"], 1, sets={"z.inputs": x}))
            ph.append(Phase(["advance"], steps))
        else:
            ph.append(Phase(["advance"], steps, sets={"z.inputs": x}))
    extra = " ".join(f"{k}={v}" for k, v in kw.items())
    procs = {"advance": ["z.advance_state"], "reset": ["z.reset"]}
    if calc:
        procs["calc"] = ["z.calc_spike_times"]
    return Case(
        name=f"{cls_name} {extra} B={batch} dt={dt}{label}".replace("  ", " "), component=cls_name, dt=dt,
        instances=[inst("z", cls_name, **params)], processes=procs, phases=ph, skip=set(skip))


def _latency_patterns(seed, batch=2, n=6, k=3):
    r = rng(seed)
    out = [uniform(r, -0.1, 1.2, (batch, n)) for _ in range(k)]
    # exact values whose linear spike times (tau 2, first spike 1) fall on
    # halves: jnp.round's ties to even decide them
    out.append(np.array([[0.0, 0.25, 0.5, 0.75, 1.0, 0.125], [0.375, 0.625, 0.875, 0.005, 1.5, -0.5]],
                        F32)[:batch, :n])
    return out


def latency_cases():
    return [
        encoder_patterns("LatencyCell", _latency_patterns(44), 8, linearize=True, tau=2.0, first_spike_time=1.0),
        encoder_patterns("LatencyCell", _latency_patterns(45), 30, dt=0.5, linearize=True, tau=13.7,
                                 threshold=0.07, first_spike_time=0.6, clip_spikes=True),
        encoder_patterns("LatencyCell", _latency_patterns(46), 25, linearize=True, normalize=True,
                                 num_steps=21.3, first_spike_time=1.3, threshold=0.13),
        # logarithmic: num_steps is the clamp margin (ngclearn's argument slip)
        encoder_patterns("LatencyCell", _latency_patterns(47), 20, tau=7.9, threshold=0.11, num_steps=0.23),
        encoder_patterns("LatencyCell", _latency_patterns(48), 12, dt=0.7, tau=3.3, threshold=0.05,
                                 num_steps=0.5, first_spike_time=0.4, clip_spikes=True, normalize=True),
        encoder_patterns("LatencyCell", _latency_patterns(49), 6),  # defaults: every input <= 1.01 clamps
    ]



def _ttfs_patterns(seed, batch=2, n=6, k=3, lo=-0.2, hi=1.2):
    r = rng(seed)
    return [uniform(r, lo, hi, (batch, n)) for _ in range(k)]


def ttfs_cases():
    return [
        encoder_patterns("TTFSCell", _ttfs_patterns(50), 25, calc=False, num_steps=23, tau_ref=3),
        encoder_patterns("TTFSCell", _ttfs_patterns(51), 40, dt=0.5, calc=False, num_steps=37),
        encoder_patterns("TTFSCell", _ttfs_patterns(52), 25, calc=False, num_steps=23,
                                 latency_mode="logarithmic"),
        # every input >= 0.01: the map divides by -log(0.01)
        encoder_patterns("TTFSCell", _ttfs_patterns(53, lo=0.013, hi=0.97), 31, dt=0.3, calc=False,
                                 num_steps=29, latency_mode="logarithmic", label=" inputs >= 0.01"),
    ]



def phasor_cases():
    return [
        # inputs 0: the jittered angle update is multiplied by 0, so the draw
        # cannot matter; nothing fires
        encoder_patterns("PhasorCell", [np.zeros((2, 5), F32)], 20, calc=False, target_freq=71.3,
                                 label=" inputs 0"),
        # disable_phasor: outputs = inputs; the angles advance by a random
        # amount (not compared)
        encoder_patterns("PhasorCell", [(rng(54).random((2, 5)) < 0.5).astype(F32) for _ in range(3)], 7,
                                 dt=0.7, calc=False, target_freq=71.3, disable_phasor=True, skip=("z.angles",)),
    ]


# In all_cases():
#     *rate_cell_cases(), *gaussian_error_cases(), *laplacian_error_cases(), *bernoulli_error_cases(),
#     *leaky_noise_cases(), *latency_cases(), *ttfs_cases(), *phasor_cases(),
def graded_and_encoder_cases():
    return [*rate_cell_cases(), *gaussian_error_cases(), *laplacian_error_cases(), *bernoulli_error_cases(),
            *leaky_noise_cases(), *latency_cases(), *ttfs_cases(), *phasor_cases()]


# --------------------------------------------------------------------------
# HebbianSynapse: every optimizer (sgd, adam, nag) and every prior; pre and
# post driven with rates, weights (and biases) set.


def rerun(case: Case, steps=20) -> Case:
    """Appends a reset (not recorded) and `steps` more steps of the last
    phase's processes and drives: what reset leaves (thresholds, optimizer
    state, eta, weights) carries on."""
    last = case.phases[-1]
    case.phases += [Phase(["reset"], record=False),
                    Phase(last.step, steps, t0=last.t0, drives={k: v[:steps] for k, v in last.drives.items()})]
    case.name += " +reset"
    return case


class NfText:
    """A neurofuse argument written as is (an initializer: constant(0.0))."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def _bias_init(shape, key):
    """An ngclearn bias initializer (the biases are set by the case anyway)."""
    import jax.numpy as jnp
    return jnp.zeros(shape, jnp.float32)


def _opt_view(inst_name, part, idx):
    """A leaf of ngclearn's opt_params tuple: adam (g1, g2, t), nag (phi, t)."""
    def view(comps):
        return comps[inst_name].opt_params.get()[part][idx]
    return view


def hebbian(optim_type="sgd", steps=40, batch=1, biases=True, prior=None, w_decay=0.0, process="evolve", hollow=False,
            **kw):
    r = rng(41)
    shape = (4, 3)
    params = dict(shape=shape, eta=0.037, sign_value=-1.0, optim_type=optim_type, batch_size=batch) | kw
    nf_only, ngc_only = {}, {}
    if prior is not None:
        nf_only |= dict(prior_type=prior[0])
        if isinstance(prior[1], tuple):
            nf_only |= dict(prior_lmbda=prior[1][0], l1_ratio=prior[1][1])
        else:
            nf_only |= dict(prior_lmbda=prior[1])
        ngc_only["prior"] = prior
    if w_decay > 0:  # ngclearn's w_decay argument cannot run; its intent is prior=("l2", w_decay)
        nf_only["w_decay"] = w_decay
        ngc_only["prior"] = ("l2", w_decay)
    if biases:
        ngc_only["bias_init"] = _bias_init
        nf_only["bias_init"] = NfText("constant(0.0)")
    if hollow:  # ngclearn's mask array; here mask_init
        ngc_only["mask"] = (1.0 - np.eye(*shape)).astype(F32)
        nf_only["mask_init"] = NfText("constant(1, hollow=true)")
    instance = inst("W", "HebbianSynapse", nf_only=nf_only, ngc_only=ngc_only, **params)
    views = {}
    names = {"adam": ["g1", "g2"], "nag": ["phi"]}.get(optim_type, [])
    for part, base in enumerate(names):
        views[f"W.{base}_weights"] = _opt_view("W", part, 0)
        if biases:
            views[f"W.{base}_biases"] = _opt_view("W", part, 1)
    if names:
        views["W.opt_params"] = (lambda comps: comps["W"].opt_params.get()[-1])
    sets = {"W.weights": uniform(r, -0.6, 0.7, shape)}
    if biases:
        sets["W.biases"] = uniform(r, -0.2, 0.3, (1, shape[1]))
    label = " ".join(f"{k}={v}" for k, v in (kw | ({"prior": prior} if prior else {})
                                              | ({"w_decay": w_decay} if w_decay else {})
                                              | ({"mask": "hollow"} if hollow else {})).items())
    return Case(
        name=f"HebbianSynapse {optim_type} B={batch}{'' if biases else ' no bias'} {process} {label}".strip(),
        component="HebbianSynapse", dt=1.0,
        instances=[instance],
        processes={"advance": ["W.advance_state"], process: [f"W.{process}"], "reset": ["W.reset"]},
        ngc_views=views,
        phases=[Phase(["reset"], sets=sets, record=False),
                Phase(["advance", process], steps,
                      drives={"W.inputs": uniform(r, -0.5, 1.5, (steps, batch, shape[0])),
                              "W.pre": uniform(r, -0.3, 1.2, (steps, batch, shape[0])),
                              "W.post": uniform(r, -0.4, 1.1, (steps, batch, shape[1]))})])


def hebbian_cases() -> list[Case]:
    return [
        hebbian("sgd"),
        hebbian("sgd", biases=False, is_nonnegative=True, w_bound=0.93, pre_wght=0.77, post_wght=1.3,
                prior=("l2", 0.013)),
        hebbian("sgd", prior=("l1", 0.0071), w_bound=0.0),
        hebbian("sgd", prior=("elastic_net", (0.013, 0.37)), w_bound=1.7),
        hebbian("sgd", prior=("gaussian", 0.013), sign_value=1.0, eta=-0.037),
        hebbian("sgd", w_decay=0.013),
        hebbian("sgd", process="calc_update"),
        hebbian("adam", eta=0.0137),
        hebbian("adam", biases=False, eta=0.0137, is_nonnegative=True, w_bound=0.93, prior=("lasso", 0.0071)),
        hebbian("adam", eta=0.0137, steps=200, w_bound=0.0, prior=("l1l2", (0.013, 0.37))),
        hebbian("nag", eta=0.0137),
        hebbian("nag", biases=False, eta=0.0137, w_bound=0.0),
        hebbian("sgd", batch=2), hebbian("adam", batch=3, eta=0.0137),
        hebbian("sgd", hollow=True, w_bound=0.0), rerun(hebbian("adam", eta=0.0137, hollow=True)),
        rerun(hebbian("nag", eta=0.0137)),
    ]


# --------------------------------------------------------------------------
# Spike-timing STDP on times of last spike (STDPSynapse, EventSTDPSynapse)


def tols_drive(s, t0, dt):
    """Times of last spike, as a cell's tols would hold them: t_k (float32 of
    t0 + k * dt in binary64) where s spikes at step k, else the previous."""
    z, out = np.zeros(s.shape[1:], F32), []
    for k in range(s.shape[0]):
        z = np.where(s[k] > 0, F32(t0 + k * dt), z).astype(F32)
        out.append(z)
    return np.stack(out)


def _stdp_ngc(**kw):
    """ngclearn 3.2.3's STDPSynapse cannot be constructed: its __init__ reads
    an undefined name tau_plus (the signature spells it au_plus) and
    Compartment.value, which ngcsimlib 3 no longer has. For the construction
    only, the module gets tau_plus as a global and Compartment a read-only
    `value` (its get()), so that the code runs as written with the intended
    time constant."""
    def make(name):
        import sys
        import ngclearn.components  # noqa: F401
        from ngcsimlib.compartment import Compartment
        mod = sys.modules["ngclearn.components.synapses.hebbian.STDPSynapse"]
        args = dict(kw)
        mod.tau_plus = args.pop("tau_plus", 10.0)
        Compartment.value = property(lambda c: c.get())
        try:
            return mod.STDPSynapse(name, au_plus=mod.tau_plus, **args)
        finally:
            del mod.tau_plus
            del Compartment.value
    return make


def stdp(dt=1.0, steps=80, t0=0.0, **kw):
    r = rng(42)
    shape = (4, 3)
    params = dict(shape=shape, A_plus=0.83, A_minus=0.41, tau_plus=13.7, tau_minus=7.3, eta=0.037) | kw
    pre, post = spikes(r, steps, (1, 4), 0.15), spikes(r, steps, (1, 3), 0.15)
    label = " ".join(f"{k}={v}" for k, v in kw.items())
    return Case(
        name=f"STDPSynapse {label} dt={dt}".replace("  ", " "), component="STDPSynapse", dt=dt,
        instances=[Instance("W", f"STDPSynapse({nf_args(**params)})", _stdp_ngc(**params))],
        processes={"advance": ["W.advance_state"], "evolve": ["W.evolve"], "reset": ["W.reset"]},
        phases=[Phase(["reset"], sets={"W.weights": uniform(r, 0.05, 0.95, shape)}, record=False),
                Phase(["advance", "evolve"], steps, t0=t0,
                      drives={"W.inputs": spikes(r, steps, (1, 4), 0.3), "W.preSpike": pre, "W.postSpike": post,
                              "W.pre_tols": tols_drive(pre, t0, dt), "W.post_tols": tols_drive(post, t0, dt)})])


def stdp_cases() -> list[Case]:
    return [
        stdp(), stdp(0.1, t0=0.3), stdp(w_decay=0.0071), stdp(tau_w=47.3), stdp(0.1, tau_w=47.3, A_minus=0.0),
        rerun(stdp(w_bound=0.83, eta=0.37)),
    ]


# --------------------------------------------------------------------------
# Trace-based STDP with exponential weight dependence


def exp_stdp(steps=80, hollow=False, **kw):
    r = rng(43)
    shape = (4, 3)
    params = dict(shape=shape, A_plus=0.83, A_minus=0.41, exp_beta=1.3, eta=0.037, pretrace_target=0.11) | kw
    nf_only, ngc_only = {}, {}
    w = uniform(r, 0.05, 0.95, shape)
    if hollow:
        mask = (1.0 - np.eye(*shape)).astype(F32)
        w = w * mask
        ngc_only["weight_mask"] = mask
        nf_only["weight_mask"] = NfText("constant(1, hollow=true)")
    instance = inst("W", "ExpSTDPSynapse", nf_only=nf_only, ngc_only=ngc_only, **params)
    label = " ".join([f"{k}={v}" for k, v in kw.items()] + (["weight_mask=hollow"] if hollow else []))
    return Case(
        name=f"ExpSTDPSynapse {label}".strip(), component="ExpSTDPSynapse", dt=1.0,
        instances=[instance],
        processes={"advance": ["W.advance_state"], "evolve": ["W.evolve"], "reset": ["W.reset"]},
        phases=[Phase(["reset"], sets={"W.weights": w}, record=False),
                Phase(["advance", "evolve"], steps,
                      drives={"W.inputs": spikes(r, steps, (1, 4), 0.3)} | stdp_drives(r, steps, *shape))])


def exp_stdp_cases() -> list[Case]:
    return [
        exp_stdp(), exp_stdp(A_minus=0.0, eta=0.37), exp_stdp(hollow=True), exp_stdp(w_bound=0.83, exp_beta=2.9),
        rerun(exp_stdp(tau_w=7.7)),
    ]


def event_stdp(dt=1.0, steps=80, t0=0.0, **kw):
    r = rng(44)
    shape = (5, 3)
    params = dict(shape=shape, eta=0.037, lmbda=0.013, A_plus=0.83, A_minus=0.41) | kw
    pre = spikes(r, steps, (1, 5), 0.2)
    label = " ".join(f"{k}={v}" for k, v in kw.items())
    return Case(
        name=f"EventSTDPSynapse {label} dt={dt}".replace("  ", " "), component="EventSTDPSynapse", dt=dt,
        instances=[inst("W", "EventSTDPSynapse", **params)],
        processes={"advance": ["W.advance_state"], "evolve": ["W.evolve"], "reset": ["W.reset"]},
        phases=[Phase(["reset"], sets={"W.weights": uniform(r, 0.05, 0.95, shape)}, record=False),
                Phase(["advance", "evolve"], steps, t0=t0,
                      drives={"W.inputs": spikes(r, steps, (1, 5), 0.3), "W.pre_tols": tols_drive(pre, t0, dt),
                              "W.postSpike": spikes(r, steps, (1, 3), 0.3)})])


def event_stdp_cases() -> list[Case]:
    return [
        event_stdp(), event_stdp(presyn_win_len=0.0), event_stdp(0.1, t0=0.3, presyn_win_len=0.37),
        rerun(event_stdp(0.1, t0=0.3, presyn_win_len=0.0, w_bound=0.83)),
    ]


# --------------------------------------------------------------------------
# BCM: rates driven, the threshold starting positive or at ngclearn's -1


def bcm(dt=1.0, steps=80, batch=1, **kw):
    r = rng(45)
    shape = (4, 3)
    params = dict(shape=shape, tau_w=13.7, tau_theta=47.3, theta0=0.23, batch_size=batch) | kw
    label = " ".join(f"{k}={v}" for k, v in kw.items())
    return Case(
        name=f"BCMSynapse B={batch} {label} dt={dt}".replace("  ", " "), component="BCMSynapse", dt=dt,
        instances=[inst("W", "BCMSynapse", **params)],
        processes={"advance": ["W.advance_state"], "evolve": ["W.evolve"], "reset": ["W.reset"]},
        phases=[Phase(["reset"], sets={"W.weights": uniform(r, -0.3, 0.6, shape)}, record=False),
                Phase(["advance", "evolve"], steps,
                      drives={"W.inputs": uniform(r, -0.5, 1.5, (steps, batch, 4)),
                              "W.pre": uniform(r, 0.0, 1.3, (steps, batch, 4)),
                              "W.post": uniform(r, 0.0, 0.9, (steps, batch, 3))})])


def bcm_cases() -> list[Case]:
    return [
        bcm(), bcm(0.1, w_bound=0.93, w_decay=0.037), bcm(theta0=-1.0), bcm(0.1, w_bound=1.7),
        rerun(bcm(batch=2)), bcm(batch=3, w_bound=0.93),
    ]


# --------------------------------------------------------------------------


def all_cases() -> list[Case]:
    cases = [
        var_trace(0.1), var_trace(1.0),
        var_trace(0.1, decay_type="lin"), var_trace(1.0, decay_type="exp_fast"),
        var_trace(0.7, tau_tr=2.9), var_trace(0.7, tau_tr=2.9, decay_type="lin"),
        var_trace(0.1, a_delta=0.0, P_scale=0.87),
        var_trace(1.0, n_nearest_spikes=3),
        lif(0.1), lif(1.0), lif(0.1, integration_type="midpoint"), lif(0.1, near_zero=True),
        lif(1.0, integration_type="midpoint", near_zero=True),
        poisson(0.1), poisson(1.0),
        bernoulli(1.0),
        reward_error(1.0, False), reward_error(1.0, True),
        dense("DenseSynapse", (7, 5), 1, g_conduct_factor=0.77),
        dense("StaticSynapse", (36, 4), 1),
        dense("DenseSynapse", (7, 5), 2, g_conduct_factor=0.77),
        sparse_tensor("SparseTensorSynapse", (3, 4, 3, 2), (18, 8), n_in_streams=6, K_local=3, O_local=2, P_l=3,
                      g_conduct_factor=0.83),
        sparse_tensor("SparseTensorSynapse", (3, 4, 2, 3), (22, 12), 2, n_in_streams=11, K_local=2, O_local=3,
                      P_l=3, stride=2, dilation=2),
        sparse_tensor("SparseTensorSynapse", (3, 10, 2, 2), (20, 20), n_in_streams=10, K_local=2, O_local=2, P_l=3,
                      convergent_factor=0.6),
        sparse_tensor("SparseTensorSynapse", (4, 7, 2, 2), (20, 14), n_in_streams=10, K_local=2, O_local=2, P_l=4),
        sparse_tensor("SparseTensorSynapse", (3, 7, 2, 3), (10, 21), n_in_streams=7, K_local=3, O_local=2, P_l=3,
                      invert_conn=True),
        sparse_tensor("StaticSparseTensorSynapse", (3, 4, 3, 2), (18, 8), n_in_streams=6, K_local=3, O_local=2,
                      P_l=3),
        trace_stdp(), trace_stdp(tau_w=7.7), trace_stdp(mu=0.7),
        mstdpet(1.0, 0.0), mstdpet(0.1, 108.3), mstdpet(1.0, 0.0, tau_w=6007.3), mstdpet(1.0, 108.3, tau_w=6007.3),
        reinforce(batch=1), reinforce(batch=1, act_fx="tanh", mu_act_fx="tanh"), reinforce(batch=1, scalar_stddev=0.43),
        reinforce(batch=2),
        mod_stdp_lesson(), mod_stdp_nonround(),
        tmaze_window(),
        izhikevich(0.1), izhikevich(0.1, "midpoint"), izhikevich(1.0),
        adex(0.1), adex(0.1, "rk2"),
        fitzhugh_nagumo(0.1), fitzhugh_nagumo(0.1, "midpoint"), fitzhugh_nagumo(0.1, spike_reset=True),
        hodgkin_huxley(0.025), hodgkin_huxley(0.025, "midpoint"), hodgkin_huxley(0.025, "rk4"),
        hodgkin_huxley(0.025, spike_reset=True, v_reset=0.7),
        if_cell(0.1), if_cell(0.1, "midpoint"), if_cell(0.1, lower_clamp_voltage=False),
        quad_lif(0.1), quad_lif(0.1, "midpoint"),
        slif(0.1), slif(1.0, thr_gain=0.013, thr_leak=0.0017), slif(0.1, rho_b=0.011),
        slif(0.1, sticky_spikes=True, thr_persist=True),
        raf(0.1), raf(0.1, "midpoint"), raf(0.1, post_spike_reset=False),
        wtas(1.0), wtas(0.1),
        *dynamic_synapse_cases(),
        *graded_and_encoder_cases(),
        *hebbian_cases(), *stdp_cases(), *exp_stdp_cases(), *event_stdp_cases(), *bcm_cases(),
    ]
    return cases
