# TraceSTDPSynapse: a dense synapse learning by trace-based STDP, ngclearn's
# TraceSTDPSynapse. Forward pass, initialize and the compartments inputs,
# outputs, weights, mask, biases, gate come from DenseSynapse.
#
# STDP update (W = weights before the update, s = spikes, z = traces):
#   mu > 0:  ltp = (w_bound - W)^mu * ((z_pre - pretrace_target)^T @ s_post) * A_plus
#            ltd = -(W^mu * (s_pre^T @ z_post)) * A_minus        (only if A_minus > 0)
#   mu = 0:  ltp = (z_pre - pretrace_target)^T @ (s_post * A_plus)
#            ltd = -(s_pre^T @ (z_post * A_minus))               (only if A_minus > 0)
#   dW = ltp + ltd      (the matrix products sum over the batch)
# evolve:
#   W' = W + dW * eta [- W / tau_w if tau_w > 0]
#   W' = clip(W', 0, w_bound), then 0 wherever weight_mask is 0
#   weights = W', dWeights = dW
#
# Parameters (besides DenseSynapse's):
#   A_plus, A_minus   LTP and LTD magnitudes, required; A_minus <= 0 switches
#                     LTD off (it is not a signed coefficient)
#   eta = 1.0         learning rate
#   mu = 0.0          power-law exponent; > 0 selects the weight-dependent rule
#                     (a run-time value like every float parameter: with
#                     mu = 0 compiled code keeps dWeights as its outer-product
#                     factors, with mu > 0 as a matrix, decided per step).
#   pretrace_target = 0.0   subtracted from the pre-synaptic trace in LTP
#   w_bound = 1.0     upper weight bound
#   tau_w = 0.0       weight-decay time constant; > 0 enables decay
#   weight_mask = none      fixed 0/1 structural mask (an initializer)
# Compartments (besides DenseSynapse's):
#   preSpike [B, n_in], postSpike [B, n_out], preTrace [B, n_in],
#   postTrace [B, n_out]: inputs; dWeights [n_in, n_out]: the last update;
#   weight_mask_values [n_in, n_out]: the drawn weight_mask (ones without one).
#
# reset (replaces DenseSynapse's): inputs, preSpike, postSpike, preTrace,
# postTrace = 0 unless wired; outputs = 0; dWeights = 0. Not touched: weights,
# gate, mask, biases (as in ngclearn, gate is not reset here).
#
# Decisions on ngclearn's quirks:
#   * ngclearn resets preSpike/postSpike/preTrace/postTrace unconditionally,
#     which writes zeros into their sources when they are wired. A write to a
#     wired compartment is an error here, so these resets are guarded by
#     `not wired(...)`, like the inputs reset; a wired source resets itself.
#   * weight_mask is a plain array in ngclearn; here it is an initializer
#     (e.g. constant(0)) drawn in initialize into weight_mask_values. It
#     masks the initial weights and every evolve, as in ngclearn; without one
#     no masking is done (ngclearn's default mask is all ones).
#   * p_conn sparsifies the initial weights (see DenseSynapse.nf); ngclearn
#     forwards it into the stochastic-release slot instead.
#   * With mu > 0 and W > w_bound, (w_bound - W)^mu is NaN for fractional mu,
#     as in ngclearn.
component TraceSTDPSynapse extends DenseSynapse {
  param A_plus: float
  param A_minus: float
  param eta = 1.0
  param mu = 0.0
  param pretrace_target = 0.0
  param w_bound = 1.0
  param tau_w = 0.0
  param weight_mask: init = none

  input preSpike[batch_size, shape[0]] = 0
  input postSpike[batch_size, shape[1]] = 0
  input preTrace[batch_size, shape[0]] = 0
  input postTrace[batch_size, shape[1]] = 0
  state dWeights[shape[0], shape[1]] = 0
  state weight_mask_values[shape[0], shape[1]] = 1

  def initialize() {
    super.initialize()
    if weight_mask != none {
      weight_mask_values = weight_mask((shape[0], shape[1]))
      weights = weights * weight_mask_values
    }
  }

  # The STDP update from the current spikes, traces and weights. Each branch
  # forms the whole update (dWpost + dWpre), so that with mu = 0 it is one
  # low-rank value that compiled code keeps as its factors.
  def compute_update() {
    if mu > 0 {
      ltd = 0.0
      ltp = (w_bound - weights) ** mu * (transpose(preTrace - pretrace_target) @ postSpike) * A_plus
      if A_minus > 0 {
        ltd = -(weights ** mu * (transpose(preSpike) @ postTrace)) * A_minus
      }
      dW = ltp + ltd
    } else {
      ltd = 0.0
      ltp = transpose(preTrace - pretrace_target) @ (postSpike * A_plus)
      if A_minus > 0 {
        ltd = -(transpose(preSpike) @ (postTrace * A_minus))
      }
      dW = ltp + ltd
    }
    return dW
  }

  def evolve(t, dt) {
    if storage == "sparse" {
      reject(storage, "TraceSTDPSynapse: its plasticity updates the whole (n_in, n_out) matrix; sparse storage is for the static transforms of DenseSynapse, StaticSynapse, ExponentialSynapse, AlphaSynapse and DoubleExpSynapse")
    }
    dW = compute_update()
    W = weights + dW * eta
    if tau_w > 0 {
      W = W - weights / tau_w
    }
    W = clip(W, 0.0, w_bound)
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
