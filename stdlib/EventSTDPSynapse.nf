# EventSTDPSynapse: a dense synapse learning by event-driven, post-synaptic
# STDP (Tavanaei, Masquelier & Maida 2018), ngclearn's EventSTDPSynapse.
# Forward pass, initialize and the compartments inputs, outputs, weights,
# mask, biases, gate come from DenseSynapse.
#
# evolve(t, dt), in this order (W = weights; [c] is 1.0 where c holds, else 0.0):
#   m = [pre_tols > 0]                                     [B, n_in]
#   presyn_win_len > 0:  s_pre = [(t - presyn_win_len) < pre_tols] * m
#                        (a pre-synaptic spike in (t - presyn_win_len, t])
#   else:                s_pre = [pre_tols == t] * m
#   pos = (w_bound - W * (1 + lmbda)) * A_plus
#   neg = (-W * (1 + lmbda)) * A_minus
#   dW = where(s_pre^T != 0, pos, neg) * postSpike         [n_in, n_out]
#   weights = clip(W + dW * eta, 0.01, w_bound), dWeights = dW
# So every post-synaptic spike potentiates the synapses whose input spiked
# in the window and depresses the others. (eta is the compartment: a global
# learning rate the host may change.)
#
# Parameters (besides DenseSynapse's: shape, weight_init, g_conduct_factor
# (alias resist_scale), p_conn, mask_init, batch_size):
#   eta                   required: initial value of the eta compartment
#   lmbda = 0.01          degree of synaptic disconnect
#   A_plus = 1.0, A_minus = 1.0   LTP and LTD magnitudes
#   presyn_win_len = 2.0  pre-synaptic window (ms); must be >= 0
#   w_bound = 1.0         weights stay in [0.01, w_bound]
# Compartments (besides DenseSynapse's):
#   pre_tols [B, n_in] (pre-synaptic times of last spike), postSpike
#   [B, n_out]: inputs; dWeights [n_in, n_out]: the last update; eta [1, 1]:
#   the learning rate (starts at the eta parameter).
#
# reset (replaces DenseSynapse's): inputs, pre_tols, postSpike = 0 unless
# wired; outputs = 0; dWeights = 0. Not touched: weights, eta, gate, mask,
# biases.
#
# Decisions on ngclearn's quirks:
#   * A pre_tols of 0 means "no spike yet", so a pre-synaptic spike at
#     t = 0 never counts, as in ngclearn.
#   * The window test compares float32 t - presyn_win_len with pre_tols, and
#     the presyn_win_len = 0 test needs pre_tols == t exactly (a float32
#     equality), as in ngclearn.
#   * eta is both a constructor argument and a compartment in ngclearn; here
#     too (the parameter gives the compartment its initial value; methods
#     read the compartment).
#   * ngclearn's assert presyn_win_len >= 0 is a refusal of the model here.
#   * ngclearn resets pre_tols and postSpike unconditionally (into the source
#     when wired); here each is guarded by `not wired(...)`.
#   * The clip's lower bound 0.01 (not 0) and the dW broadcast of postSpike
#     [B, n_out] against [n_in, n_out] (B = 1) are ngclearn's.
#   * p_conn sparsifies the initial weights (see DenseSynapse.nf); ngclearn
#     forwards it into the stochastic-release slot instead.
component EventSTDPSynapse extends DenseSynapse {
  param eta: float
  param lmbda = 0.01
  param A_plus = 1.0
  param A_minus = 1.0
  param presyn_win_len = 2.0
  param w_bound = 1.0

  input pre_tols[batch_size, shape[0]] = 0
  input postSpike[batch_size, shape[1]] = 0
  state dWeights[shape[0], shape[1]] = 0
  state eta[1, 1] = eta

  def compute_update(t) {
    if static(presyn_win_len < 0) {
      reject(presyn_win_len, "must be >= 0 (the pre-synaptic window, ms)")
    }
    m = float(pre_tols > 0)
    if presyn_win_len > 0 {
      s_pre = float((t - presyn_win_len) < pre_tols) * m
    } else {
      s_pre = float(pre_tols == t) * m
    }
    pos = (w_bound - weights * (1 + lmbda)) * A_plus
    neg = -weights * (1 + lmbda) * A_minus
    return where(transpose(s_pre) != 0, pos, neg) * postSpike
  }

  def evolve(t, dt) {
    if storage == "sparse" {
      reject(storage, "EventSTDPSynapse: its plasticity updates the whole (n_in, n_out) matrix; sparse storage is for the static transforms of DenseSynapse, StaticSynapse, ExponentialSynapse, AlphaSynapse and DoubleExpSynapse")
    }
    dW = compute_update()
    weights = clip(weights + dW * eta, 0.01, w_bound)
    dWeights = dW
  }

  def reset() {
    if not wired(inputs) {
      inputs = 0
    }
    outputs = 0
    if not wired(pre_tols) {
      pre_tols = 0
    }
    if not wired(postSpike) {
      postSpike = 0
    }
    dWeights = 0
  }
}
