"""Differential tests: neurofuse's standard components against ngclearn 3.2.3.

Every case in cases.py builds one small system twice, in ngclearn (the
reference: its real components, jitted as ngclearn jits them) and in
neurofuse (a .nf model run with `build/bin/neurofuse run`), drives both with
the same inputs from the same initial weights, and compares every f32
compartment after every step in float32 ulps (+0 and -0 are 0 ulp apart,
NaN equals NaN). Run from the repository root:

    scripts/ngclearn-venv.sh            # once: build/ngclearn-venv
    build/ngclearn-venv/bin/python -m pytest tests/ngclearn -q [-s for the table]

Each case runs twice against two flavours of the reference:
  [xla]  ngclearn exactly as it runs (XLA's exp, log, pow and tanh, which are
         not correctly rounded): every compartment within BOUNDS[component];
  [cr]   the same, but with exp, log, pow and tanh correctly rounded
         (harness.correctly_rounded_math), as neurofuse's are: 0 ulp but
         for the reduction-order entry of BOUNDS.
A case that differs because of a known open defect of neurofuse is marked
xfail (not strict) in XFAIL, with the defect as its reason; fixed, it shows as
XPASS. README.md lists every difference found and its cause.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VENV_PY = ROOT / "build" / "ngclearn-venv" / "bin" / "python"
MODE = os.environ.get("NF_DIFF_XLA", "source")  # conftest.py
MATH = ("xla", "cr")

# Allowed ulp distance per component, every compartment, every step: an int
# for both references, or {"xla": n, "cr": m}. Zero unless a comment says why
# ngclearn's own arithmetic cannot be reproduced by a correct neurofuse.
BOUNDS = {
    # [xla]: XLA's exp(-dt/tau_tr) is 1 ulp off for some arguments (dt = 1,
    # tau_tr = 13.3 gives 0.92756915, correctly rounded 0.9275691); the trace
    # is multiplied by it every step, so the error grows by about an ulp a
    # step (measured 29 ulp after 80 steps).
    "VarTrace": {"xla": 32, "cr": 0},
    "LIFCell": 0,
    "PoissonCell": 0,
    "BernoulliCell": 0,
    "RewardErrorCell": 0,
    "DenseSynapse": 0,
    "StaticSynapse": 0,
    "SparseTensorSynapse": 0,
    "StaticSparseTensorSynapse": 0,
    "TraceSTDPSynapse": 0,
    "MSTDPETSynapse": 0,
    # [xla]: XLA's exp (sd = exp(log-std)), log (log(2 pi sd^2) in the
    # objective) and tanh (act_fx, mu_act_fx, d_tanh = 1 - tanh^2) are 1-2 ulp
    # off for some arguments, which the gradient's cancellations magnify
    # (measured 70 ulp in dWeights with tanh, 5 without).
    "REINFORCESynapse": {"xla": 80, "cr": 0},
    "mod_stdp": 0,
    # W2's column normalization (ngclearn.utils.model_utils.normalize_matrix)
    # sums 36 rows with XLA's reduce, which is not sequential past about 12
    # elements (vectorized partial sums); neurofuse's sum is sequential.
    # Measured: 2 ulp in W2.weights after the normalization.
    "tmaze": 2,
    "IzhikevichCell": 0,
    "AdExCell": 0,
    "FitzhughNagumoCell": 0,
    "HodgkinHuxleyCell": 0,
    "IFCell": 0,
    "QuadLIFCell": 0,
    # [xla]: the secant surrogate's sech(0.08 j) = 2 / (exp(x) + exp(-x)) with
    # XLA's exp, 1 ulp off for some arguments (measured 2 ulp in surrogate;
    # nothing feeds back from it).
    "SLIFCell": {"xla": 2, "cr": 0},
    "RAFCell": 0,
    "WTASCell": 0,
    "ExponentialSynapse": 0,
    "AlphaSynapse": 0,
    "DoubleExpSynapse": 0,
    "STPDenseSynapse": 0,
    # [xla]: XLA's exp is 1-2 ulp off for some arguments; epsp sums the
    # exp terms of the window, with no feedback (measured 2 ulp).
    "ExpKernel": {"xla": 2, "cr": 0},
    # [xla]: XLA's tanh (act_fx, d_tanh) and exp (model_utils.sigmoid) are
    # 1-2 ulp off for some arguments; j compounds them when it is not re-driven
    # (ngclearn writes j * dfx(z) * resist_scale back into j). Measured: j 7,
    # zF 4, z 2.
    "RateCell": {"xla": 8, "cr": 0},
    "GaussianErrorCell": 0,
    "LaplacianErrorCell": 0,
    # [xla]: XLA's log (and exp in the sigmoid) is 1 ulp off for some
    # arguments; dtarget = log(p) - log(1 - p) cancels near p = 1/2, which
    # magnifies it. Measured: dtarget 32, dp 8, L 2.
    "BernoulliErrorCell": {"xla": 40, "cr": 0},
    # [xla]: XLA's tanh and exp (sigmoid) in r = fx(x), r_prime = dfx(x).
    # Measured: r 3, r_prime 1.
    "LeakyNoiseCell": {"xla": 4, "cr": 0},
    # [xla]: XLA's log in the logarithmic code (targ_sp_times) is 1 ulp off
    # for some arguments; the rounded spike times agree. Measured: 1.
    "LatencyCell": {"xla": 1, "cr": 0},
    "TTFSCell": 0,
    "PhasorCell": 0,
    "HebbianSynapse": 0,
    # [xla]: XLA's exp in the STDP windows exp(-t_delta / tau_plus|minus) is
    # 1 ulp off for some arguments (dWeights 1 ulp); the weights accumulate
    # dW * eta, and a large depression (eta 0.37) that brings a weight of
    # about 0.3 down near the 0.001 clip keeps its absolute error, so the ulp
    # grows (measured 256 ulp at a weight of 0.00216; 8 ulp in outputs).
    "STDPSynapse": {"xla": 256, "cr": 0},
    # [xla]: XLA's exp(-exp_beta * W) and exp(-exp_beta * (w_bound - W)) are
    # 1 ulp off for some arguments, and dW subtracts the two exp-weighted
    # terms, so the cancellation magnifies it (measured 32 ulp in dWeights
    # with exp_beta 2.9, w_bound 0.83; 2 ulp in weights, 1 in outputs).
    "ExpSTDPSynapse": {"xla": 32, "cr": 0},
    "EventSTDPSynapse": 0,
    "BCMSynapse": 0,
}

# Cases that differ for a reason of record, by name (both references) or by
# (name, "xla" | "cr"): known open defects of neurofuse, and reference orders
# that a fixed-order semantics cannot reproduce. Fixed, a case shows XPASS.
XFAIL: dict = {
    "DenseSynapse (7, 5) B=2": "reference order, not a neurofuse defect: XLA hands a matrix-matrix dot "
                               "(batch >= 2) to Eigen, whose blocked, vectorized summation is not left to "
                               "right (a batch of 1 is, and matches bit for bit)",
    "SparseTensorSynapse (4, 7, 2, 2) B=1 n_in_streams=10 K_local=2 O_local=2 P_l=4": (
        "reference order, not a neurofuse defect: XLA fuses ngclearn's gather, product and sum over the window "
        "(axes 0 and 3) and, for 4-stream windows (8 terms per output), reduces them in a vectorized order that is "
        "not left to right (no sequential order of the 8 terms reproduces it); windows of 3 streams are summed "
        "p-major, left to right, and match bit for bit, which is the order neurofuse defines"),
    ("ExpKernel nu=4.0 tau_w=500.0 dt=0.1 t0=0.3 B=1", "cr"): (
        "reference order, not a neurofuse defect: the window has 40 slots, and XLA's CPU tree-reduction rewrite "
        "sums a reduced axis longer than 32 in windows of 32 with SAME padding (here slots 0-19 and 20-39, then the "
        "two partial sums); neurofuse's sum is sequential. Measured 2 ulp in epsp; summing the two halves in the "
        ".nf gives 0 ulp. ([xla] is within its bound of 2)"),
}

sys.path.insert(0, str(HERE))


def _reference_or_skip():
    """Skips the module, with the reason, when the ngclearn reference cannot
    be used: scripts/ngclearn-venv.sh makes build/ngclearn-venv (exit 77 with
    a one-line reason when it cannot), and this interpreter must be that
    environment's (or another with ngclearn 3.2.3 and jax)."""
    try:
        import jax  # noqa: F401
        import ngclearn  # noqa: F401
        return
    except ImportError as e:
        missing = str(e)
    r = subprocess.run([str(ROOT / "scripts" / "ngclearn-venv.sh")], capture_output=True, text=True)
    lines = (r.stderr.strip() or r.stdout.strip()).splitlines()
    if r.returncode != 0:
        pytest.skip(f"ngclearn reference unavailable: {lines[-1] if lines else 'exit ' + str(r.returncode)}",
                    allow_module_level=True)
    pytest.skip(f"ngclearn is not importable by {sys.executable} ({missing}); {VENV_PY} is ready: run "
                f"build/ngclearn-venv/bin/python -m pytest tests/ngclearn", allow_module_level=True)


