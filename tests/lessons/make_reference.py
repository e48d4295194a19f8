#!/usr/bin/env python3
"""Makes reference.json: the numbers of ngclearn's neurocog lessons, computed
by a float32 NumPy transcription of ngclearn 3.2.3's source, independent of
neurofuse.

Each cell below transcribes the ngclearn method it names (advance_state,
reset, the _dfv/_dfw helpers and ngclearn/utils/diffeq/ode_utils.py's
step_euler / step_rk2), operation by operation, with ngclearn's rounding
points: t and dt reach the jitted process as float32; a Python
hyperparameter that meets an array is rounded to float32 first;
`1. / tau` inside a jitted helper is a float32 division; jnp.square(x) and
jnp.power(x, 3) are x * x and x * (x * x); exp is correctly rounded
(binary64, rounded once), as neurofuse's is. Each lesson's protocol is the
lesson's loop (docs/tutorials/neurocog/LESSON.md). The numbers are those
examples/lessons/lessons.py prints.

    /usr/bin/python3 tests/lessons/make_reference.py    # rewrites reference.json
"""
import hashlib
import json
import os

import numpy as np

F = np.float32
HERE = os.path.dirname(os.path.abspath(__file__))


def exp(x):
    return np.exp(np.asarray(x, np.float64)).astype(F)


def step_forward(x, dx_dt, h):  # ode_utils._step_forward with x_scale = 1
    return F(x * F(1.0) + dx_dt * h)


def step_euler(x, dfx, dt):
    return step_forward(x, dfx(x), dt)


def step_rk2(x, dfx, dt):
    f1 = dfx(x)
    x1 = step_forward(x, f1, F(dt * F(0.5)))
    return step_forward(x, dfx(x1), dt)


def stepper(integration_type):
    # get_integrator_code: 1 for "midpoint"/"rk2"; these cells run step_rk2
    # for 1 and step_euler for anything else.
    return step_rk2 if integration_type in ("midpoint", "rk2") else step_euler


def digest(a):
    return hashlib.sha256(np.ascontiguousarray(a, dtype=F).tobytes()).hexdigest()[:16]


def spiking_numbers(vs, ws, ss):
    vs, ws = np.array(vs, F), np.array(ws, F)
    steps = spike_steps(ss)
    return {"spikes": len(steps), "first_spike_steps": steps[:5], "v_final": float(vs[-1]), "w_final": float(ws[-1]),
            "v_digest": digest(vs), "w_digest": digest(ws)}


def spike_steps(s):
    return [int(k) for k in np.flatnonzero(np.asarray(s) > 0)]


def onsets(s):
    x = np.asarray(s) > 0
    return [int(k) for k in np.flatnonzero(x & ~np.concatenate(([False], x[:-1])))]


# ---------------------------------------------------------------------------
# LIFCell (LIFCell.py), one unit, no one_spike, v_min None


def lif_lesson():
    tau_m, R, thr, v_rest, v_reset, g_L = 100.0, 100.0 / 0.1, -52.0, -65.0, -60.0, 1.0
    tau_theta, theta_plus, refract_T = 300.0, 0.05, 2.0
    dt = F(0.1)
    # reset
    v, rfr, thr_theta = F(v_rest), F(refract_T), F(0.0)
    current = np.concatenate((np.zeros(10), np.full(190, 0.3))).astype(F)
    vs, ss = [], []
    for ts in range(200):
        j = F(current[ts] * F(R))
        v_thr = F(thr_theta + F(thr))

        def dfv(v_):  # LIFCell._dfv: ((v_rest - v) * g_L + j * mask) * (1. / tau_m), tau_m float32
            mask = F(1.0) if rfr >= F(refract_T) else F(0.0)
            return F(F(F(F(F(v_rest) - v_) * F(g_L)) + F(j * mask)) * F(F(1.0) / F(tau_m)))
        _v = step_euler(v, dfv, dt)
        s = F(1.0) if _v > v_thr else F(0.0)
        rfr = F(F(rfr + dt) * F(F(1.0) - s))
        _v = F(F(_v * F(F(1.0) - s)) + F(s * F(v_reset)))
        # _update_theta: exp(-dt / tau_theta), dt float32
        thr_theta = F(F(thr_theta * exp(F(-dt / F(tau_theta)))) + F(s * F(theta_plus)))
        v = _v
        vs.append(v)
        ss.append(s)
    vs = np.array(vs, F)
    return {"spikes": len(spike_steps(ss)), "spike_steps": spike_steps(ss), "v_final": float(vs[-1]),
            "thr_theta_final": float(thr_theta), "v_digest": digest(vs)}


