# DenseSynapse: a dense synaptic cable, ngclearn's DenseSynapse.
#
#   outputs = ((inputs @ (weights * mask)) * gate) * g_conduct_factor + biases
#
# Shapes: shape = (n_in, n_out), B = batch_size.
#   inputs  [B, n_in]      input: pre-synaptic signal
#   outputs [B, n_out]     output
#   weights [n_in, n_out]  state: efficacies, drawn from weight_init
#   mask    [1, 1]         state: multiplies the weights in every advance_state
#                          (never the stored weights); one, as ngclearn's default
#                          jnp.ones((1, 1)); [n_in, n_out], drawn from mask_init,
#                          when mask_init is given
#   biases  [1, n_out]     state: drawn from bias_init, zeros without one
#   gate    [B, n_out]     input: multiplicative output gate, ones
#
# Parameters:
#   shape             (n_in, n_out), required
#   weight_init       initializer of weights, default uniform(0.025, 0.8)
#   bias_init         initializer of biases, default none (no bias)
#   g_conduct_factor  output scale, default 1.0 (alias resist_scale, ngclearn's
#                     deprecated name for it)
#   p_conn            connection probability, default 1.0
#   mask_init         initializer of the mask compartment, default none (ones)
#   batch_size        B, default 1
#   storage           "dense" (default) or "sparse": how weights are kept
#
# storage = "sparse" keeps only the connections: the connectivity
# `connections` is a Bernoulli(p_conn) draw over (n_in, n_out) decided when
# the model is built, from the model's seed (every connection when p_conn is
# not in (0, 1)), and weights (and mask, with mask_init) hold one value per
# connection, [connections], drawn from weight_init at the connections'
# positions. The transform is then
#
#   outputs = (sparse_matmul(inputs, weights * mask) * gate) * g_conduct_factor + biases
#
# where each output sums, from +0 and in ascending input order, the
# products of the inputs that are not zero: the dense product's value
# (terms of zero inputs add nothing), event-driven by definition. It differs
# from dense storage only where the dense sum of all-(-0) terms is -0 (sparse
# gives +0) and where a zero input meets an infinite weight (dense gives NaN).
# The structure is part of the model: states with other seeds draw other
# weights on the same connections.
#
# initialize: weights = weight_init((n_in, n_out)); when 0 < p_conn < 1 the
# weights are multiplied once by a Bernoulli(p_conn) draw of the same shape
# (counter 0), a one-time sparsification: no connectivity mask is kept, so a
# plastic subclass may regrow zeroed entries; biases and mask are drawn from
# their initializers when given.
#
# reset: inputs = 0 and gate = 1 unless wired, outputs = 0. Not touched:
# weights, biases, mask.
#
# Decisions on ngclearn's quirks:
#   * ngclearn's mask constructor argument is an array; the language has no
#     array parameters, so the mask comes from an initializer, mask_init
#     (e.g. constant(1, hollow=true)), and the compartment keeps the name mask.
#     The mask always applies, as in ngclearn: a value set by the host, a
#     checkpoint or --set takes effect at the next step. Without mask_init it
#     is ngclearn's [1, 1] default, so the product costs one multiplication
#     by a scalar per weight and no memory traffic.
#     A parameter named mask could not be reached from a method: a name reads
#     a compartment before a parameter.
#   * Without bias_init ngclearn's biases is the scalar 0.0; here it is a zero
#     row [1, n_out], which adds the same values (x + 0 is x, and -0 + 0 is +0
#     in both).
#   * Stochastic release (p_release_mean) and axonal delays (max_delay_steps,
#     with the input_delay_buffer and delayed_inputs compartments) are left out:
#     release is broken in ngclearn (it fails at run time when enabled) and both
#     are off by default. Neither parameter exists here.
#   * p_conn is honoured by every subclass (TraceSTDPSynapse, MSTDPETSynapse and
#     REINFORCESynapse, which ngclearn forwards into the wrong constructor slot,
#     so that there it never sparsifies): it masks the initial weights as the
#     documentation says.
component DenseSynapse {
  param shape: shape
  param weight_init: init = uniform(low=0.025, high=0.8)
  param bias_init: init = none
  param g_conduct_factor = 1.0
  alias resist_scale = g_conduct_factor
  param p_conn = 1.0
  param mask_init: init = none
  param batch_size = 1
  param storage: string = "dense"

  connectivity connections = bernoulli_connectivity(p_conn if p_conn > 0 and p_conn < 1 else 1.0, (shape[0], shape[1]))

  input inputs[batch_size, shape[0]] = 0
  output outputs[batch_size, shape[1]] = 0
  state weights[(shape[0], shape[1]) if storage != "sparse" else connections.shape] = 0
  state mask[((shape[0], shape[1]) if storage != "sparse" else connections.shape) if mask_init != none else (1, 1)] = 1
  state biases[1, shape[1]] = 0
  input gate[batch_size, shape[1]] = 1

  # The draws keep their places (and so their streams) in either storage:
  # sparse weights are the dense draw's elements at the connections.
  def initialize() {
    W = weight_init((shape[0], shape[1]))
    if p_conn > 0 and p_conn < 1 and storage != "sparse" {
      W = W * bernoulli(int(0), p_conn, (shape[0], shape[1]))
    }
    weights = gather(W, connections) if storage == "sparse" else W
    if bias_init != none {
      biases = bias_init((1, shape[1]))
    }
    if mask_init != none {
      M = mask_init((shape[0], shape[1]))
      mask = gather(M, connections) if storage == "sparse" else M
    }
    if storage != "dense" and storage != "sparse" {
      reject(storage, "choose \"dense\" or \"sparse\"")
    }
  }

  # inputs @ W through the synapse's storage (a helper the subclasses share).
  def transmit(x, W) {
    return sparse_matmul(x, W, connections) if storage == "sparse" else x @ W
  }

  def advance_state() {
    W = weights * mask
    outputs = transmit(inputs, W) * gate * g_conduct_factor + biases
  }

  def reset() {
    if not wired(inputs) {
      inputs = 0
    }
    if not wired(gate) {
      gate = 1
    }
    outputs = 0
  }
}
