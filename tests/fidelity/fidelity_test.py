#!/usr/bin/env python3
"""Library components against float32 NumPy transcriptions of ngclearn's source.

Each case below transcribes the ngclearn 3.2.3 method it checks, operation by
operation in Python's order (the source line is quoted above each
transcription), with the rounding points ngclearn has:

  * expressions of hyperparameters alone (``1. - alpha``, ``1. / tau_w``,
    ``1. / ema_window_len``, ``1. / pi``) are Python floats (binary64), rounded
    once to float32 where they meet an array: ``f32(1.0 - alpha)``;
  * a hyperparameter that meets an array is rounded first (JAX's weak types):
    ``x * f32(alpha)``;
  * t and dt reach the jitted process as float32;
  * ``x ** 2`` is JAX's integer_pow, ``x * x``;
  * transcendental functions are correctly rounded (evaluated in binary64 and
    rounded once), which neurofuse's math functions are.

The same system runs in neurofuse's `run` command on the reference
interpreter and the JIT with the same inputs, every recorded compartment of
every step compared bit for bit. Parameters, shapes and schedules are chosen
off the round numbers on purpose (tau_w = 108.3, alpha = 0.33,
ema_window_len = 11, tau_m = 30.7, dt = 0.1), where a misplaced rounding
shows. Usage: fidelity_test.py NEUROFUSE_BINARY.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

f32 = np.float32
NEUROFUSE = sys.argv[1] if len(sys.argv) > 1 else "build/bin/neurofuse"


def exp32(x):
    """Correctly rounded float32 exp (binary64 exp, rounded once)."""
    return np.exp(np.asarray(x, dtype=np.float64)).astype(np.float32)


def run(model, processes, steps, dt, drives, records, backend, sets=(), extra=()):
    """Runs MODEL in neurofuse and returns {record: array[steps, ...]}."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.nf")
        with open(path, "w") as f:
            f.write(model)
        cmd = [NEUROFUSE, "run", path, "--process", ",".join(processes), "--steps", str(steps),
               "--dt", repr(dt), "--backend", backend, "--out", os.path.join(tmp, "out.npz"),
               "--record", ",".join(records)]
        for name, rows in drives.items():
            file = os.path.join(tmp, name + ".npy")
            np.save(file, np.asarray(rows, dtype=np.float32))
            cmd += ["--drive", name + "=" + file]
        for name, value in sets:
            if isinstance(value, np.ndarray):
                file = os.path.join(tmp, name + ".set.npy")
                np.save(file, value)
                value = file
            cmd += ["--set", name + "=" + str(value)]
        cmd += list(extra)
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError("neurofuse failed: " + " ".join(cmd) + "\n" + done.stderr)
        with np.load(os.path.join(tmp, "out.npz")) as out:
            return {k: out[k] for k in out.files}


def ulps(a, b):
    """Largest distance in float32 units in the last place (NaN == NaN)."""
    a = np.asarray(a, dtype=np.float32).ravel().view(np.int32).astype(np.int64)
    b = np.asarray(b, dtype=np.float32).ravel().view(np.int32).astype(np.int64)
    a = np.where(a < 0, -(a & 0x7FFFFFFF), a)
    b = np.where(b < 0, -(b & 0x7FFFFFFF), b)
    return int(np.max(np.abs(a - b))) if a.size else 0


RESULTS = []


def compare(case, got, want):
    """Every record of every step, bit for bit."""
    for name, expected in want.items():
        expected = np.asarray(expected, dtype=np.float32)
        actual = got[name].reshape(expected.shape)
        worst = ulps(actual, expected)
        RESULTS.append((case, name, worst))
        if worst:
            step = int(np.argmax(np.any((actual != expected).reshape(len(expected), -1), axis=1)))
            print(f"FAIL {case}: {name} differs by {worst} ulp, first at step {step}: "
                  f"got {actual[step].ravel()[:4]}, want {expected[step].ravel()[:4]}")