# ---------------------------------------------------------------------------
# SLIFCell (sLIFCell.py): thr_jitter 0, no lateral inhibition, rho_b 0,
# thr_gain = thr_leak = 0, not sticky


def simple_leaky_integrator_lesson():
    R_m, C, thr, refract_T = 5.0, 5e-3, 1.0, 0.0
    tau_m = R_m * C  # binary64, as the lesson computes it
    dt = F(1e-3)
    v, rfr, thr_c = F(0.0), F(refract_T), F(thr)
    current = np.concatenate((np.zeros(10), np.full(190, 0.3))).astype(F)
    vs, ss = [], []
    for ts in range(200):
        j = F(current[ts] * F(R_m))

        def dfv(v_):  # (-v + j) * (1. / tau_m) * mask
            mask = F(1.0) if rfr >= F(refract_T) else F(0.0)
            return F(F(F(-v_ + j) * F(F(1.0) / F(tau_m))) * mask)
        _v = step_euler(v, dfv, dt)
        s = F(1.0) if _v > thr_c else F(0.0)
        _v = F(F(F(1.0) - s) * _v)
        # _update_threshold with thrGain = thrLeak = 0: v_thr + s * 0 - v_thr * 0
        thr_c = F(F(thr_c + F(s * F(0.0))) - F(thr_c * F(0.0)))
        rfr = F(F(F(rfr + dt) * F(F(1.0) - s)) + F(s * dt))
        v = _v
        vs.append(v)
        ss.append(s)
    vs = np.array(vs, F)
    return {"spikes": len(spike_steps(ss)), "spike_steps": spike_steps(ss), "v_max": float(np.max(vs)),
            "v_final": float(vs[-1]), "v_digest": digest(vs)}


# ---------------------------------------------------------------------------
# The integration lesson: ode_utils' steppers on dy/dt = y and on a
# polynomial right-hand side that reads the stage time.


def step_heun(t, x, dfx, dt):
    k1 = dfx(t, x)
    x1 = step_forward(x, k1, dt)
    k2 = dfx(F(t + dt), x1)
    return step_forward(x, F(F(F(0.0) + k1) + k2), F(dt * F(0.5)))


def step_rk4(t, x, dfx, dt):
    h = F(dt * F(0.5))
    k1 = dfx(t, x)
    k2 = dfx(F(t + h), step_forward(x, k1, h))
    k3 = dfx(F(t + h), step_forward(x, k2, h))
    k4 = dfx(F(t + dt), step_forward(x, k3, dt))
    total = F(F(F(F(F(0.0) + k1) + F(F(2.0) * k2)) + F(F(2.0) * k3)) + k4)
    return step_forward(x, F(total / F(6.0)), dt)


def step_midpoint(t, x, dfx, dt):
    h = F(dt * F(0.5))
    k1 = dfx(t, x)
    return step_forward(x, dfx(F(t + h), step_forward(x, k1, h)), dt)


