# STPDenseSynapse: a dense synapse with short-term plasticity (facilitation
# and depression, Tsodyks-Markram style), ngclearn's STPDenseSynapse.
# The compartments inputs, outputs, weights, mask, biases, gate and the
# drawing of weights and biases come from DenseSynapse.
#
# advance_state, in this order (s = inputs [1, n_in]; u, x, Wdyn, resources,
# weights [n_in, n_out]; a product with s broadcasts s as a ROW over the
# rows of the matrix, as ngclearn's code does: see the first decision):
#   tau_f > 0:  u = u - u * (1 / tau_f) + (resources * (1 - u)) * s
#   else:       u = resources                    (facilitation off)
#   Wdyn = ((weights * u) * x) * s + Wdyn * (1 - s)
#   tau_d > 0:  x = x + (1 - x) * (1 / tau_d) - (u * x) * s   (old x, new u)
#   else:       x unchanged                      (depression off)
#   outputs = inputs @ (Wdyn * g_conduct_factor) + biases
# (1 / tau_f and 1 / tau_d are hyperparameter arithmetic: binary64 rounded
# once to binary32. dt is not used: the decays are per step, see below.)
#
# Parameters (besides DenseSynapse's: shape, weight_init, bias_init,
# g_conduct_factor = 1.0 (alias resist_scale), p_conn = 1.0, mask_init,
# batch_size = 1):
#   tau_f = 750.0     facilitation time constant (in steps); <= 0 turns
#                     facilitation off (u = resources)
#   tau_d = 50.0      depression time constant (in steps); <= 0 turns
#                     depression off
#   resources_init = uniform(low=0.125, high=0.175)   initializer of the
#                     resources matrix U
# Compartments (besides DenseSynapse's):
#   u          [n_in, n_out]  state: release probabilities, zeros
#   x          [n_in, n_out]  state: available resources, ones
#   Wdyn       [n_in, n_out]  state: dynamic efficacies, zeros
#   resources  [n_in, n_out]  state: U, drawn from resources_init
#
# initialize: DenseSynapse's, then resources = resources_init((n_in, n_out)).
# reset (replaces DenseSynapse's): inputs = 0 unless wired; outputs = 0;
# u = 0, x = 1, Wdyn = 0. Not touched: weights, resources, gate, mask, biases.
#
# Decisions on ngclearn's quirks:
#   * ngclearn keeps u and x as [B, n_in] (one per pre-synaptic unit) but
#     multiplies them with the [n_in, n_out] resources and weights, and
#     multiplies those matrices by s [B, n_in]: NumPy broadcasting pairs s's
#     entry k with COLUMN k, so u and x become [n_in, n_out] after the first
#     step and the synapse i -> j is gated by s_j, not by its own pre-synaptic
#     s_i. With batch 1 and n_in = n_out or n_in = 1 this is well defined:
#     followed, bit for bit. u and x are [n_in, n_out] from the start (the
#     zeros and ones broadcast to the same first step). Everything else is
#     refused when the model is built: other shapes fail to broadcast in
#     ngclearn (n_out = 1 runs but makes outputs [1, n_in]), and batch > 1
#     fails there except for B = n_in = n_out, which pairs batch rows with
#     pre-synaptic units. The per-synapse intent (gating row i by s_i) is
#     not implemented: it would differ from ngclearn on the square shapes
#     where ngclearn runs (for n_in = 1 the two coincide).
#   * dt is ignored: u decays by u / tau_f and x recovers by (1 - x) / tau_d
#     per step, so tau_f and tau_d are in steps (ms only at dt = 1), as in
#     ngclearn.
#   * The inputs are used as given (spikes or graded values): Wdyn keeps its
#     value where s = 0 and takes weights * u * x where s = 1, blending
#     between them for graded s.
#   * The forward pass ignores mask and gate (the compartments exist but are
#     not read); biases are added. As in ngclearn.
#   * p_conn sparsifies the initial weights (see DenseSynapse.nf); ngclearn
#     forwards it into the stochastic-release slot instead, where this
#     advance_state never reads it.
component STPDenseSynapse extends DenseSynapse {
  param tau_f = 750.0
  param tau_d = 50.0
  param resources_init: init = uniform(low=0.125, high=0.175)

  state u[shape[0], shape[1]] = 0
  state x[shape[0], shape[1]] = 1
  state Wdyn[shape[0], shape[1]] = 0
  state resources[shape[0], shape[1]] = 0

  def initialize() {
    if batch_size != 1 {
      reject(batch_size, "ngclearn's STPDenseSynapse broadcasts the [B, n_in] input against [n_in, n_out] matrices, which pairs batch rows with pre-synaptic units; only batch_size = 1 is supported")
    }
    if shape[0] != shape[1] and shape[0] != 1 {
      reject(shape, "ngclearn's STPDenseSynapse broadcasts the [1, n_in] input against [n_in, n_out] matrices, which runs only for n_in = n_out or n_in = 1")
    }
    super.initialize()
    resources = resources_init((shape[0], shape[1]))
  }

  def advance_state(t, dt) {
    if storage == "sparse" {
      reject(storage, "STPDenseSynapse: its transform scales the whole (n_in, n_out) matrix; sparse storage is for the static transforms of DenseSynapse, StaticSynapse, ExponentialSynapse, AlphaSynapse and DoubleExpSynapse")
    }
    s = inputs
    if tau_f > 0 {
      u1 = u - u * (1 / tau_f) + (resources * (1 - u)) * s
    } else {
      u1 = resources
    }
    W1 = weights * u1 * x * s + Wdyn * (1 - s)
    x1 = x
    if tau_d > 0 {
      x1 = x + (1 - x) * (1 / tau_d) - u1 * x * s
    }
    outputs = inputs @ (W1 * g_conduct_factor) + biases
    u = u1
    x = x1
    Wdyn = W1
  }

  def reset() {
    if not wired(inputs) {
      inputs = 0
    }
    outputs = 0
    u = 0
    x = 1
    Wdyn = 0
  }
}