def check(case, model, processes, steps, dt, drives, want, sets=(), backends=("interp", "jit")):
    for backend in backends:
        try:
            got = run(model, processes, steps, dt, drives, list(want), backend, sets)
        except RuntimeError as e:
            print(f"FAIL {case} [{backend}]: {e}")
            RESULTS.append((f"{case} [{backend}]", "(run)", -1))
            continue
        compare(f"{case} [{backend}]", got, want)


rng = np.random.default_rng(20261202)


# ---- RewardErrorCell (ngclearn/components/neurons/graded/rewardErrorCell.py) ----
def reward_error(alpha, L, steps=40):
    reward = rng.normal(0.3, 1.0, (steps, 1, 3)).astype(np.float32)
    mu = np.zeros((1, 3), f32); acc = np.zeros((1, 3), f32); n = np.zeros((1, 1), f32)
    want = {"r.mu": [], "r.rpe": [], "r.accum_reward": []}
    for k in range(steps):
        # advance_state: accum_reward = accum_reward + reward; rpe = reward - mu
        #   mu = mu * (1. - self.alpha) + reward * self.alpha; n_ep_steps = n_ep_steps + 1
        acc = acc + reward[k]
        rpe = reward[k] - mu
        mu = mu * f32(1.0 - alpha) + reward[k] * f32(alpha)
        n = n + f32(1)
        # evolve: r = accum_reward/n_ep_steps
        #   mu = (1. - 1./self.ema_window_len) * mu + (1./self.ema_window_len) * r
        r = acc / n
        mu = f32(1.0 - 1.0 / L) * mu + f32(1.0 / L) * r
        want["r.mu"].append(mu); want["r.rpe"].append(rpe); want["r.accum_reward"].append(acc)
    model = f"""model m {{
  r = RewardErrorCell(n_units=3, alpha={alpha!r}, ema_window_len={L})
  process advance = r.advance_state
  process evolve = r.evolve
}}
"""
    check(f"RewardErrorCell alpha={alpha} L={L}", model, ["advance", "evolve"], steps, 1.0,
          {"r.reward": reward}, want)


# ---- MSTDPETSynapse (modulated/MSTDPETSynapse.py, hebbian/traceSTDPSynapse.py) ----
def mstdpet(tau_elg, tau_w, dt, steps=30):
    n_in, n_out = 3, 4
    A_plus, A_minus, eta, elg_decay, w_bound = 0.77, 0.31, 0.013, 0.93, 1.0
    W = rng.uniform(0.1, 0.9, (n_in, n_out)).astype(np.float32)
    pre_s = (rng.random((steps, 1, n_in)) < 0.3).astype(np.float32)
    post_s = (rng.random((steps, 1, n_out)) < 0.3).astype(np.float32)
    pre_tr = rng.uniform(0, 1, (steps, 1, n_in)).astype(np.float32)
    post_tr = rng.uniform(0, 1, (steps, 1, n_out)).astype(np.float32)
    mod = rng.normal(0, 1, (steps, 1, 1)).astype(np.float32)
    outmask = np.ones((steps, 1, n_out), np.float32)
    E = np.zeros((n_in, n_out), f32); dW_prev = np.zeros((n_in, n_out), f32)
    w = W.copy()
    dt32 = f32(dt)
    want = {"W.weights": [], "W.eligibility": [], "W.dWeights": []}
    for k in range(steps):
        # eligibility = eligibility * exp(-dt / tau_elg) * elg_decay + dWeights / tau_elg
        if tau_elg > 0:
            E = E * exp32(-dt32 / f32(tau_elg)) * f32(elg_decay) + dW_prev / f32(tau_elg)
        else:
            E = dW_prev
        # decayTerm = weights * (1. / tau_w)
        decay = w * f32(1.0 / tau_w) if tau_w > 0 else f32(0)
        # weights + (eligibility * modulator * eta) * outmask - decayTerm
        w_new = w + (E * mod[k] * f32(eta)) * outmask[k] - decay
        # _compute_update (mu = 0): (preTrace - target).T @ (postSpike * Aplus),
        #   -(preSpike.T @ (postTrace * Aminus))
        dW_post = (pre_tr[k] - f32(0)).T @ (post_s[k] * f32(A_plus))
        dW_pre = -(pre_s[k].T @ (post_tr[k] * f32(A_minus)))
        dW = dW_post + dW_pre
        w = np.clip(w_new, f32(0), f32(w_bound))
        dW_prev = dW
        want["W.weights"].append(w); want["W.eligibility"].append(E); want["W.dWeights"].append(dW)
    model = f"""model m {{
  W = MSTDPETSynapse(shape=({n_in}, {n_out}), A_plus={A_plus}, A_minus={A_minus}, eta={eta}, tau_elg={tau_elg!r},
                     elg_decay={elg_decay}, tau_w={tau_w!r}, w_bound={w_bound}, weight_init=constant(0.5))
  process evolve = W.evolve
}}
"""
    check(f"MSTDPETSynapse tau_elg={tau_elg} tau_w={tau_w} dt={dt}", model, ["evolve"], steps, dt,
          {"W.preSpike": pre_s, "W.postSpike": post_s, "W.preTrace": pre_tr, "W.postTrace": post_tr,
           "W.modulator": mod, "W.outmask": outmask}, want, sets=[("W.weights", W)])


