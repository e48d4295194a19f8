"""A float32 NumPy transcription of ngc-museum's diehl_cook_snn exhibit
(exhibits/diehl_cook_snn/dcsnn_model.py: DC_SNN.process with
adapt_synapses=True, then DC_SNN.norm) with ngclearn's components, operation
by operation. The source followed is NACLab/ngc-learn at 6cfadd53 (the 3.2
line; these files are the same on its release branch):

- DenseSynapse.advance_state (components/synapses/denseSynapse.py), also
  StaticSynapse's: outputs = (matmul(inputs, weights * mask) * gate *
  g_conduct_factor) + biases, with mask = ones((1, 1)), gate = 1,
  g_conduct_factor = 1. and biases = 0.0 (no bias_init);
- PoissonCell.advance_state (components/input_encoders/poissonCell.py):
  outputs = (eps < inputs * (dt / 1000.) * target_freq), tols;
- ngcsimlib's Summation (operations/summation.py): s = a; s += b, so
  z1e.j = W1.outputs + W1ie.outputs;
- LIFCell.advance_state (components/neurons/spiking/LIFCell.py) with _dfv
  through step_euler (utils/diffeq/ode_utils.py: x * x_scale + dx_dt * dt),
  the arctan estimator's d_spike_fx (utils/surrogate_fx.py), the
  one_spike choice and _update_theta;
- VarTrace.advance_state (components/other/varTrace.py), exp decay, gated
  (a_delta = 0);
- TraceSTDPSynapse._compute_update and evolve
  (components/synapses/hebbian/traceSTDPSynapse.py), mu = 0;
- normalize_matrix(W, 78.4, order=1, axis=0) (utils/model_utils.py).

How JAX rounds (tests/ngclearn/README.md measured it): every compartment is
float32; t and dt arrive in the jitted process as weakly typed float32
scalars, so an expression with dt is float32 (-dt / tau_tr is
f32(-dt) / f32(tau_tr)); a Python float meeting a float32 array is rounded
to float32 once, and an expression of Python floats alone (1. / jnp.pi) is
binary64 rounded once. The arguments of a jitted helper (_dfv's params in
step_euler, d_spike_fx's alpha) are float32 tracers, so 1. / tau_m is a
float32 division.

Two orders XLA leaves unspecified follow neurofuse's defined ones
(docs/SEMANTICS.md), as tests/ngclearn does: a matrix product sums its
products left to right from the first product (which is what XLA does for
one row), and a sum over an axis adds in ascending index order from the first
element (normalize_matrix's column sums; XLA vectorizes them). exp is
correctly rounded (binary64, rounded once), as neurofuse's is; XLA's is not
always.

The random draws are inputs: `step` takes the Poisson spikes of z0 and a
function that picks z1e's one spike from the raw crossings (ngclearn:
argmax(s * uniform) as a one-hot). Replaying a neurofuse run passes its
recorded spikes; `poisson` and `one_spike_choice` draw them with NumPy.

`exact=False` replaces the left-to-right products and sums by NumPy's
(BLAS and pairwise) ones, for timing (examples/dcsnn/numpy_standin.py); its
values may differ in the last bits.

Every array is float32 [1, n] (batch 1, as the exhibit); nothing here uses
neurofuse.
"""
import numpy as np

f32 = np.float32

# The exhibit's constants (dcsnn_model.py DC_SNN.__init__), Python floats.
DT = 1.0
TAU_M = 100.500896468          # tau_m_e = tau_m_i
RESIST_M = TAU_M / DT          # resist_m = tau_m / dt, binary64
TAU_TR = 20.0
A_PLUS = 1e-2
A_MINUS = 1e-4
W_NORM = 78.4
TARGET_FREQ = 63.75
EXC = dict(thr=-52.0, v_rest=-65.0, v_reset=-60.0, tau_theta=1e7, theta_plus=0.05, refract_time=5.0)
INH = dict(thr=-40.0, v_rest=-60.0, v_reset=-45.0, tau_theta=0.0, theta_plus=0.05, refract_time=5.0)


