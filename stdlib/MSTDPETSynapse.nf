# MSTDPETSynapse: modulated STDP (MSTDP, tau_elg = 0) and modulated STDP with
# an eligibility trace (MSTDP-ET, tau_elg > 0), ngclearn's MSTDPETSynapse.
# Forward pass and initialize come from DenseSynapse, the STDP rule
# (compute_update) from TraceSTDPSynapse.
#
# evolve, in this order (W = weights, dW_prev = dWeights from the previous call):
#   MSTDP-ET:  E = E_prev * exp(-dt / tau_elg) * elg_decay + dW_prev / tau_elg
#   MSTDP:     E = dW_prev
#   W' = W + (E * modulator * eta) * outmask [- W * (1 / tau_w) if tau_w > 0]
#   dW = compute_update()          (TraceSTDP rule with the old weights W)
#   weights = clip(W', 0, w_bound), dWeights = dW, eligibility = E
# So the STDP event of one evolve reaches the weights at the next one,
# multiplied by that call's modulator.
#
# Parameters (besides TraceSTDPSynapse's: A_plus, A_minus required; eta = 1.0,
# mu = 0.0, pretrace_target = 0.0, tau_w = 0.0, w_bound = 1.0, weight_mask;
# and DenseSynapse's: shape, weight_init, resist_scale = g_conduct_factor = 1.0,
# p_conn = 1.0, batch_size = 1, ...):
#   tau_elg = 0.0     eligibility time constant; > 0 enables the trace
#   elg_decay = 1.0   extra factor on the decayed eligibility
# Compartments (besides TraceSTDPSynapse's):
#   modulator   [1, 1]          input: the reward / neuromodulator signal
#   eligibility [n_in, n_out]   state: E
#   outmask     [1, n_out]      input: per-output-column gate on the
#                               modulated update; starts at 0
#
# reset: TraceSTDPSynapse's reset, then eligibility = 0 and outmask = 1 unless
# wired. Not touched: weights, modulator, gate, mask, biases.
#
# Decisions on ngclearn's quirks (the learning rule follows the code):
#   * One-evolve eligibility lag: E uses the dWeights of the previous evolve,
#     and the new dWeights use the weights before this update (matters for
#     mu > 0 only).
#   * outmask starts at 0, so nothing is learned before the first reset, which
#     sets it to ones. ngclearn's reset makes it [B, n_out]; here it keeps its
#     declared shape [1, n_out], the same for B = 1.
#   * weight_mask masks the initial weights (TraceSTDPSynapse.initialize) but
#     is not applied by this evolve; the decay term ignores outmask.
#   * modulator is [1, 1]: ngclearn declares [B, 1] but its product with the
#     [n_in, n_out] eligibility only works for B = 1, so one modulator is
#     shared by the whole batch.
#   * The resets of preSpike/postSpike/preTrace/postTrace and outmask are
#     guarded by `not wired(...)` (ngclearn writes them unconditionally, into
#     the source when wired).
#   * p_conn sparsifies the initial weights (see DenseSynapse.nf).
component MSTDPETSynapse extends TraceSTDPSynapse {
  param tau_elg = 0.0
  param elg_decay = 1.0

  input modulator[1, 1] = 0
  state eligibility[shape[0], shape[1]] = 0
  input outmask[1, shape[1]] = 0

  def evolve(t, dt) {
    if storage == "sparse" {
      reject(storage, "MSTDPETSynapse: its plasticity updates the whole (n_in, n_out) matrix; sparse storage is for the static transforms of DenseSynapse, StaticSynapse, ExponentialSynapse, AlphaSynapse and DoubleExpSynapse")
    }
    if tau_elg > 0 {
      E = eligibility * exp(-dt / tau_elg) * elg_decay + dWeights / tau_elg
    } else {
      E = dWeights
    }
    W = weights + (E * modulator * eta) * outmask
    if tau_w > 0 {
      W = W - weights * (1.0 / tau_w)
    }
    dW = compute_update()
    weights = clip(W, 0.0, w_bound)
    dWeights = dW
    eligibility = E
  }

  def reset() {
    super.reset()
    eligibility = 0
    if not wired(outmask) {
      outmask = 1
    }
  }
}