# ---- LIFCell (neurons/spiking/LIFCell.py, utils/surrogate_fx.py, utils/diffeq/ode_utils.py) ----
def lif(tau_m, R, dt, midpoint, steps=300):
    n = 4
    thr, v_rest, v_reset, g_L, tau_theta, theta_plus, refract_T = -52.0, -65.0, -60.0, 1.0, 45.3, 0.05, 1.7
    j_in = rng.uniform(0.0, 2.5, (steps, 1, n)).astype(np.float32)
    v = np.full((1, n), f32(v_rest)); rfr = np.full((1, n), f32(refract_T)); theta = np.zeros((1, n), f32)
    tols = np.zeros((1, n), f32)
    dt32 = f32(dt)
    pi = 3.141592653589793
    want = {"z.v": [], "z.s": [], "z.rfr": [], "z.thr_theta": [], "z.surrogate": [], "z.tols": []}
    for k in range(steps):
        t32 = f32(k * dt)  # t = t0 + k * dt in binary64, rounded once
        j = j_in[k] * f32(R)
        v_thr = theta + f32(thr)
        mask = (rfr >= f32(refract_T)).astype(np.float32)

        def dfv(x):  # _dfv: dv_dt = (v_rest - v) * g_L + (j * mask); dv_dt * (1. / tau_m)
            return ((f32(v_rest) - x) * f32(g_L) + (j * mask)) * (f32(1) / f32(tau_m))

        if midpoint:  # step_rk2: x1 = x + f1 * (dt * 0.5); x + f(x1) * dt
            x1 = v * f32(1) + dfv(v) * (dt32 * f32(0.5))
            v1 = v * f32(1) + dfv(x1) * dt32
        else:  # step_euler: x + f(x) * dt
            v1 = v * f32(1) + dfv(v) * dt32
        s = (v1 > v_thr).astype(np.float32)
        rfr = (rfr + dt32) * (f32(1) - s)
        # d_spike_fx: v_centered = v - thr; divTerm = square(v_centered * pi * (alpha/2.))
        #   dfx = (1./(1. + divTerm)) * (1./pi); ds_dj = (resist_m * dt) / tau_m
        x = (v1 - v_thr) * f32(pi) * (f32(0.2) / f32(2))
        surrogate = (f32(1) / (f32(1) + x * x)) * f32(1.0 / pi) * ((f32(R) * dt32) / f32(tau_m))
        v2 = v1 * (f32(1) - s) + s * f32(v_reset)
        theta = theta * exp32(-dt32 / f32(tau_theta)) + s * f32(theta_plus)
        tols = (f32(1) - s) * tols + s * t32
        v = v2
        for name, value in (("z.v", v), ("z.s", s), ("z.rfr", rfr), ("z.thr_theta", theta),
                            ("z.surrogate", surrogate), ("z.tols", tols)):
            want[name].append(value)
    kind = "midpoint" if midpoint else "euler"
    model = f"""model m {{
  z = LIFCell(n_units={n}, tau_m={tau_m!r}, resist_m={R!r}, tau_theta={tau_theta}, refract_time={refract_T},
              integration_type="{kind}")
  process advance = z.advance_state
}}
"""
    check(f"LIFCell tau_m={tau_m} {kind} dt={dt}", model, ["advance"], steps, dt, {"z.j": j_in}, want)