def exp(x):
    """jnp.exp, correctly rounded: binary64 exp of the float32 argument,
    rounded once."""
    return f32(np.exp(np.float64(f32(x))))


def matmul(x, W, exact=True):
    """jnp.matmul(x, W) for x [1, K], W [K, N]: the products x[0,k] * W[k,n]
    (each rounded) added left to right from the first (np.cumsum is
    sequential)."""
    if not exact:
        return x @ W
    return np.cumsum(x.reshape(-1, 1) * W, axis=0, dtype=f32)[-1:]


def outer(a, b):
    """jnp.matmul(a.T, b) for a [1, M], b [1, N]: one product per element."""
    return a.reshape(-1, 1) * b


def column_sum(A, exact=True):
    """jnp.sum(A, axis=0, keepdims=True), ascending rows from the first."""
    if not exact:
        return A.sum(axis=0, keepdims=True, dtype=f32)
    return np.cumsum(A, axis=0, dtype=f32)[-1:]


def constant_init(n, value, hollow=False, eye=False):
    """DistributionGenerator.constant(value, hollow=..., eye=...) on (n, n):
    value everywhere, zero on the diagonal (hollow) or only on it (eye)."""
    W = np.full((n, n), f32(value), f32)
    if hollow:
        W = W * (f32(1) - np.eye(n, dtype=f32))
    if eye:
        W = W * np.eye(n, dtype=f32)
    return W


class DenseSynapse:
    """StaticSynapse / DenseSynapse.advance_state, default mask, gate, bias."""

    def __init__(self, weights):
        self.weights = np.asarray(weights, f32)
        self.mask = np.ones((1, 1), f32)               # _mask = jnp.ones((1, 1))
        self.g_conduct_factor = 1.0
        self.biases = 0.0                               # Compartment(0.0) without bias_init
        self.outputs = np.zeros((1, self.weights.shape[1]), f32)
        self.gate = np.ones((1, self.weights.shape[1]), f32)

    def advance_state(self, inputs, exact=True):
        # DenseSynapse.advance_state: weights = weights * mask; no delay, no
        # stochastic release; outputs = (matmul(inputs, weights) * gate *
        # g_conduct_factor) + biases
        weights = self.weights * self.mask
        self.outputs = (matmul(inputs, weights, exact) * self.gate * f32(self.g_conduct_factor)) + f32(self.biases)
        return self.outputs

    def reset(self):
        # DenseSynapse.reset (W1ie, W1ei): outputs = 0; inputs are wired, gate
        # stays 1. TraceSTDPSynapse.reset (W1) also sets preSpike, postSpike,
        # preTrace, postTrace and dWeights to zeros: the first four are wired
        # to z0.outputs, z1e.s, tr0.trace, tr1.trace, which the reset process
        # zeroed before W1.reset, so that changes nothing.
        self.outputs = np.zeros_like(self.outputs)