def integration_lesson():
    out = {"growth_exact_y3": float(np.exp(3.0)), "poly_exact_y4": -0.5 * 4.0 ** 4 + 4 * 4.0 ** 3 - 10 * 4.0 ** 2
           + 8.5 * 4.0 + 1.0}
    for name, h in (("euler", 0.1), ("euler_09", 0.1 * 0.9)):
        y = F(1.0)
        for _ in range(30):
            y = step_forward(y, y, F(h))  # step_euler with dy/dt = y
        out[f"growth_{name}_y_final"] = float(y)

    def dfy(t, y):  # -2 * power(t, 3) + 12 * square(t) - 20 * t + 8.5
        return F(F(F(F(F(-2.0) * F(t * F(t * t))) + F(F(12.0) * F(t * t))) - F(F(20.0) * t)) + F(8.5))
    steppers = {"heun": step_heun, "rk2": step_midpoint,
                "poly_euler": lambda t, x, f, dt: step_forward(x, f(t, x), dt), "rk4": step_rk4}
    for name, stepper in steppers.items():
        y, ys, t = F(1.0), [], 0.0
        for _ in range(8):
            y = stepper(F(t), y, dfy, F(0.5))
            ys.append(y)
            t = t + 0.5
        out[f"poly_{name}_y_final"] = float(y)
        out[f"poly_{name}_digest"] = digest(np.array(ys, F))
    return out


# ---------------------------------------------------------------------------
# The dynamic_synapses lesson: ExponentialSynapse, AlphaSynapse and
# DoubleExpSynapse (1 x 1, weight 1, syn_rest 0, v held at 0), one pulse at
# step 10; and the E/I circuit, given the Poisson spikes a run drew (their
# bits are the random generator's, not ngclearn's), as ei_circuit() below.


def dynamic_synapses_lesson():
    dt = F(0.1)
    out = {}
    for name in ("Wexp", "Walpha", "Wexp2"):
        g, h, gs = F(0.0), F(0.0), []
        for k in range(81):
            s = F(1.0) if k == 10 else F(0.0)
            drive = F(s * F(1.0))  # inputs @ weights
            if name == "Wexp":  # dg = -g / tau_decay + (out * g_syn_bar) * (1. / dt)
                g = F(g + F(F(F(-g) / F(3.0)) + F(F(drive * F(1.0)) * F(F(1.0) / dt))) * dt)
            elif name == "Walpha":  # h first, then g from the new h (tau_decay 1)
                h = F(h + F(F(F(-h) / F(1.0)) + F(F(drive * F(1.0)) * F(F(1.0) / dt))) * dt)
                g = F(g + F(F(F(-g) / F(1.0)) + F(h * F(F(1.0) / dt))) * dt)
            else:  # double exponential: (1. / tau_rise - 1. / tau_decay) is binary64, A = 1
                c = F(1.0 / 1.0 - 1.0 / 3.0)
                h = F(h + F(F(F(-h) / F(1.0)) + F(F(F(F(drive * F(1.0)) * c) * F(1.0)) * F(F(1.0) / dt))) * dt)
                g = F(g + F(F(F(-g) / F(3.0)) + F(h * F(F(1.0) / dt))) * dt)
            gs.append(g)
        gs = np.array(gs, F)
        out[name] = {"peak_step": int(np.argmax(gs)), "g_peak": float(np.max(gs)), "g_final": float(gs[-1]),
                     "g_digest": digest(gs)}
    return out