# ---- VarTrace (other/varTrace.py) ----
def var_trace(decay_type, tau_tr, a_delta, dt, steps=60):
    n = 5
    spikes = (rng.random((steps, 1, n)) < 0.2).astype(np.float32)
    trace = np.zeros((1, n), f32)
    dt32 = f32(dt)
    want = {"tr.trace": []}
    for k in range(steps):
        if "exp" in decay_type:
            decay = exp32(-dt32 / f32(tau_tr))
        elif "lin" in decay_type:
            decay = f32(1) - dt32 / f32(tau_tr)
        else:
            decay = f32(0)
        z = f32(1) * trace * decay  # self.gamma_tr * trace * decayFactor
        if a_delta > 0:
            z = z + spikes[k] * f32(a_delta)
        else:
            z = z * (f32(1) - spikes[k]) + spikes[k] * f32(1.0)
        trace = z
        want["tr.trace"].append(trace)
    model = f"""model m {{
  tr = VarTrace(n_units={n}, tau_tr={tau_tr!r}, a_delta={a_delta!r}, decay_type="{decay_type}")
  process advance = tr.advance_state
}}
"""
    check(f"VarTrace {decay_type} tau_tr={tau_tr} a_delta={a_delta}", model, ["advance"], steps, dt,
          {"tr.inputs": spikes}, want)


# ---- DenseSynapse (synapses/denseSynapse.py): the mask applies in every advance_state ----
def dense_mask(mask, steps=12):
    n_in, n_out, g = 5, 3, 1.7
    W = rng.normal(0, 1, (n_in, n_out)).astype(np.float32)
    x = ((rng.random((steps, 1, n_in)) < 0.5) * rng.normal(0, 1, (steps, 1, n_in))).astype(np.float32)
    want = {"W.outputs": []}
    for k in range(steps):
        # weights = weights * self.mask.get()
        # (jnp.matmul(inputs, weights) * gate * self.g_conduct_factor) + self.biases.get()
        w = W * np.full((1, 1), f32(mask))
        acc = x[k][:, :1] * w[:1]
        for i in range(1, n_in):  # the defined summation order: ascending k, one rounding each
            acc = acc + x[k][:, i:i + 1] * w[i:i + 1]
        want["W.outputs"].append((acc * np.ones((1, n_out), f32)) * f32(g) + np.zeros((1, n_out), f32))
    model = (f"model m {{\n  W = DenseSynapse(shape=({n_in}, {n_out}), g_conduct_factor={g}, "
             f"weight_init=constant(0.0))\n  process advance = W.advance_state\n}}\n")
    check(f"DenseSynapse mask={mask}", model, ["advance"], steps, 1.0, {"W.inputs": x}, want,
          sets=[("W.weights", W), ("W.mask", np.full((1, 1), mask, np.float32))], backends=("interp", "jit", "aot"))


# ---- Time: t of step k is t0 + k * dt in binary64, rounded once ----
CLOCK = """component Clock {
  output now[1, 1] = 0
  def advance_state(t) {
    now = t
  }
}
model m {
  c = Clock()
  process advance = c.advance_state
}
"""


def exact_time(steps, dt, backends):
    want = {"c.now": (np.arange(steps, dtype=np.float64) * dt).astype(np.float32).reshape(steps, 1, 1)}
    check(f"time over {steps} steps dt={dt}", CLOCK, ["advance"], steps, dt, {}, want, backends=backends)