class TraceSTDPSynapse(DenseSynapse):
    """TraceSTDPSynapse, mu = 0, eta = 1, pretrace_target = 0, w_bound = 1,
    tau_w = 0, no weight_mask (jnp.ones((1, 1)))."""

    def __init__(self, weights, A_plus=A_PLUS, A_minus=A_MINUS):
        super().__init__(weights)
        self.Aplus, self.Aminus = A_plus, A_minus
        self.eta, self.mu, self.preTrace_target = 1.0, 0.0, 0.0
        self.w_bound, self.w_eps, self.tau_w = 1.0, 0.0, 0.0
        self.weight_mask = np.ones((1, 1), f32)

    def _compute_update(self, preSpike, postSpike, preTrace, postTrace):
        # TraceSTDPSynapse._compute_update, the mu = 0 branch:
        # dWpost = matmul((preTrace - preTrace_target).T, postSpike * Aplus)
        # dWpre = -matmul(preSpike.T, postTrace * Aminus)   (Aminus > 0)
        dWpost = outer(preTrace - f32(self.preTrace_target), postSpike * f32(self.Aplus))
        dWpre = -outer(preSpike, postTrace * f32(self.Aminus))
        return dWpost + dWpre

    def evolve(self, preSpike, postSpike, preTrace, postTrace):
        # TraceSTDPSynapse.evolve: decayTerm = 0. (tau_w = 0);
        # w = weights + (dWeights * eta) - decayTerm;
        # w = clip(w, w_eps, w_bound - w_eps); where(weight_mask != 0, w, 0.)
        dWeights = self._compute_update(preSpike, postSpike, preTrace, postTrace)
        w = self.weights + (dWeights * f32(self.eta)) - f32(0.0)
        w = np.clip(w, f32(self.w_eps), f32(self.w_bound - self.w_eps))
        w = np.where(self.weight_mask != f32(0), w, f32(0))
        self.weights = w.astype(f32)
        self.dWeights = dWeights


class LIFCell:
    """LIFCell, Euler, v_min = None, batch 1."""

    def __init__(self, n, tau_m, resist_m, thr, v_rest, v_reset, tau_theta, theta_plus, refract_time,
                 conduct_leak=1.0, one_spike=False):
        self.n = n
        self.tau_m, self.resist_m, self.thr = tau_m, resist_m, thr
        self.v_rest, self.v_reset, self.g_L = v_rest, v_reset, conduct_leak
        self.tau_theta, self.theta_plus, self.refract_T = tau_theta, theta_plus, refract_time
        self.one_spike = one_spike
        z = np.zeros((1, n), f32)
        self.j = z.copy()
        self.v = z + f32(v_rest)
        self.s = z.copy()
        self.s_raw = z.copy()
        self.rfr = z + f32(refract_time)
        self.thr_theta = z.copy()
        self.tols = z.copy()
        self.surrogate = z + f32(1.0)
        self.v_thr = z + f32(thr)

    def _dfv(self, v, j, rfr):
        # LIFCell._dfv(t, v, params), params = (j, rfr, tau_m, refract_T,
        # v_rest, g_L) as float32 tracers of the jitted step_euler
        tau_m, refract_T, v_rest, g_L = f32(self.tau_m), f32(self.refract_T), f32(self.v_rest), f32(self.g_L)
        mask = (rfr >= refract_T).astype(f32) * f32(1.0)
        dv_dt = (v_rest - v) * g_L + (j * mask)
        dv_dt = dv_dt * (f32(1.0) / tau_m)
        return dv_dt

    def advance_state(self, j_in, t, dt, choose=None):
        """One LIFCell.advance_state; choose(raw_spikes) gives the one-hot
        of the one-spike choice (called only when a unit crossed)."""
        dt = f32(dt)
        self.j = j_in
        j = self.j * f32(self.resist_m)
        _v_thr = self.thr_theta + f32(self.thr)
        # step_euler -> _euler -> _step_forward: _x = x * x_scale + dx_dt * dt
        dv_dt = self._dfv(self.v, j, self.rfr)
        _v = self.v * f32(1.0) + dv_dt * dt
        s = (_v > _v_thr).astype(f32) * f32(1.0)
        _rfr = (self.rfr + dt) * (f32(1.0) - s)
        # arctan_estimator's d_spike_fx(_v, _v_thr, alpha=0.2), alpha a
        # float32 tracer: divTerm = square(v_centered * pi * (alpha / 2.)),
        # dfx = (1. / (1. + divTerm)) * (1. / pi), 1. / pi binary64
        v_centered = _v - _v_thr
        alpha = f32(0.2)
        divTerm = np.square(v_centered * f32(np.pi) * (alpha / f32(2.0)))
        ds_dv = (f32(1.0) / (f32(1.0) + divTerm)) * f32(1.0 / np.pi)
        ds_dj = (f32(self.resist_m) * dt) / f32(self.tau_m)   # resist_m * dt (float32) / tau_m.get()
        self.surrogate = ds_dv * ds_dj
        # after-potential: _v = _v * (1. - s) + s * v_reset
        _v = _v * (f32(1.0) - s) + s * f32(self.v_reset)
        raw_s = s
        if self.one_spike:
            # m_switch = (sum(s, axis=1, keepdims=True) > 0.); rS = one_hot(
            # argmax(s * uniform)); s = s * (1. - m_switch) + rS * m_switch
            m_switch = (s.sum(axis=1, keepdims=True) > 0).astype(f32)
            rS = np.asarray(choose(raw_s), f32).reshape(1, -1) if m_switch[0, 0] else np.zeros_like(s)
            s = s * (f32(1.0) - m_switch) + rS * m_switch
        if self.tau_theta > 0.:
            # _update_theta(dt, thr_theta, raw_s, tau_theta, theta_plus):
            # v_theta * exp(-dt / tau_theta) + s * theta_plus
            theta_decay = exp(-dt / f32(self.tau_theta))
            self.thr_theta = self.thr_theta * theta_decay + raw_s * f32(self.theta_plus)
            self.v_thr = f32(self.thr) + self.thr_theta
        # tols = (1. - s) * tols + (s * t): the chosen spikes
        self.tols = (f32(1.0) - s) * self.tols + (s * f32(t))
        self.v = _v                       # v_min is None: no floor
        self.s = s
        self.s_raw = raw_s
        self.rfr = _rfr
        return s

    def reset(self):
        # LIFCell.reset: j is wired; thr_theta is kept
        z = np.zeros((1, self.n), f32)
        self.v = z + f32(self.v_rest)
        self.s = z.copy()
        self.s_raw = z.copy()
        self.surrogate = z + f32(1.0)
        self.rfr = z + f32(self.refract_T)
        self.tols = z.copy()
        self.v_thr = z + f32(self.thr)