def ei_circuit(pre_exc, pre_inh, steps=10000, dt=0.1):
    """The E/I circuit's LIF voltage and spikes, given the pre-synaptic spike
    trains [steps, 80] and [steps, 20]."""
    dt = F(dt)
    gcf = F(1.0 / 10.0)
    g_e, g_i = F(0.0), F(0.0)
    v, rfr, thr_theta = F(-65.0), F(2.0), F(0.0)
    vs, ss = [], []
    for k in range(steps):
        n_e = F(0.0)
        for x in pre_exc[k]:  # inputs @ weights (all ones), left to right
            n_e = F(n_e + F(x * F(1.0)))
        n_i = F(0.0)
        for x in pre_inh[k]:
            n_i = F(n_i + F(x * F(1.0)))
        g_e = F(g_e + F(F(F(-g_e) / F(2.0)) + F(F(n_e * F(2.4)) * F(F(1.0) / dt))) * dt)
        i_e = F(F(-F(g_e * gcf)) * F(v - F(0.0)))
        g_i = F(g_i + F(F(F(-g_i) / F(5.0)) + F(F(n_i * F(2.4)) * F(F(1.0) / dt))) * dt)
        i_i = F(F(-F(g_i * gcf)) * F(v - F(-80.0)))
        j = F(F(i_e + i_i) * F(1.0))
        v_thr = F(thr_theta + F(-55.0))
        mask = F(1.0) if rfr >= F(2.0) else F(0.0)
        dv = F(F(F(F(F(-75.0) - v) * F(1.0)) + F(j * mask)) * F(F(1.0) / F(10.0)))
        _v = F(v + F(dv * dt))
        s = F(1.0) if _v > v_thr else F(0.0)
        rfr = F(F(rfr + dt) * F(F(1.0) - s))
        v = F(F(_v * F(F(1.0) - s)) + F(s * F(-75.0)))
        vs.append(v)
        ss.append(s)
    vs = np.array(vs, F)
    return {"post_spikes": len(spike_steps(ss)), "post_spike_steps": spike_steps(ss),
            "v_mean": float(np.mean(vs.astype(np.float64))), "v_digest": digest(vs)}


# ---------------------------------------------------------------------------
# The short_term_plasticity lesson: STPDenseSynapse (1 x 1) into LIFCell,
# given the Poisson spikes a run drew.


def stp_system(pre, resources, tau_f, tau_d, steps=5000):
    dt = F(1.0)
    W, U = F(2.5), F(resources)
    u, x, wdyn = F(0.0), F(1.0), F(0.0)
    v, rfr = F(-60.0), F(0.0)
    R = (20.0 / 1.0) * 12.0
    us, xs, ws, post = [], [], [], []
    for k in range(steps):
        s = F(pre[k])
        # u = u - u * (1. / tau_f) + (resources * (1. - u)) * s     (tau_f > 0)
        u1 = F(F(u - F(u * F(1.0 / tau_f))) + F(F(U * F(F(1.0) - u)) * s))
        # Wdyn = (weights * u * x) * s + Wdyn * (1. - s)
        wdyn = F(F(F(F(W * u1) * x) * s) + F(wdyn * F(F(1.0) - s)))
        # x = x + (1. - x) * (1. / tau_d) - u * x * s                (tau_d > 0)
        x = F(F(x + F(F(F(1.0) - x) * F(1.0 / tau_d))) - F(F(u1 * x) * s))
        u = u1
        out = F(F(F(s * F(wdyn * F(1.0))) + F(0.0)))  # inputs @ (Wdyn * g_conduct_factor) + biases
        # LIFCell: thr -50, v_rest -60, v_reset -70, tau_m 20, refract 0, no adaptation
        j = F(out * F(R))
        mask = F(1.0) if rfr >= F(0.0) else F(0.0)
        dv = F(F(F(F(F(-60.0) - v) * F(1.0)) + F(j * mask)) * F(F(1.0) / F(20.0)))
        _v = F(v + F(dv * dt))
        spk = F(1.0) if _v > F(F(0.0) + F(-50.0)) else F(0.0)
        rfr = F(F(rfr + dt) * F(F(1.0) - spk))
        v = F(F(_v * F(F(1.0) - spk)) + F(spk * F(-70.0)))
        us.append(u)
        xs.append(x)
        ws.append(wdyn)
        post.append(spk)
    us, xs = np.array(us, F), np.array(xs, F)
    return {"output_spikes": len(spike_steps(post)), "u_final": float(us[-1]), "x_final": float(xs[-1]),
            "Wdyn_max": float(np.max(np.array(ws, F))), "u_digest": digest(us), "x_digest": digest(xs)}


STP_SETTINGS = {"stf2": (0.15, 750.0, 50.0), "stf20": (0.15, 750.0, 50.0), "std2": (0.45, 50.0, 750.0),
                "std20": (0.45, 50.0, 750.0)}