_reference_or_skip()

import numpy as np  # noqa: E402

import harness  # noqa: E402
from cases import all_cases  # noqa: E402

if not harness.NEUROFUSE.exists():
    pytest.skip(f"{harness.NEUROFUSE} is missing: build neurofuse first (scripts/build.sh)",
                allow_module_level=True)

CASES = all_cases()
# Hodgkin-Huxley calls exp six times a step in rate functions whose results
# feed back into v: XLA's exp (1-2 ulp off for some arguments) moves a spike's
# upstroke by a few ulp, which grows over the thousands of steps of a spike
# train, and v passes through 0 mV, where an ulp is tiny (measured up to 45088
# ulp in v with the midpoint method). [cr] is exact (bound 0).
for _c in CASES:
    if _c.component == "HodgkinHuxleyCell" and (_c.name, "xla") not in XFAIL:
        XFAIL[(_c.name, "xla")] = ("reference math, not a neurofuse defect: XLA's exp is not correctly rounded, "
                                   "and an excitable cell amplifies its ulp; the [cr] reference matches bit for bit")
RESULTS: list[tuple[str, str, str, str, harness.Diff]] = []  # case, component, math, compartment, diff


# NF_DIFF_SHARD=K/N runs the K-th of N parts of the cases (the ctest entries
# split the suite so that each stays well within its time limit); the
# statistical tests run in part 0.
SHARD, SHARDS = (int(x) for x in os.environ.get("NF_DIFF_SHARD", "0/1").split("/"))


