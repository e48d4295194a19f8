# ExponentialSynapse: a dynamic synapse whose conductance decays
# exponentially, ngclearn's ExponentialSynapse. initialize and the
# compartments inputs, weights, mask, biases, gate come from DenseSynapse.
#
# advance_state, in this order (Euler step of dg/dt = -g/tau_decay +
# g_syn_bar * sum_k delta(t - t_k); every compartment [B, n_out]):
#   out    = inputs @ weights             (no mask, gate or biases; with
#            storage="sparse", DenseSynapse.nf, the product over the connections)
#   dg     = -g_syn / tau_decay + (out * g_syn_bar) * (1 / dt)
#   g      = g_syn + dg * dt
#   i      = -(g * g_conduct_factor) * (v - syn_rest)     syn_rest given
#          = -g * g_conduct_factor                        syn_rest = none
#   outputs = i, i_syn = i, g_syn = g
# (1 / dt is a binary32 division, dt being binary32 in the jitted process;
# -g_syn / tau_decay divides by tau_decay rounded to binary32.)
#
# Parameters (besides DenseSynapse's: shape, weight_init, bias_init,
# g_conduct_factor = 1.0 (alias resist_scale), p_conn = 1.0, mask_init,
# batch_size = 1):
#   tau_decay         conductance decay time constant (ms), required
#   g_syn_bar         conductance added per unit of weighted input, required
#   syn_rest = none   synaptic reversal potential; none makes the current
#                     independent of v (a number or none, decided when the
#                     model is built, so it is not a run-time parameter)
#   is_nonplastic = true   sets every initial weight to 1 (see below)
# Compartments (besides DenseSynapse's):
#   v      [B, n_out]  input: post-synaptic voltage (wired from a cell)
#   i_syn  [B, n_out]  output: synaptic current (= outputs)
#   g_syn  [B, n_out]  state: conductance
#
# reset (replaces DenseSynapse's): inputs = 0 and v = 0 unless wired;
# outputs = i_syn = g_syn = 0. Not touched: weights, gate, mask, biases.
#
# Decisions on ngclearn's quirks:
#   * is_nonplastic=True (the default) runs `weights * 0 + 1` at the end of
#     the constructor: the initial weights are all 1, whatever weight_init
#     and p_conn drew (the sparsification is undone); it has nothing to do
#     with plasticity (there is no evolve). Followed: initialize does the same
#     after DenseSynapse's initialize. Pass is_nonplastic=false to keep
#     weight_init's values.
#   * p_conn sparsifies the initial weights (see DenseSynapse.nf), which
#     matters only with is_nonplastic=false; ngclearn forwards it into the
#     stochastic-release slot instead, where this advance_state never reads
#     it, so there it has no effect.
#   * The forward pass ignores mask, gate and biases (the compartments exist
#     but are not read), as in ngclearn.
#   * ngclearn's syn_rest has no default (None must be passed explicitly);
#     here it defaults to none, since a parameter without a default needs a
#     fixed type and this one is a float or none.
#   * ngclearn resets v unconditionally, which writes zeros into its source
#     when it is wired; here the reset is guarded by `not wired(v)`.
component ExponentialSynapse extends DenseSynapse {
  param tau_decay: float
  param g_syn_bar: float
  param syn_rest = none
  param is_nonplastic = true

  input v[batch_size, shape[1]] = 0
  output i_syn[batch_size, shape[1]] = 0
  state g_syn[batch_size, shape[1]] = 0

  def initialize() {
    super.initialize()
    if is_nonplastic {
      weights = weights * 0 + 1
    }
  }

  def advance_state(t, dt) {
    out = transmit(inputs, weights)
    dg = -g_syn / tau_decay + (out * g_syn_bar) * (1 / dt)
    g = g_syn + dg * dt
    if syn_rest != none {
      i = -(g * g_conduct_factor) * (v - syn_rest)
    } else {
      i = -g * g_conduct_factor
    }
    outputs = i
    i_syn = i
    g_syn = g
  }

  def reset() {
    if not wired(inputs) {
      inputs = 0
    }
    outputs = 0
    i_syn = 0
    g_syn = 0
    if not wired(v) {
      v = 0
    }
  }
}