# ---------------------------------------------------------------------------
# RateCell (rateCell.py): Gaussian prior (leak gamma), Euler, unit_threshold
# (fx = [x >= 1], dfx = x * 0. + 1., the straight-through estimator)


def rate_cell_lesson(tau_m=10.0, gamma=1.0):
    dt = F(1.0)
    z = F(0.0)
    current = np.concatenate((np.zeros(10), np.full(50, 1.006), np.zeros(50), np.full(50, 1.006),
                              np.zeros(50))).astype(F)
    zs, zfs = [], []
    for k in range(210):
        j = F(F(current[k] * F(F(z * F(0.0)) + F(1.0))) * F(1.0))  # _modulate(j, dfx(z)) * resist_scale
        j_td = F(0.0)
        # _dfz_internal_gaussian: (-z * leak_gamma + (j + j_td)) * (1. / tau_m), Euler
        dz = F(F(F(F(-z) * F(gamma)) + F(j + j_td)) * F(F(1.0) / F(tau_m)))
        z = F(z + F(dz * dt))
        zf = F(F(1.0) if z >= F(1.0) else F(0.0)) * F(1.0)  # fx(z) * output_scale
        zs.append(z)
        zfs.append(zf)
    zs = np.array(zs, F)
    return {"z_max": float(np.max(zs)), "z_final": float(zs[-1]), "zF_on_steps": len(spike_steps(zfs)),
            "zF_onsets": onsets(zfs), "z_digest": digest(zs)}


# GaussianErrorCell (gaussianErrorCell.py), Sigma = 1, modulator and mask 1


def error_cell_lesson():
    mu, target, sigma = np.array([-1.0, 1.0, 1.0], F), np.array([1.0, -1.0, 1.0], F), F(1.0)
    rows = []
    for _ in range(5):
        e = (target - mu).astype(F)  # _dmu = target - mu
        dmu = (e / sigma).astype(F)
        dtarget = (-dmu).astype(F)
        total = F(0.0)
        for x in e:  # jnp.sum(jnp.square(_dmu)), left to right
            total = F(total + F(x * x))
        L = F(F(-total) * F(0.5 / 1.0))  # -sum(...) * (0.5 / Sigma)
        rows.append({"dmu": [float(x) for x in dmu * F(1.0)], "dtarget": [float(x) for x in dtarget * F(1.0)],
                     "L": float(L)})
    return {"steps": rows, "dtarget_signbits": [bool(np.signbit(x)) for x in dtarget]}


# VarTrace (varTrace.py), the traces lesson's two traces, given the spikes
# a run drew.


def var_traces(spikes, tau_tr=30.0):
    dt = F(1.0)
    decay = exp(F(-dt / F(tau_tr)))  # jnp.exp(-dt / tau_tr), dt float32
    add, gate, adds, gates = F(0.0), F(0.0), [], []
    for s in spikes:
        s = F(s)
        add = F(F(F(F(1.0) * add) * decay) + F(s * F(0.5)))  # gamma_tr * trace * decay + inputs * a_delta
        g = F(F(F(1.0) * gate) * decay)
        gate = F(F(g * F(F(1.0) - s)) + F(s * F(1.0)))  # a_delta 0: * (1 - inputs) + inputs * P_scale
        adds.append(add)
        gates.append(gate)
    adds, gates = np.array(adds, F), np.array(gates, F)
    return {"additive_max": float(np.max(adds)), "additive_final": float(adds[-1]), "gated_final": float(gates[-1]),
            "additive_digest": digest(adds), "gated_digest": digest(gates)}


# ---------------------------------------------------------------------------
# The hebbian lesson (the evolving-synapses walkthrough): stateless
# RateCells (z = j + j_td + 0, zF = identity(z) * 1) and HebbianSynapse with
# SGD (w - eta * (sign_value * pre^T post)), no bound, no prior.


