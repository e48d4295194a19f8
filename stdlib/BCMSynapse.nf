# BCMSynapse: a dense synapse learning by the BCM (Bienenstock-Cooper-Munro)
# rule with a sliding modification threshold, ngclearn's BCMSynapse. Forward
# pass, initialize and the compartments inputs, outputs, weights, mask,
# biases, gate come from DenseSynapse.
#
# evolve(t, dt), in this order (W = weights, x = pre, y = post, all from
# before the call):
#   post_term = (y * (y - theta)) * (1 / (theta + 1e-7))       [B, n_out]
#   dW = x^T @ post_term                     (sums over the batch)
#   w_bound > 0:  dW = dW * (w_bound - |W|)
#   dW = -W * w_decay + dW
#   W' = W + dW * dt / tau_w
#   theta' = theta + (-theta + mean(y * y, axis=0)) * dt / tau_theta
#   weights = W', theta = theta', dWeights = dW, post_term = post_term
# (Euler steps of tau_w dW/dt = -w_decay W + x^T (y (y - theta) / theta) and
# tau_theta dtheta/dt = -theta + <y^2>_batch; the weights are not clipped.)
#
# Parameters (besides DenseSynapse's: shape, weight_init, g_conduct_factor
# (alias resist_scale), p_conn, mask_init, batch_size):
#   tau_w, tau_theta     required: time constants of the weights and of the
#                        threshold (ms)
#   theta0 = -1.0        initial threshold
#   w_bound = 0.0        > 0: soft bound dW * (w_bound - |W|)
#   w_decay = 0.0        weight decay
# Compartments (besides DenseSynapse's):
#   pre [B, n_in], post [B, n_out]: inputs; post_term [B, n_out]: the
#   post-synaptic factor of the last update; theta [B, n_out]: the
#   modification thresholds (start at theta0); dWeights [n_in, n_out]: the
#   last update (per unit time, before dt / tau_w).
#
# reset (replaces DenseSynapse's): inputs, pre, post = 0 unless wired;
# outputs = 0; dWeights = 0; post_term = 0. Not touched: theta (the
# threshold persists across resets, as in ngclearn), weights, gate, mask,
# biases.
#
# Decisions on ngclearn's quirks:
#   * The weights are never clipped: w_bound only scales dW (ngclearn's
#     "TODO" on this update).
#   * theta is [B, n_out] (it starts as postVals + theta0) but every row
#     moves toward the same batch mean, as in ngclearn.
#   * 1 / (theta + 1e-7): the default theta0 = -1 gives a negative threshold,
#     and a theta crossing -1e-7 divides by (nearly) zero, as in ngclearn.
#   * ngclearn resets pre and post unconditionally (into the source when
#     wired); here each is guarded by `not wired(...)`.
#   * p_conn sparsifies the initial weights (see DenseSynapse.nf); ngclearn
#     forwards it into the stochastic-release slot instead.
component BCMSynapse extends DenseSynapse {
  param tau_w: float
  param tau_theta: float
  param theta0 = -1.0
  param w_bound = 0.0
  param w_decay = 0.0

  input pre[batch_size, shape[0]] = 0
  input post[batch_size, shape[1]] = 0
  state post_term[batch_size, shape[1]] = 0
  state theta[batch_size, shape[1]] = theta0
  state dWeights[shape[0], shape[1]] = 0

  def evolve(t, dt) {
    if storage == "sparse" {
      reject(storage, "BCMSynapse: its plasticity updates the whole (n_in, n_out) matrix; sparse storage is for the static transforms of DenseSynapse, StaticSynapse, ExponentialSynapse, AlphaSynapse and DoubleExpSynapse")
    }
    pt = post * (post - theta) * (1 / (theta + 1e-7))
    dW = transpose(pre) @ pt
    if w_bound > 0 {
      dW = dW * (w_bound - abs(weights))
    }
    dW = -weights * w_decay + dW
    W = weights + dW * dt / tau_w
    dtheta = mean(post * post, axis=0, keepdims=true)
    th = theta + (-theta + dtheta) * dt / tau_theta
    weights = W
    theta = th
    dWeights = dW
    post_term = pt
  }

  def reset() {
    if not wired(inputs) {
      inputs = 0
    }
    outputs = 0
    if not wired(pre) {
      pre = 0
    }
    if not wired(post) {
      post = 0
    }
    dWeights = 0
    post_term = 0
  }
}