# Components whose ngclearn update evaluates none of the functions [cr]
# replaces (exp, log, non-integer powers, tanh, sigmoid): their [cr] run would
# repeat their [xla] run, so they are compared once.
MATH_FREE = {"IzhikevichCell", "FitzhughNagumoCell", "IFCell", "RAFCell", "ExponentialSynapse", "AlphaSynapse",
             "DoubleExpSynapse", "STPDenseSynapse", "GaussianErrorCell", "LaplacianErrorCell", "EventSTDPSynapse",
             "BCMSynapse", "DenseSynapse", "StaticSynapse", "SparseTensorSynapse", "StaticSparseTensorSynapse", "PoissonCell", "BernoulliCell", "PhasorCell"}


def _params():
    out = []
    for math in MATH:  # every [xla] case, then every [cr] case
        for c in CASES:
            if math == "cr" and c.component in MATH_FREE:
                continue
            marks = []
            reason = XFAIL.get((c.name, math)) or XFAIL.get(c.name)
            if reason:
                marks.append(pytest.mark.xfail(strict=False, reason=reason))
            elif MODE != "source":
                marks.append(pytest.mark.xfail(strict=False, reason="NF_DIFF_XLA=native: XLA contracts a*b+c "
                                                                     "into FMA on this CPU and rewrites divisions "
                                                                     "by constants; neurofuse does neither"))
            out.append(pytest.param(c, math, id=f"{c.name} [{math}]", marks=marks))
    return [p for i, p in enumerate(out) if i % SHARDS == SHARD]


statistical = pytest.mark.skipif(SHARD != 0, reason="the statistical tests run in part 0 of NF_DIFF_SHARD")


def summary_lines() -> list[str]:
    """Per component and compartment, the largest ulp distance over its cases,
    for each reference; then every case's compartments that differ."""
    import jax
    agg: dict[tuple[str, str], dict[str, int]] = {}
    for case, comp, math, name, d in RESULTS:
        if case in XFAIL or (case, math) in XFAIL:
            continue  # listed below, not in the component table
        short = name.split(".", 1)[1] if comp not in ("mod_stdp", "tmaze") else name
        cell = agg.setdefault((comp, short), {})
        cell[math] = max(cell.get(math, 0), d.max_ulp)

    def fmt(u):
        return "-" if u is None else ("NaN/num" if u >= harness.NAN_MISMATCH else str(u))
    out = [f"ngclearn 3.2.3 (jax {jax.__version__}, XLA {MODE}) vs {harness.NEUROFUSE}",
           "", f"{'component':<18} {'compartment':<24} {'max ulp [xla]':>14} {'max ulp [cr]':>13}"]
    for (comp, short), cell in agg.items():
        out.append(f"{comp:<18} {short:<24} {fmt(cell.get('xla')):>14} {fmt(cell.get('cr')):>13}")
    rows = [(c, m, n, d) for c, _, m, n, d in RESULTS if d.max_ulp]
    if rows:
        w = max(len(c) for c, *_ in rows) + 14
        out += ["", f"{'case [reference]':<{w}} {'compartment':<24} {'max ulp':>8} {'differ':>12} {'1st step':>8}"]
        for c, m, n, d in rows:
            if c in XFAIL or (c, m) in XFAIL:
                c = c + " (xfail)"
            out.append(f"{c + ' [' + m + ']':<{w}} {n:<24} {fmt(d.max_ulp):>8} {f'{d.n_diff}/{d.total}':>12} "
                       f"{d.first_step:>8}")
    return out