def hebbian_lesson():
    w, out = F(1.0), [1.0]
    for x in (1.0, 1.0, 0.0, 0.0, 1.0):
        za = F(F(F(x) + F(0.0)) + F(0.0))  # a: _run_cell_stateless(j + j_td)
        zf_a = F(za * F(1.0))
        zb = F(F(F(zf_a * w) + F(0.0)) + F(0.0))  # Wab.outputs = inputs @ W (+ biases 0) -> b.j
        zf_b = F(zb * F(1.0))
        dw = F(F(zf_a * zf_b) * F(-1.0))  # (pre^T @ post) * sign_value
        w = F(w - F(dw * F(1.0)))  # SGD: w - eta * dW
        out.append(float(w))
    return {"weights": out}


# The stdp lesson: VarTrace (tau 8, a_delta 1) and TraceSTDPSynapse's
# _compute_update (mu 0, pretrace_target 0, A_plus 1, A_minus 0.8), 1 x 1.


def stdp_lesson():
    decay = exp(F(-F(1.0) / F(8.0)))
    pre_tr, post_tr, dws = F(0.0), F(0.0), []
    for i in range(101):
        pre, post = (F(1.0), F(0.0)) if i == 50 else ((F(0.0), F(1.0)) if i == 0 else (F(0.0), F(0.0)))
        pre_trig, post_trig = (F(1.0), F(0.0)) if i < 50 else (F(0.0), F(1.0))
        pre_tr = F(F(F(F(1.0) * pre_tr) * decay) + F(pre * F(1.0)))
        post_tr = F(F(F(F(1.0) * post_tr) * decay) + F(post * F(1.0)))
        dw_post = F(F(pre_tr - F(0.0)) * F(post_trig * F(1.0)))
        dw_pre = F(-F(pre_trig * F(post_tr * F(0.8))))
        dws.append(F(dw_post + dw_pre))
    dws = np.array(dws, F)
    return {"dW_at_0": float(dws[0]), "dW_at_50": float(dws[50]), "dW_min": float(np.min(dws)),
            "dW_max": float(np.max(dws)), "dW_digest": digest(dws)}


# ---------------------------------------------------------------------------
# IzhikevichCell (izhikevichCell.py)


def izhikevich(tau_w, v_reset, w_reset, b, i_app=10.0, T=20000, dt=0.01, tau_m=1.0, R=1.0, v_thr=30.0,
               v0=-65.0, w0=-14.0):
    dt = F(dt)
    v, w = F(v0), F(w0)  # reset
    vs, ws, ss = [], [], []
    for _ in range(T):
        j = F(F(i_app) * F(R))
        s = F(1.0) if v > F(v_thr) else F(0.0)

        def dfv(v_, w_=w):  # _dfv_internal: (square(v) * 0.04 + v * 5. + 140. - w + j) * (1. / tau_m)
            return F(F(F(F(F(F(v_ * v_) * F(0.04)) + F(v_ * F(5.0))) + F(140.0)) - w_) + j) * F(F(1.0) / F(tau_m))

        def dfw(w_, v_=v):  # _dfw_internal: (v * b - w) * (1. / tau_w)
            return F(F(F(v_ * F(b)) - w_) * F(F(1.0) / F(tau_w)))
        _v = step_euler(v, dfv, dt)
        _w = step_euler(w, dfw, dt)
        # _post_process(s, _v, _w, v, w, c=v_reset, d=w_reset)
        v_next = F(F(_v * F(F(1.0) - s)) + F(s * F(v_reset)))
        w_next = F(F(_w * F(F(1.0) - s)) + F(s * F(w + F(w_reset))))
        v, w = v_next, w_next
        vs.append(v)
        ws.append(w)
        ss.append(s)
    return spiking_numbers(vs, ws, ss)


def izhikevich_lesson():
    return {"rs": izhikevich(50.0, -65.0, 8.0, 0.2), "fs": izhikevich(10.0, -65.0, 8.0, 0.2),
            "ch": izhikevich(50.0, -50.0, 2.0, 0.2), "ib": izhikevich(50.0, -55.0, 4.0, 0.2),
            "lts": izhikevich(50.0, -65.0, 2.0, 0.25)}


# ---------------------------------------------------------------------------
# AdExCell (adExCell.py)