class VarTrace:
    """VarTrace, decay_type "exp", a_delta = 0 (gated), P_scale = 1,
    gamma_tr = 1 (a Python int), n_nearest_spikes = 0."""

    def __init__(self, n, tau_tr=TAU_TR):
        self.n, self.tau_tr = n, tau_tr
        self.gamma_tr, self.a_delta, self.P_scale = 1, 0.0, 1.0
        self.trace = np.zeros((1, n), f32)

    def advance_state(self, inputs, dt):
        # VarTrace.advance_state: decayFactor = exp(-dt / tau_tr);
        # _x_tr = gamma_tr * trace * decayFactor; a_delta <= 0:
        # _x_tr = _x_tr * (1. - inputs) + inputs * P_scale
        decayFactor = exp(-f32(dt) / f32(self.tau_tr))
        _x_tr = self.gamma_tr * self.trace * decayFactor
        _x_tr = _x_tr * (f32(1.0) - inputs) + inputs * f32(self.P_scale)
        self.trace = _x_tr.astype(f32)
        return self.trace

    def reset(self):
        self.trace = np.zeros((1, self.n), f32)


def poisson(rng, inputs, dt=DT, target_freq=TARGET_FREQ):
    """PoissonCell.advance_state with NumPy's draws: eps ~ U[0, 1) float32,
    outputs = (eps < inputs * (dt / 1000.) * target_freq)."""
    pspike = inputs * (f32(dt) / f32(1000.0)) * f32(target_freq)
    eps = rng.random(inputs.shape, dtype=f32)
    return (eps < pspike).astype(f32)


def one_spike_choice(rng):
    """LIFCell's one_spike choice with NumPy's draws: one_hot(argmax(s *
    uniform(s.shape)))."""
    def choose(s):
        rS = s * rng.random(s.shape, dtype=f32)
        return np.eye(s.shape[1], dtype=f32)[np.argmax(rS, axis=1)]
    return choose