@pytest.fixture(scope="module", autouse=True)
def summary_table():
    yield
    if RESULTS:
        print("\n\n" + "\n".join(summary_lines()))


@pytest.mark.parametrize("case,math", _params())
def test_component_matches_ngclearn(case, math, tmp_path):
    ref = harness.run_ngclearn(case, math)
    got = harness.run_neurofuse(case, tmp_path)
    harness.align_shapes(ref, got)
    diffs = harness.compare(ref, got, skip=case.skip)
    assert diffs, f"no compartment in common: ngclearn {sorted(ref)}, neurofuse {sorted(got)}"
    for d in diffs:
        RESULTS.append((case.name, case.component, math, d.compartment, d))
    bound = BOUNDS[case.component]
    bound = bound[math] if isinstance(bound, dict) else bound
    over = [d for d in diffs if d.max_ulp > bound]
    assert not over, "\n".join(
        [f"{d.compartment}: {d.max_ulp} ulp (bound {bound}), {d.n_diff}/{d.total} elements differ, "
         f"first at recorded step {d.first_step}" for d in over] + ["(tests/ngclearn/README.md lists the causes found)"])


# --------------------------------------------------------------------------
# Random draws: both sides are checked against the distribution they sample
# (their bits cannot agree: JAX's threefry keys vs neurofuse's counter-based
# streams).


def _binomial_ok(k, n, p, sigmas=5.0):
    return abs(k / n - p) <= sigmas * np.sqrt(p * (1 - p) / n)


@statistical
@pytest.mark.parametrize("cls_name,dt,inputs,p", [
    ("PoissonCell", 1.0, 0.5, 0.5 * (1.0 / 1000) * 63.75),
    ("PoissonCell", 0.1, 3.7, 3.7 * (0.1 / 1000) * 63.75),
    ("BernoulliCell", 1.0, 0.3, 0.3),
])
def test_encoder_rates(cls_name, dt, inputs, p, tmp_path):
    from cases import inst
    n, steps = 200, 400
    case = harness.Case(
        name=f"{cls_name} rate", component=cls_name, dt=dt,
        instances=[inst("z", cls_name, n_units=n)],
        processes={"advance": ["z.advance_state"]},
        phases=[harness.Phase(["advance"], steps, sets={"z.inputs": np.full((1, n), inputs, np.float32)})])
    for side, rec in (("ngclearn", harness.run_ngclearn(case)), ("neurofuse", harness.run_neurofuse(case, tmp_path))):
        s = rec["z.outputs"]
        assert set(np.unique(s)) <= {0.0, 1.0}, side
        assert _binomial_ok(s.sum(), s.size, p), f"{side}: rate {s.mean():.5f}, expected {p:.5f}"
        # tols is t at the last spike: check it against the recorded spikes
        t = np.array(harness.step_times(0.0, dt, steps), np.float32)
        last = np.where(s[:, 0, :] > 0, t[:, None], np.nan)
        want = np.nan_to_num(np.fmax.accumulate(last, axis=0), nan=0.0)
        np.testing.assert_array_equal(rec["z.tols"][:, 0, :], want.astype(np.float32), err_msg=side)


