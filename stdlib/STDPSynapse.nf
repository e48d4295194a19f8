# STDPSynapse: a dense synapse learning by classical (pair-based, exponential
# window) STDP on times of last spike, ngclearn's STDPSynapse. Forward pass,
# initialize and the compartments inputs, outputs, weights, mask, biases,
# gate come from DenseSynapse.
#
# evolve(t, dt), in this order (W = weights, s = spikes, tols = times of last
# spike; [c] is 1.0 where c holds, else 0.0):
#   t_delta = ((W * 0 + 1) * post_tols - pre_tols^T) * [post_tols > 0] * [pre_tols > 0]^T
#                                                        [n_in, n_out]
#   dWpost  = (exp(-t_delta / tau_plus) * [t_delta > 0]) * (postSpike * A_plus)
#   dWpre   = -(exp(-t_delta / tau_minus) * [t_delta < 0]) * (preSpike^T * A_minus)
#             (only if A_minus > 0, else 0)
#   dW = dWpost + dWpre
#   tau_w > 0:  W' = W + (-W * dt / tau_w + dW * eta)
#   else:       W' = W + dW * eta - W * w_decay
#   weights = clip(W', 0.001, w_bound - 0.001), dWeights = dW
# (eta is the compartment: a global learning rate the host may change.)
#
# Parameters (besides DenseSynapse's: shape, weight_init, g_conduct_factor
# (alias resist_scale), p_conn, mask_init, batch_size):
#   A_plus, A_minus      LTP and LTD magnitudes, required; A_minus <= 0
#                        switches LTD off
#   tau_plus = 10.0      LTP time constant (alias au_plus, the name in
#                        ngclearn's signature)
#   tau_minus = 10.0     LTD time constant
#   w_decay = 0.0        weight decay of the plain update (tau_w = 0)
#   eta = 1.0            initial value of the eta compartment
#   tau_w = 0.0          > 0: Euler-style decay -W * dt / tau_w instead of w_decay
#   w_bound = 1.0        weights stay in [0.001, w_bound - 0.001]
# Compartments (besides DenseSynapse's):
#   preSpike [B, n_in], postSpike [B, n_out], pre_tols [B, n_in],
#   post_tols [B, n_out]: inputs; dWeights [n_in, n_out]: the last update;
#   eta [1, 1]: the learning rate (starts at the eta parameter).
#
# reset (replaces DenseSynapse's): inputs, preSpike, postSpike, pre_tols,
# post_tols = 0 unless wired; outputs = 0; dWeights = 0. Not touched:
# weights, eta, gate, mask, biases.
#
# Decisions on ngclearn's quirks:
#   * ngclearn 3.2.3 cannot construct this synapse: the signature spells the
#     LTP time constant `au_plus`, the body reads `tau_plus` (NameError), and
#     passing tau_plus= fails in JaxComponent. The evident intent is
#     implemented: tau_plus (default 10) is the LTP time constant, au_plus an
#     alias of it. The differential test gives ngclearn's module a global
#     tau_plus so that its code runs as written.
#   * eta is both a constructor argument and a compartment in ngclearn; here
#     too (the parameter gives the compartment its initial value; methods
#     read the compartment).
#   * A tols of 0 means "no spike yet": those pairs are masked out, so a
#     spike at t = 0 is never paired.
#   * ngclearn's reset writes inputs and the four plasticity inputs
#     unconditionally (into the source when wired); here each is guarded by
#     `not wired(...)`.
#   * ngclearn asserts batch_size == 1; here B is free (the rule broadcasts
#     postSpike [B, n_out] against [n_in, n_out], so B > 1 only works with
#     n_in == B or B == 1, as there).
#   * p_conn sparsifies the initial weights (see DenseSynapse.nf); ngclearn
#     forwards it into the stochastic-release slot instead.
component STDPSynapse extends DenseSynapse {
  param A_plus: float
  param A_minus: float
  param tau_plus = 10.0
  alias au_plus = tau_plus
  param tau_minus = 10.0
  param w_decay = 0.0
  param eta = 1.0
  param tau_w = 0.0
  param w_bound = 1.0

  input preSpike[batch_size, shape[0]] = 0
  input postSpike[batch_size, shape[1]] = 0
  input pre_tols[batch_size, shape[0]] = 0
  input post_tols[batch_size, shape[1]] = 0
  state dWeights[shape[0], shape[1]] = 0
  state eta[1, 1] = eta

  def compute_update() {
    post_m = post_tols > 0
    pre_m = transpose(pre_tols > 0)
    t_delta = (weights * 0 + 1) * post_tols - transpose(pre_tols)
    t_delta = t_delta * post_m * pre_m
    dWpost = exp(-t_delta / tau_plus) * (t_delta > 0) * (postSpike * A_plus)
    dWpre = 0.0
    if A_minus > 0 {
      dWpre = -(exp(-t_delta / tau_minus) * (t_delta < 0)) * (transpose(preSpike) * A_minus)
    }
    return dWpost + dWpre
  }

  def evolve(t, dt) {
    if storage == "sparse" {
      reject(storage, "STDPSynapse: its plasticity updates the whole (n_in, n_out) matrix; sparse storage is for the static transforms of DenseSynapse, StaticSynapse, ExponentialSynapse, AlphaSynapse and DoubleExpSynapse")
    }
    dW = compute_update()
    if tau_w > 0 {
      W = weights + (-weights * dt / tau_w + dW * eta)
    } else {
      W = weights + dW * eta - weights * w_decay
    }
    weights = clip(W, 0.001, w_bound - 0.001)
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
    if not wired(pre_tols) {
      pre_tols = 0
    }
    if not wired(post_tols) {
      post_tols = 0
    }
    dWeights = 0
  }
}
