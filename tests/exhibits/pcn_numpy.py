"""A float32 NumPy transcription of one mini-batch of ngc-museum's pc_discrim
exhibit: PCN.process() of exhibits/pc_discrim/pcn_model.py with the
components of ngclearn 3.2.3, operation by operation:

- RateCell.advance_state (components/neurons/graded/rateCell.py): stateful,
  j = _modulate(j, dfx(z)) * resist_scale, then _run_cell with Euler
  (utils/diffeq/ode_utils.py step_euler: x + dx * dt) over
  _dfz_internal_gaussian: (-z * leak_gamma + (j + j_td)) * (1. / tau_m) with
  tau_m a float32 array inside the jitted stepper; stateless,
  _run_cell_stateless(j + j_td) = (j + j_td) + 0; zF = fx(z) * output_scale;
- the activation functions of utils/model_utils.py: sigmoid(x) =
  1. / (1. + exp(-x)), d_sigmoid(x) = s * (1. - s);
- DenseSynapse.advance_state (components/synapses/denseSynapse.py):
  (matmul(inputs, weights * mask) * gate * g_conduct_factor) + biases;
- GaussianErrorCell.advance_state (components/neurons/graded/
  gaussianErrorCell.py): e = target - mu, dmu = e / Sigma, dtarget = -dmu,
  L = -sum(e * e) * (0.5 / Sigma), both derivatives times modulator and mask;
- HebbianSynapse.evolve (components/synapses/hebbian/hebbianSynapse.py,
  _calc_update) with Adam (utils/optim/adam.py step_update): dW =
  matmul(pre.T, post), db = sum(post, axis=0), dW + 0., times sign_value;
  g1 = beta1 * g1 + (1. - beta1) * u, g2 = beta2 * g2 + (1. - beta2) * u^2,
  p - eta * (g1 / (1. - beta1^t)) / (sqrt(g2 / (1. - beta2^t)) + eps).

Python floats meeting float32 arrays are rounded to float32 once (JAX's weak
types): 1. - beta1 is a binary64 subtraction, then rounded. Sums and matrix
products follow neurofuse's defined order (docs/SEMANTICS.md: left to right,
from the first term), which XLA leaves unspecified; exp and pow are
correctly rounded (binary64, rounded once), as neurofuse's are.

Every array is float32; nothing here uses neurofuse.
"""
import numpy as np

f32 = np.float32


def matmul(a, b):
    """(M, K) @ (K, N): each product rounded, summed from the first product
    in ascending k."""
    a, b = a.astype(f32), b.astype(f32)
    acc = a[:, 0:1] * b[0:1, :]
    for k in range(1, a.shape[1]):
        acc = acc + a[:, k:k + 1] * b[k:k + 1, :]
    return acc


def seq_sum(x, axis):
    """A sum in ascending index order from the first element (np.sum pairs)."""
    return np.cumsum(x, axis=axis, dtype=f32).take([-1], axis=axis)


def exp(x):
    return np.exp(x.astype(np.float64)).astype(f32)


def sigmoid(x):
    return f32(1.0) / (f32(1.0) + exp(-x))


def d_sigmoid(x):
    s = sigmoid(x)
    return s * (f32(1.0) - s)


def identity(x):
    return x


def rate_stateless(j, j_td, fx):
    """RateCell with tau_m = 0: (z, zF)."""
    z = (j + j_td) + f32(0.0)
    return z, fx(z) * f32(1.0)


def rate_stateful(j, j_td, z, tau_m, dt, fx, dfx):
    """RateCell, Gaussian prior of weight 0, Euler: (z, zF)."""
    J = (j * dfx(z)) * f32(1.0)                        # _modulate, resist_scale
    j_total = J + np.zeros_like(z)                      # j + j_lat (no lateral)
    dz = (-z * f32(0.0) + (j_total + j_td)) * (f32(1.0) / f32(tau_m))
    z = z + dz * f32(dt)
    return z, fx(z) * f32(1.0)


def dense(inputs, weights, biases):
    """DenseSynapse / StaticSynapse / HebbianSynapse forward (mask, gate and
    g_conduct_factor all ones)."""
    mask = np.ones_like(weights)
    gate = np.ones((inputs.shape[0], weights.shape[1]), f32)
    return (matmul(inputs, weights * mask) * gate * f32(1.0)) + biases


def gaussian_error(mu, target, sigma=f32(1.0)):
    """GaussianErrorCell: (dmu, dtarget, L) with modulator and mask ones."""
    Sigma = np.full((1, 1), sigma, f32)
    ones = np.ones_like(mu)
    e = target - mu
    dmu = e / Sigma
    dtarget = -dmu
    L = -seq_sum((e * e).reshape(1, -1), axis=1) * (f32(0.5) / Sigma)
    return dmu * ones * ones, dtarget * ones * ones, L.reshape(())