@statistical
def test_reinforce_sampling(tmp_path):
    """With learning off, the action is mu + sd * N(0, 1) for mu = x @ W_mu and
    sd = exp(clip(x @ W_logstd, -10, 2)): both sides' samples must fit."""
    from cases import inst
    n_in, n_out, steps = 3, 2, 3000
    r = np.random.default_rng(31)
    w = r.uniform(0.05, 0.4, (n_in, 2 * n_out)).astype(np.float32)
    x = r.uniform(-0.5, 1.0, (1, n_in)).astype(np.float32)
    case = harness.Case(
        name="REINFORCE sampling", component="REINFORCESynapse", dt=1.0,
        instances=[inst("W", "REINFORCESynapse", shape=(n_in, n_out), eta=0.037)],
        processes={"evolve": ["W.evolve"]},
        phases=[harness.Phase(["evolve"], steps, sets={"W.weights": w, "W.inputs": x,
                                                        "W.rewards": np.ones((1,), np.float32)})])
    mu = (x.astype(np.float64) @ w[:, :n_out])[0]
    sd = np.exp(np.clip(x.astype(np.float64) @ w[:, n_out:], -10, 2))[0]
    for side, rec in (("ngclearn", harness.run_ngclearn(case)), ("neurofuse", harness.run_neurofuse(case, tmp_path))):
        y = rec["W.outputs"][:, 0, :].astype(np.float64)
        z = (y - mu) / sd
        assert np.all(np.abs(z.mean(axis=0)) < 5 / np.sqrt(steps)), f"{side}: mean {y.mean(axis=0)}, mu {mu}"
        assert np.all(np.abs(z.std(axis=0) - 1) < 5 / np.sqrt(2 * steps)), f"{side}: std {y.std(axis=0)}, sd {sd}"
        np.testing.assert_array_equal(rec["W.weights"][-1], w, err_msg=f"{side}: learning_mask 0 moved weights")


@statistical
def test_leaky_noise_sampling(tmp_path):
    """LeakyNoiseCell's noise, on both sides: with no leak and no input, x is
    a random walk with increments sqrt(2 tau_x sigma_pre^2) * eps * dt / tau_x,
    and r - x = eps * sigma_post (act_fx identity) uses the same eps (ngclearn
    splits the same key twice)."""
    from cases import inst
    n, steps, dt, tau_x, s_pre, s_post = 100, 200, 0.5, 7.3, 0.37, 0.23
    case = harness.Case(
        name="LeakyNoiseCell sampling", component="LeakyNoiseCell", dt=dt,
        instances=[inst("z", "LeakyNoiseCell", n_units=n, tau_x=tau_x, act_fx="identity", sigma_pre=s_pre,
                        sigma_post=s_post, leak_scale=0.0)],
        processes={"advance": ["z.advance_state"]},
        phases=[harness.Phase(["advance"], steps)])
    c = np.sqrt(2 * tau_x * s_pre ** 2) * dt / tau_x
    for side, rec in (("ngclearn", harness.run_ngclearn(case)), ("neurofuse", harness.run_neurofuse(case, tmp_path))):
        x = rec["z.x"][:, 0, :].astype(np.float64)
        eps_x = np.diff(np.concatenate([np.zeros((1, n)), x]), axis=0) / c
        eps_r = (rec["z.r"][:, 0, :].astype(np.float64) - x) / s_post
        m = eps_x.size
        assert abs(eps_x.mean()) < 5 / np.sqrt(m), f"{side}: mean {eps_x.mean()}"
        assert abs(eps_x.std() - 1) < 5 / np.sqrt(2 * m), f"{side}: std {eps_x.std()}"
        assert np.corrcoef(eps_x.ravel(), eps_r.ravel())[0, 1] > 0.999, f"{side}: pre and post noise differ"


@statistical
def test_phasor_rate(tmp_path):
    """PhasorCell with input 1 fires about dt * target_freq / 1000 times a
    step (the angle advances 2 pi dt target_freq / 1000 on average), on both
    sides (ngclearn's per-unit base_scale, Poisson(f) / f, has mean 1; the
    .nf cell's is 1)."""
    from cases import inst
    n, steps, dt, f = 200, 400, 1.0, 63.75
    case = harness.Case(
        name="PhasorCell rate", component="PhasorCell", dt=dt,
        instances=[inst("z", "PhasorCell", n_units=n, target_freq=f)],
        processes={"advance": ["z.advance_state"]},
        phases=[harness.Phase(["advance"], steps, sets={"z.inputs": np.ones((1, n), np.float32)})])
    want = dt * f / 1000
    for side, rec in (("ngclearn", harness.run_ngclearn(case)), ("neurofuse", harness.run_neurofuse(case, tmp_path))):
        s = rec["z.outputs"]
        assert set(np.unique(s)) <= {0.0, 1.0}, side
        assert abs(s.mean() / want - 1) < 0.05, f"{side}: rate {s.mean():.5f}, expected {want:.5f}"