# ---- A draw's stream does not depend on the process's name ----
def renamed_process():
    model = """model m {{
  z = PoissonCell(n_units=64, target_freq=400.0)
  process {name} = z.advance_state
}}
"""
    drive = {"z.inputs": np.ones((20, 1, 64), np.float32)}
    for backend in ("interp", "jit"):
        a = run(model.format(name="advance"), ["advance"], 20, 1.0, drive, ["z.outputs"], backend)
        b = run(model.format(name="learn"), ["learn"], 20, 1.0, drive, ["z.outputs"], backend)
        RESULTS.append((f"PoissonCell renamed process [{backend}]", "z.outputs", ulps(a["z.outputs"], b["z.outputs"])))
        if not np.array_equal(a["z.outputs"], b["z.outputs"]):
            print(f"FAIL renamed process [{backend}]: the samples changed with the process's name")
        assert 0 < a["z.outputs"].mean() < 1, "the cell should spike sometimes"


def switched_at_run_time():
    """--set of a parameter that decides an 'if' switches it without a rebuild:
    MSTDP-ET built with tau_elg = 25.7 and tau_w = 0, run with tau_elg = 0 and
    tau_w = 31.1, computes what the model built with those values computes."""
    text = """model m {{
  W = MSTDPETSynapse(shape=(3, 4), A_plus=0.77, A_minus={A_minus}, eta=0.013, tau_elg={tau_elg}, tau_w={tau_w},
                     weight_init=uniform(0.1, 0.9))
  process evolve = W.evolve
}}
"""
    steps = 20
    drives = {"W.preSpike": (rng.random((steps, 1, 3)) < 0.4).astype(np.float32),
              "W.postSpike": (rng.random((steps, 1, 4)) < 0.4).astype(np.float32),
              "W.preTrace": rng.uniform(0, 1, (steps, 1, 3)).astype(np.float32),
              "W.postTrace": rng.uniform(0, 1, (steps, 1, 4)).astype(np.float32),
              "W.modulator": rng.normal(0, 1, (steps, 1, 1)).astype(np.float32),
              "W.outmask": np.ones((steps, 1, 4), np.float32)}
    records = ["W.weights", "W.eligibility", "W.dWeights"]
    for backend in ("interp", "jit", "aot"):
        built = run(text.format(A_minus=0.0, tau_elg=0.0, tau_w=31.1), ["evolve"], steps, 1.0, drives, records, backend)
        switched = run(text.format(A_minus=0.31, tau_elg=25.7, tau_w=0.0), ["evolve"], steps, 1.0, drives, records,
                       backend, sets=[("W.tau_elg", 0.0), ("W.tau_w", 31.1), ("W.A_minus", 0.0)])
        for name in records:
            worst = ulps(built[name], switched[name])
            RESULTS.append((f"MSTDP-ET switched to MSTDP by --set [{backend}]", name, worst))
            if worst:
                print(f"FAIL switched [{backend}]: {name} differs by {worst} ulp from the model built that way")


def main():
    reward_error(0.33, 11)
    reward_error(0.09, 11)
    reward_error(0.9, 3)
    mstdpet(108.3, 108.3, 1.0)
    mstdpet(25.7, 0.0, 0.1)
    mstdpet(0.0, 31.1, 1.0)
    lif(30.7, 11.3, 0.1, False)
    lif(30.7, 11.3, 0.1, True)
    lif(30.0, 7.0, 1.0, False)
    var_trace("exp_fast", 13.3, 0.4, 0.1)
    var_trace("linear", 13.3, 0.0, 0.1)
    var_trace("step", 13.3, 0.4, 1.0)
    dense_mask(0.5)
    dense_mask(-1.25)
    exact_time(100_000, 0.1, ("interp", "jit"))
    exact_time(1_000_000, 0.1, ("jit", "aot"))
    renamed_process()
    switched_at_run_time()
    failed = sum(1 for _, _, worst in RESULTS if worst != 0)
    width = max(len(c) for c, _, _ in RESULTS)
    for case, name, worst in RESULTS:
        print(f"{case:<{width}}  {name:<16} max {worst} ulp")
    print(f"{len(RESULTS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