def adex_lesson(T=10000, dt=0.1, i_app=19.0, tau_m=15.0, R=1.0, tau_w=400.0, sharpV=2.0, vT=-55.0, thr=5.0,
                v_rest=-72.0, v_reset=-75.0, a=0.1, b=0.75, v0=-70.0, w0=0.0):
    dt = F(dt)
    v, w = F(v0), F(w0)
    vs, ws, ss = [], [], []
    for _ in range(T):
        j = F(i_app)

        def dfv(v_, w_=w):
            # -(v - v_rest) + sharpV * exp((v - vT) / sharpV) - R_m * w + R_m * j, then * (1. / tau_m)
            d = F(F(F(-F(v_ - F(v_rest)) + F(F(sharpV) * exp(F(F(v_ - F(vT)) / F(sharpV))))) - F(F(R) * w_))
                  + F(F(R) * j))
            return F(d * F(F(1.0) / F(tau_m)))

        def dfw(w_, v_=v):  # (-w + (v - v_rest) * a) * (1. / tau_w)
            return F(F(-w_ + F(F(v_ - F(v_rest)) * F(a))) * F(F(1.0) / F(tau_w)))
        _v = step_euler(v, dfv, dt)
        _w = step_euler(w, dfw, dt)
        s = F(1.0) if _v > F(thr) else F(0.0)
        v = F(F(_v * F(F(1.0) - s)) + F(s * F(v_reset)))
        w = F(F(_w * F(F(1.0) - s)) + F(s * F(_w + F(b))))
        vs.append(v)
        ws.append(w)
        ss.append(s)
    return spiking_numbers(vs, ws, ss)


# ---------------------------------------------------------------------------
# FitzhughNagumoCell (fitzhughNagumoCell.py), spike_reset False


def fitzhugh_nagumo_lesson(T=1500, i_app=0.23, tau_m=1.0, R=1.0, tau_w=20.0, alpha=0.3, beta=1.4, gamma=1.0,
                           v0=-0.63605838, w0=-0.16983366, v_thr=1.07):
    time_span = np.linspace(0, 200, num=T)
    dt = F(time_span[1] - time_span[0])  # the lesson's dt, a Python float, reaches the step as float32
    v, w = F(v0), F(w0)
    vs, ws, ss = [], [], []
    for _ in range(T):
        j = F(F(i_app) * F(R))

        def dfv(v_, w_=w):  # (v - power(v, 3) / g - w + j) * (1. / tau_m)
            return F(F(F(F(v_ - F(F(v_ * F(v_ * v_)) / F(gamma))) - w_) + j) * F(F(1.0) / F(tau_m)))

        def dfw(w_, v_=v):  # (v + a - b * w) * (1. / tau_w)
            return F(F(F(v_ + F(alpha)) - F(F(beta) * w_)) * F(F(1.0) / F(tau_w)))
        _v = step_euler(v, dfv, dt)
        _w = step_euler(w, dfw, dt)
        s = F(1.0) if _v > F(v_thr) else F(0.0)
        v, w = _v, _w
        vs.append(v)
        ws.append(w)
        ss.append(s)
    vs, ws = np.array(vs, F), np.array(ws, F)
    return {"pulses": len(onsets(ss)), "pulse_onset_steps": onsets(ss), "steps_above_threshold": len(spike_steps(ss)),
            "v_final": float(vs[-1]), "w_final": float(ws[-1]), "v_digest": digest(vs), "w_digest": digest(ws)}


# ---------------------------------------------------------------------------
# HodgkinHuxleyCell (hodgkinHuxleyCell.py), spike_reset False