class DCSNN:
    """DC_SNN of dcsnn_model.py: z0 -(W1)-> z1e <-(W1ie)- z1i <-(W1ei)- z1e,
    traces tr0 (of z0) and tr1 (of z1e), W1 learning by trace STDP."""

    def __init__(self, W1, n_hidden, exact=True):
        n_in = W1.shape[0]
        self.exact = exact
        self.W1 = TraceSTDPSynapse(W1)
        self.W1ie = DenseSynapse(constant_init(n_hidden, -120.0, hollow=True))
        self.W1ei = DenseSynapse(constant_init(n_hidden, 22.5, eye=True))
        self.z1e = LIFCell(n_hidden, TAU_M, RESIST_M, one_spike=True, **EXC)
        self.z1i = LIFCell(n_hidden, TAU_M, RESIST_M, one_spike=False, **INH)
        self.tr0 = VarTrace(n_in)
        self.tr1 = VarTrace(n_hidden)
        self.z0_inputs = np.zeros((1, n_in), f32)
        self.z0_outputs = np.zeros((1, n_in), f32)
        self.z0_tols = np.zeros((1, n_in), f32)

    def reset(self):
        """reset_process: z0, z1e, z1i, tr0, tr1, W1, W1ie, W1ei."""
        # PoissonCell.reset: outputs = 0, tols = 0 (the hasattr idiom never
        # resets inputs; clamp() sets them next)
        self.z0_outputs = np.zeros_like(self.z0_outputs)
        self.z0_tols = np.zeros_like(self.z0_tols)
        self.z1e.reset()
        self.z1i.reset()
        self.tr0.reset()
        self.tr1.reset()
        self.W1.reset()
        self.W1ie.reset()
        self.W1ei.reset()

    def clamp(self, x):
        """DC_SNN.clamp: z0.inputs = x."""
        self.z0_inputs = np.asarray(x, f32).reshape(1, -1)

    def advance(self, t, spikes, choose, dt=DT):
        """advance_process: W1, W1ie, W1ei transmit the spikes of the last
        step; z0 emits `spikes` (its Poisson draw); z1e, z1i, tr0, tr1."""
        e = self.exact
        self.W1.advance_state(self.z0_outputs, e)             # z0.outputs >> W1.inputs
        self.W1ie.advance_state(self.z1i.s, e)                # z1i.s >> W1ie.inputs
        self.W1ei.advance_state(self.z1e.s, e)                # z1e.s >> W1ei.inputs
        # PoissonCell.advance_state (the draw given), tols
        self.z0_outputs = np.asarray(spikes, f32).reshape(1, -1)
        self.z0_tols = (f32(1.0) - self.z0_outputs) * self.z0_tols + (self.z0_outputs * f32(t))
        j = self.W1.outputs                                   # Summation(W1.outputs, W1ie.outputs)
        j = j + self.W1ie.outputs
        self.z1e.advance_state(j, t, dt, choose)
        self.z1i.advance_state(self.W1ei.outputs, t, dt)      # W1ei.outputs >> z1i.j
        self.tr0.advance_state(self.z0_outputs, dt)           # z0.outputs >> tr0.inputs
        self.tr1.advance_state(self.z1e.s, dt)                # z1e.s >> tr1.inputs

    def evolve(self):
        """evolve_process: W1.evolve with preSpike z0.outputs, postSpike z1e.s,
        preTrace tr0.trace, postTrace tr1.trace."""
        self.W1.evolve(self.z0_outputs, self.z1e.s, self.tr0.trace, self.tr1.trace)

    def norm(self):
        """DC_SNN.norm: normalize_matrix(W1, wNorm, order=1, axis=0):
        wOrdSum = maximum(sum(abs(W), axis=0, keepdims=True), 1e-8);
        m = (wOrdSum == 0.); wOrdSum = wOrdSum * (1. - m) + m;
        W * (wnorm / wOrdSum). Gives the factors wnorm / wOrdSum [1, n]."""
        data = self.W1.weights
        wOrdSum = np.maximum(column_sum(np.abs(data), self.exact), f32(1e-8))
        m = (wOrdSum == f32(0.0)).astype(f32)
        wOrdSum = wOrdSum * (f32(1.0) - m) + m
        scale = f32(W_NORM) / wOrdSum
        self.W1.weights = data * scale
        return scale