def adam(param, update, g1, g2, t, eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    """utils/optim/adam.py step_update; t the float32 step counter after + 1."""
    g1 = f32(beta1) * g1 + f32(1.0 - beta1) * update
    g2 = f32(beta2) * g2 + f32(1.0 - beta2) * np.square(update)
    c1 = f32(1.0) - f32(np.float64(f32(beta1)) ** np.float64(t))
    c2 = f32(1.0) - f32(np.float64(f32(beta2)) ** np.float64(t))
    g1_unb = g1 / c1
    g2_unb = g2 / c2
    param = param - f32(eta) * g1_unb / (np.sqrt(g2_unb) + f32(eps))
    return param, g1, g2


def hebbian_evolve(pre, post, W, b, opt, sign_value=-1.0):
    """HebbianSynapse.evolve with w_bound 0, no prior, Adam; opt =
    (g1_W, g2_W, g1_b, g2_b, t). Gives (W, b, opt, dW, db)."""
    dW = matmul((pre * f32(1.0)).T, post * f32(1.0))
    db = seq_sum(post * f32(1.0), axis=0)
    dW = (dW + f32(0.0)) * f32(sign_value)
    db = db * f32(sign_value)
    g1w, g2w, g1b, g2b, t = opt
    t = f32(t + f32(1.0))
    W, g1w, g2w = adam(W, dW, g1w, g2w, t)
    b, g1b, g2b = adam(b, db, g1b, g2b, t)
    W = W * np.ones_like(W)                             # weights * mask
    return W, b, (g1w, g2w, g1b, g2b, t), dW, db


def process(params, obs, lab, T=20, tau_m=25.0, dt=1.0, adapt_synapses=True):
    """PCN.process(obs, lab) on params = {"W1", "b1", ..., "W3", "b3",
    "opt1".."opt3"} (copied, not changed). Gives a dict of everything the
    step produces: the projection (q1z, q2z, q3z, eq3_dmu), the settled cells
    after T E-steps (z1z, z2z, z1zF, z2zF, e1_dmu, e2_dmu, e3_dmu, e3_mu, L1,
    L2, L3, efe) and the learned parameters (W1.., b1.., opt1..)."""
    eps = 0.001
    _lab = np.clip(lab, f32(eps), f32(1.0 - eps)).astype(f32)
    W = {k: params[f"W{k}"].astype(f32) for k in (1, 2, 3)}
    b = {k: params[f"b{k}"].astype(f32) for k in (1, 2, 3)}
    B = obs.shape[0]
    zeros = lambda n: np.zeros((B, n), f32)
    out = {}

    # P-step: q0 -(Q1 = W1)-> q1 -(Q2 = W2)-> q2 -(Q3 = W3)-> q3; eq3 with mu unwired (0)
    q0z, q0zF = rate_stateless(obs.astype(f32), zeros(784), identity)
    q1z, q1zF = rate_stateless(dense(q0zF, W[1], b[1]), zeros(512), sigmoid)
    q2z, q2zF = rate_stateless(dense(q1zF, W[2], b[2]), zeros(512), sigmoid)
    q3z, _ = rate_stateless(dense(q2zF, W[3], b[3]), zeros(10), identity)
    eq3_dmu, eq3_dtarget, _ = gaussian_error(zeros(10), _lab)
    out.update(q1z=q1z, q2z=q2z, q3z=q3z, eq3_dmu=eq3_dmu)
    if not adapt_synapses:
        return out

    # the generative circuit after reset, initialized from the projection
    z1z, z2z = q1z.copy(), q2z.copy()
    e1_dmu, e1_dtarget = zeros(512), zeros(512)
    e2_dmu, e2_dtarget = zeros(512), zeros(512)
    e3_dmu, e3_dtarget = eq3_dmu.copy(), eq3_dtarget.copy()
    E2, E3 = W[2].T.copy(), W[3].T.copy()
    zero_bias = f32(0.0)
    for _ in range(T):
        E2_out = dense(e2_dmu, E2, zero_bias)
        E3_out = dense(e3_dmu, E3, zero_bias)
        z0z, z0zF = rate_stateless(obs.astype(f32), zeros(784), identity)
        z1z, z1zF = rate_stateful(E2_out, e1_dtarget, z1z, tau_m, dt, sigmoid, d_sigmoid)
        z2z, z2zF = rate_stateful(E3_out, e2_dtarget, z2z, tau_m, dt, sigmoid, d_sigmoid)
        z3z, _ = rate_stateless(_lab, zeros(10), identity)
        W1_out = dense(z0zF, W[1], b[1])
        W2_out = dense(z1zF, W[2], b[2])
        W3_out = dense(z2zF, W[3], b[3])
        e1_dmu, e1_dtarget, L1 = gaussian_error(W1_out, z1z)
        e2_dmu, e2_dtarget, L2 = gaussian_error(W2_out, z2z)
        e3_dmu, e3_dtarget, L3 = gaussian_error(W3_out, z3z)
    out.update(z1z=z1z, z2z=z2z, z1zF=z1zF, z2zF=z2zF, e1_dmu=e1_dmu, e2_dmu=e2_dmu, e3_dmu=e3_dmu,
               e3_mu=W3_out, L1=L1, L2=L2, L3=L3, efe=(L3 + L2) + L1)

    # M-step
    for k, pre, post in ((1, z0zF, e1_dmu), (2, z1zF, e2_dmu), (3, z2zF, e3_dmu)):
        Wk, bk, opt, dW, db = hebbian_evolve(pre, post, W[k], b[k], params[f"opt{k}"])
        out[f"W{k}"], out[f"b{k}"], out[f"opt{k}"] = Wk, bk, opt
        out[f"dW{k}"], out[f"db{k}"] = dW, db
    return out
