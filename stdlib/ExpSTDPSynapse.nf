# ExpSTDPSynapse: a dense synapse learning by trace-based STDP with an
# exponential weight dependence (Nessler et al. 2013; Diehl & Cook 2015,
# eq. 4), ngclearn's ExpSTDPSynapse. Forward pass, initialize and the
# compartments inputs, outputs, weights, mask, biases, gate come from
# DenseSynapse.
#
# evolve, in this order (W = weights, s = spikes, z = traces; the matrix
# products sum over the batch):
#   x_tar  = z_pre * 0 + pretrace_target                       [B, n_in]
#   dWpost = (exp(-exp_beta * W) * (z_pre^T @ s_post)
#             - exp(-exp_beta * (w_bound - W)) * (x_tar^T @ s_post)) * A_plus
#   dWpre  = -exp(-exp_beta * W) * (s_pre^T @ z_post) * A_minus  (only if A_minus > 0, else 0)
#   dW = dWpost + dWpre
#   W' = clip(W + dW * eta, 0.01, w_bound - 0.01), then 0 wherever weight_mask is 0
#   weights = W', dWeights = dW
# (eta is the compartment: a global learning rate the host may change.)
#
# Parameters (besides DenseSynapse's: shape, weight_init, g_conduct_factor
# (alias resist_scale), p_conn, mask_init, batch_size):
#   A_plus, A_minus, exp_beta   required: LTP and LTD magnitudes (A_minus <= 0
#                               switches LTD off) and the strength of the
#                               exponential weight dependence
#   eta = 1.0                   initial value of the eta compartment
#   pretrace_target = 0.0       target pre-synaptic trace (x_tar)
#   w_bound = 1.0               weights stay in [0.01, w_bound - 0.01]
#   tau_w = 0.0                 accepted and unused (see below)
#   weight_mask = none          fixed 0/1 structural mask (an initializer)
# Compartments (besides DenseSynapse's):
#   preSpike [B, n_in], postSpike [B, n_out], preTrace [B, n_in],
#   postTrace [B, n_out]: inputs; dWeights [n_in, n_out]: the last update;
#   eta [1, 1]: the learning rate (starts at the eta parameter);
#   weight_mask_values [n_in, n_out]: the drawn weight_mask (ones without one).
#
# reset (replaces DenseSynapse's): inputs, preSpike, postSpike, preTrace,
# postTrace = 0 unless wired; outputs = 0; dWeights = 0. Not touched:
# weights, eta, gate, mask, biases.
#
# Decisions on ngclearn's quirks:
#   * tau_w: ngclearn computes a decay term W / tau_w when tau_w > 0 and
#     never applies it (it is commented out of the update); here tau_w is
#     accepted and has no effect, as there.
#   * eta is both a constructor argument and a compartment in ngclearn; here
#     too (the parameter gives the compartment its initial value; methods
#     read the compartment).
#   * weight_mask is a plain array in ngclearn; here it is an initializer
#     drawn in initialize into weight_mask_values, which masks the initial
#     weights and every evolve, as in ngclearn (see TraceSTDPSynapse.nf).
#   * ngclearn resets preSpike/postSpike/preTrace/postTrace unconditionally
#     (into the source when wired); here each is guarded by `not wired(...)`.
#   * p_conn sparsifies the initial weights (see DenseSynapse.nf); ngclearn
#     forwards it into the stochastic-release slot instead.
component ExpSTDPSynapse extends DenseSynapse {
  param A_plus: float
  param A_minus: float
  param exp_beta: float
  param eta = 1.0
  param pretrace_target = 0.0
  param w_bound = 1.0
  param tau_w = 0.0
  param weight_mask: init = none

  input preSpike[batch_size, shape[0]] = 0
  input postSpike[batch_size, shape[1]] = 0
  input preTrace[batch_size, shape[0]] = 0
  input postTrace[batch_size, shape[1]] = 0
  state dWeights[shape[0], shape[1]] = 0
  state eta[1, 1] = eta
  state weight_mask_values[shape[0], shape[1]] = 1

  def initialize() {
    super.initialize()
    if weight_mask != none {
      weight_mask_values = weight_mask((shape[0], shape[1]))
      weights = weights * weight_mask_values
    }
  }

  def compute_update() {
    x_tar = preTrace * 0 + pretrace_target
    post_term1 = exp(-exp_beta * weights) * (transpose(preTrace) @ postSpike)
    post_term2 = exp(-exp_beta * (w_bound - weights)) * (transpose(x_tar) @ postSpike)
    dWpost = (post_term1 - post_term2) * A_plus
    dWpre = 0.0
    if A_minus > 0 {
      dWpre = -exp(-exp_beta * weights) * (transpose(preSpike) @ postTrace) * A_minus
    }
    return dWpost + dWpre
  }

  def evolve() {
    if storage == "sparse" {
      reject(storage, "ExpSTDPSynapse: its plasticity updates the whole (n_in, n_out) matrix; sparse storage is for the static transforms of DenseSynapse, StaticSynapse, ExponentialSynapse, AlphaSynapse and DoubleExpSynapse")
    }
    dW = compute_update()
    W = clip(weights + dW * eta, 0.01, w_bound - 0.01)
    if weight_mask != none {
      W = where(weight_mask_values != 0, W, 0.0)
    }
    weights = W
    dWeights = dW
  }

  def reset() {
    if not wired(inputs) {
      inputs = 0
    }
    outputs = 0
    if not wired(preSpike) {
      preSpike = 0
    }
    if not wired(postSpike) {
      postSpike = 0
    }
    if not wired(preTrace) {
      preTrace = 0
    }
    if not wired(postTrace) {
      postTrace = 0
    }
    dWeights = 0
  }
}