# What replay() gives per step, named as neurofuse's compartments.
PER_STEP = ("z0.tols", "W1.outputs", "W1ie.outputs", "z1i.j", "z1e.j",
            "z1e.v", "z1e.s_raw", "z1e.s", "z1e.rfr", "z1e.thr_theta", "z1e.v_thr", "z1e.tols", "z1e.surrogate",
            "z1i.v", "z1i.s", "z1i.rfr", "z1i.tols", "z1i.surrogate",
            "tr0.trace", "tr1.trace")


def _picked(chosen, step):
    """choose() for replay: the recorded one-spike choice of `step`, checked
    to be one of the raw crossings."""
    def choose(raw):
        c = np.asarray(chosen, f32).reshape(raw.shape)
        crossed = np.flatnonzero(raw)
        picked = np.flatnonzero(c)
        if len(picked) != 1 or not np.all(np.isin(c.ravel(), (0, 1))) or picked[0] not in crossed:
            raise AssertionError(f"step {step}: the recorded z1e.s {picked.tolist()} is not one of the "
                                 f"raw crossings {crossed.tolist()}")
        return c
    return choose


def replay(W1, images, z0_spikes, z1e_s, T, norm=True):
    """DC_SNN.process(image, adapt_synapses=True) for each image from the
    weights W1 [n_in, n_hidden], with the draws of a recorded run:
    z0_spikes [len(images) * T, n_in] (z0's Poisson spikes) and z1e_s [same,
    n_hidden] (z1e's spikes after the one-spike choice; used only where a
    unit crossed, and checked to be one of the crossings). Gives
    {name: [len(images) * T, n]} for PER_STEP, and W1 after each image's T
    steps ("W1.steps", [images, n_in, n_hidden]) and after its norm
    ("W1.norm"; without norm=True, after the steps only), and the norm's
    column factors wnorm / wOrdSum ("W1.scale", [images, 1, n_hidden])."""
    W1 = np.asarray(W1, f32)
    net = DCSNN(W1, W1.shape[1])
    rec = {k: [] for k in PER_STEP}
    after_steps, after_norm, scales = [], [], []
    k = 0
    for x in images:
        net.reset()
        net.clamp(x)
        for i in range(T):
            net.advance(f32(i) * f32(DT), z0_spikes[k], _picked(z1e_s[k], k))
            if not np.any(net.z1e.s_raw) and np.any(z1e_s[k]):
                raise AssertionError(f"step {k}: z1e.s has a spike {np.flatnonzero(z1e_s[k]).tolist()} "
                                     "where no unit crossed")
            net.evolve()
            values = {"z0.tols": net.z0_tols, "W1.outputs": net.W1.outputs, "W1ie.outputs": net.W1ie.outputs,
                      "z1i.j": net.W1ei.outputs, "z1e.j": net.z1e.j,
                      "tr0.trace": net.tr0.trace, "tr1.trace": net.tr1.trace}
            for c in ("z1e", "z1i"):
                cell = getattr(net, c)
                for a in ("v", "s_raw", "s", "rfr", "thr_theta", "v_thr", "tols", "surrogate"):
                    values[f"{c}.{a}"] = getattr(cell, a)
            for name in PER_STEP:
                rec[name].append(values[name].reshape(-1).copy())
            k += 1
        after_steps.append(net.W1.weights.copy())
        if norm:
            scales.append(net.norm())
            after_norm.append(net.W1.weights.copy())
    out = {k: np.stack(v).astype(f32) for k, v in rec.items()}
    out["W1.steps"] = np.stack(after_steps)
    if norm:
        out["W1.norm"] = np.stack(after_norm)
        out["W1.scale"] = np.stack(scales)
    return out
