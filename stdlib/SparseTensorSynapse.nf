# SparseTensorSynapse: ngclearn's locally connected ("unshared
# convolutional") synaptic tensor, kept compressed: one weight per
# connection, never the (n_in, n_out) matrix.
#
# The input is n_in_streams streams of K_local units; output stream s reads
# the window of P_l input streams s * stride + p * dilation (p < P_l) and has
# O_local units. Every (input unit, output unit) pair of a window has its own
# weight, weights[p, s, k, o]:
#
#   outputs[b, s * O + o] = (sum over p, k of inputs[b, map[s, p] * K + k] * weights[p, s, k, o])
#                           * g_conduct_factor + biases
#
# with S output streams and map[s, p] as ngclearn's geometry makes them
# (initialize_layer_geometry without padding, _make_connectivity_map). The
# sum is sparse_matmul over the connectivity `connections`: from +0, in
# ascending input unit order (p, then k, as ngclearn's sum over axes 0 and
# 3), adding the products of the inputs that are not zero, which changes no
# value (a zero input adds nothing) and reads only the windows of the inputs
# that spiked.
#
# Shapes: n_in = n_in_streams * K_local, n_out = S * O_local, B = batch_size.
#   inputs   [B, n_in]          input
#   outputs  [B, n_out]         output
#   weights  [P_l, S, K_local, O_local]   state: drawn from weight_init
#                               (connections.shape; with invert_conn the
#                               transposed tensor's shape, below)
#   biases   [1, n_out]         state: drawn from bias_init, zeros without one
#   norm_trigger [1, 1]         state: 1 when normalize, else 0 (ngclearn's
#                               flag; nothing reads it)
#
# Parameters:
#   n_in_streams        incoming streams, required
#   K_local             units per input stream, required
#   O_local             units per output stream, required
#   P_l = 1             window size in streams
#   stride = 1          streams between successive windows (at least 1)
#   dilation = 1        streams between a window's inputs (at least 1)
#   convergent_factor = 0.0   > 0: windows shrink away from the layer's
#                       center (foveation), as ngclearn computes them
#   invert_conn = false the transposed structure: the windows of the same
#                       geometry seen from the inputs (n_in and n_out swap;
#                       weights are [P_back, n_in_streams, O_local, K_local],
#                       P_back the most output streams reading one input)
#   normalize = false   divide initial weights by their L2 norm over the
#                       O_local axis (plus 1e-8)
#   norm_axis = 1       accepted and unused, as in ngclearn (below)
#   weight_init = uniform(low=0.025, high=0.8)   initializer of weights
#   bias_init = none    initializer of biases (none: zeros)
#   g_conduct_factor = 1.0   output scale
#   p_conn = 1.0        0 < p_conn < 1 zeroes each initial weight with
#                       probability 1 - p_conn (a Bernoulli draw of the
#                       weights' shape, counter 0); the zeros stay stored
#   use_block_matrix_format = false   must stay false (below)
#   batch_size = 1      B
#
# initialize: W = weight_init(weights' shape); times the Bernoulli(p_conn)
# draw when 0 < p_conn < 1; when normalize, W / (sqrt(sum(W * W, axis 3)) +
# 1e-8); weights = W; biases = bias_init((1, n_out)) when given.
#
# reset: inputs = 0 unless wired, outputs = 0. Not touched: weights, biases.
#
# Decisions on ngclearn's quirks:
#   * Window slots that are -1 (a shorter convergent window) or that name a
#     stream past the input (the geometry's and the map's convergent windows
#     use int() and round() of different centers) read ngclearn's dead-zone
#     zeros: they make no connection here, and their weights are stored and
#     never read.
#   * norm_axis is stored by ngclearn and never passed on: the constructor's
#     normalization always reduces the O_local axis. Followed.
#   * bias_init draws ngclearn's biases with DenseSynapse's (1, S) shape,
#     which only adds to the (B, S * O_local) outputs when O_local is 1; here
#     they are (1, n_out), the evident intent (the same shape when O_local is 1).
#   * use_block_matrix_format=True makes ngclearn keep the dense
#     (n_in, n_out) block matrix this component exists to avoid, for the same
#     product; it is refused.
#   * tie_transpose_weights (copying a forward tensor's weights into an
#     inverted one) and its weight_transpose_target compartment, and the
#     initial_weights copy, are not provided: each would hold another copy of
#     the weights, and nothing else reads them.
#   * Entries of the 4-D tensor are the values of `connections`
#     (weights[p, s, k, o] is value ((p * S + s) * K + k) * O + o), so the
#     checkpoint and a host see ngclearn's tensor.
component SparseTensorSynapse {
  param n_in_streams: int
  param K_local: int
  param O_local: int
  param P_l = 1
  param stride = 1
  param convergent_factor = 0.0
  param dilation = 1
  param invert_conn = false
  param normalize = false
  param norm_axis = 1
  param weight_init: init = uniform(low=0.025, high=0.8)
  param bias_init: init = none
  param g_conduct_factor = 1.0
  param p_conn = 1.0
  param use_block_matrix_format = false
  param batch_size = 1

  connectivity connections = local_connectivity(n_in_streams, K_local, O_local, P_l, stride, dilation, convergent_factor, invert_conn)

  input inputs[batch_size, connections.rows] = 0
  output outputs[batch_size, connections.columns] = 0
  state weights[connections.shape] = 0
  state biases[1, connections.columns] = 0
  state norm_trigger[1, 1] = 1 if normalize else 0

  def initialize() {
    W = weight_init(connections.shape)
    if p_conn > 0 and p_conn < 1 {
      W = W * bernoulli(int(0), p_conn, connections.shape)
    }
    if normalize {
      W = W / (sqrt(sum(W * W, axis=3, keepdims=true)) + 1e-8)
    }
    weights = W
    if bias_init != none {
      biases = bias_init((1, connections.columns))
    }
    if use_block_matrix_format {
      reject(use_block_matrix_format, "the block-matrix format keeps the dense (n_in, n_out) matrix; the default tensor format computes the same product from the connections alone")
    }
  }

  def advance_state() {
    outputs = sparse_matmul(inputs, weights, connections) * g_conduct_factor + biases
  }

  def reset() {
    if not wired(inputs) {
      inputs = 0
    }
    outputs = 0
  }
}