def hh_rates(v):  # _calc_biophysical_constants
    alpha_n = F(F(0.01) * F(F(F(10.0) - v) / F(exp(F(F(F(10.0) - v) / F(10.0))) - F(1.0))))
    beta_n = F(F(0.125) * exp(F(-v / F(80.0))))
    alpha_m = F(F(0.1) * F(F(F(25.0) - v) / F(exp(F(F(F(25.0) - v) / F(10.0))) - F(1.0))))
    beta_m = F(F(4.0) * exp(F(-v / F(18.0))))
    alpha_h = F(F(0.07) * exp(F(-v / F(20.0))))
    beta_h = F(F(1.0) / F(exp(F(F(F(30.0) - v) / F(10.0))) + F(1.0)))
    return alpha_n, beta_n, alpha_m, beta_m, alpha_h, beta_h


def hodgkin_huxley_lesson(T=20000, dt=0.01, tau_v=1.0, R=1.0, v_Na=115.0, v_K=-35.0, v_L=10.6, g_Na=100.0, g_K=5.0,
                          g_L=0.3, thr=4.0):
    dt = F(dt)
    stim = np.zeros(T, F)
    stim[7000:13000] = 50.0
    # reset: v = 0, the gates at rest at v = 0
    v = F(0.0)
    an, bn, am, bm, ah, bh = hh_rates(v)
    n, m, h = F(an / F(an + bn)), F(am / F(am + bm)), F(ah / F(ah + bh))
    vs, ns, ms, hs, ss = [], [], [], [], []
    for ts in range(T):
        j = F(stim[ts] * F(R))
        an, bn, am, bm, ah, bh = hh_rates(v)
        m0, n0, h0 = F(m + F(0.0)), F(n + F(0.0)), F(h + F(0.0))

        def dv_dt(v_):
            # term1 = g_Na * power(m, 3) * h * (v - v_Na); term2 = g_K * power(n, 4) * (v - v_K)
            term1 = F(F(F(F(g_Na) * F(m0 * F(m0 * m0))) * h0) * F(v_ - F(v_Na)))
            n2 = F(n0 * n0)
            term2 = F(F(F(g_K) * F(n2 * n2)) * F(v_ - F(v_K)))
            term3 = F(F(g_L) * F(v_ - F(v_L)))
            return F(F(F(F(j - term1) - term2) - term3) * F(F(1.0) / F(tau_v)))

        def dx_dt(alpha, beta):  # alpha * (1 - x) - beta * x
            return lambda x: F(F(alpha * F(F(1.0) - x)) - F(beta * x))
        _v = step_euler(v, dv_dt, dt)
        _n = step_euler(n, dx_dt(an, bn), dt)
        _m = step_euler(m, dx_dt(am, bm), dt)
        _h = step_euler(h, dx_dt(ah, bh), dt)
        s = F(1.0) if _v > F(thr) else F(0.0)
        v, n, m, h = _v, _n, _m, _h
        vs.append(v)
        ns.append(n)
        ms.append(m)
        hs.append(h)
        ss.append(s)
    vs = np.array(vs, F)
    peaks = [k for k in range(1, T - 1) if vs[k] > vs[k - 1] and vs[k] >= vs[k + 1] and vs[k] > 30.0]
    return {"spikes": len(onsets(ss)), "spike_onset_steps": onsets(ss), "action_potentials": len(peaks),
            "v_max": float(np.max(vs)),
            "v_final": float(vs[-1]), "n_final": float(ns[-1]), "m_final": float(ms[-1]), "h_final": float(hs[-1]),
            "v_digest": digest(vs)}


LESSONS = {
    "simple_leaky_integrator": simple_leaky_integrator_lesson,
    "integration": integration_lesson,
    "dynamic_synapses": dynamic_synapses_lesson,
    "rate_cell": rate_cell_lesson,
    "error_cell": error_cell_lesson,
    "hebbian": hebbian_lesson,
    "stdp": stdp_lesson,
    "lif": lif_lesson,
    "izhikevich_cell": izhikevich_lesson,
    "adex_cell": adex_lesson,
    "fitzhugh_nagumo_cell": fitzhugh_nagumo_lesson,
    "hodgkin_huxley_cell": hodgkin_huxley_lesson,
}


def main():
    reference = {name: make() for name, make in LESSONS.items()}
    path = os.path.join(HERE, "reference.json")
    with open(path, "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
