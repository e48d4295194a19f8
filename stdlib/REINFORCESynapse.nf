# REINFORCESynapse: a Gaussian-policy synapse trained with REINFORCE (policy
# gradient), ngclearn's REINFORCESynapse.
#
# weights [n_in, 2*n_out] = [W_mu | W_logstd] (first n_out columns: the mean,
# last n_out: the log standard deviation). evolve, with B = batch_size and
# m = 1 when scalar_stddev <= 0 (learned std), else 0:
#   h    = act_fx(inputs)                              [B, n_in]
#   a    = h @ W_mu;   mu = mu_act_fx(a)               [B, n_out]
#   ls   = h @ W_logstd
#   sd   = exp(clip(ls, -10, 2));  sd = m * sd + (1 - m) * scalar_stddev
#   eps  ~ Normal(0, 1) [B, n_out], drawn with the counter key
#   y    = clip(eps * sd + mu, mu_out_min, mu_out_max)  (the sampled action)
#   logp = sum over n_out of -0.5 * (log(2 pi sd^2) + (y - mu)^2 / sd^2)   [B]
#   objective = mean over B of (-logp * rewards) * 0.01
# Gradient of objective with the sample y held constant:
#   g       = -rewards[:, None] * 0.01 / B
#   dL_da   = g * (y - mu) / sd^2 * mu_act_fx'(a);   dL_dWmu = h^T @ dL_da
#   dL_dsd  = g * (-1 / sd + (y - mu)^2 / sd^3)
#   dL_dls  = d_clip(ls, -10, 2) * dL_dsd * sd;    dL_dWls = (h^T @ dL_dls) * m
#   dW      = [-dL_dWmu | -dL_dWls]                    (ascent direction)
# Update:
#   W' = clip((W + dW * eta) * learning_mask + W * (1 - learning_mask), 0, w_bound)
#   n  = step_count + 1
#   accumulated_gradients = ((n - 1) / n) * accumulated_gradients * decay + (1 / n) * dW
#   step_count = n * (1 - learning_mask)
#   outputs = y, dWeights = dW, key = key + 1
# d_clip(x, lo, hi) is 0 where x < lo or x > hi, else 1.
#
# Parameters:
#   shape (n_in, n_out), required (n_out = action dimension)
#   eta = 1e-4          learning rate
#   decay = 0.99        decay in the gradient average
#   weight_init         initializer of the whole [n_in, 2*n_out] matrix,
#                       default uniform(0.025, 0.8)
#   g_conduct_factor = 1.0 (alias resist_scale): accepted for ngclearn's
#                       signature; it scales only the inherited DenseSynapse
#                       transform, which this component does not have (below)
#   act_fx = "identity"     input activation
#   p_conn = 1.0        connection probability (one-time mask of the initial
#                       weights, counter 0, when 0 < p_conn < 1)
#   w_bound = 1.0       upper weight clip
#   batch_size = 1      B
#   seed = 42           initial value of the sampling counter key
#   mu_act_fx = "identity"  output nonlinearity on the mean
#   mu_out_min, mu_out_max  clip range of the action; default -inf and inf
#                       (no clip)
#   scalar_stddev = -1.0    <= 0: learned log-std; > 0: fixed std
# Compartments:
#   inputs [B, n_in], rewards [B] (advantages), learning_mask [] (1 = apply
#   the update; starts at 0): inputs;  outputs [B, n_out]: the action;
#   weights, dWeights, accumulated_gradients [n_in, 2*n_out]; objective [];
#   step_count []; key (i32 []): the sampling counter, starts at seed.
#
# reset: inputs = 0 and rewards = 0 unless wired; outputs, objective, dWeights,
# accumulated_gradients, step_count = 0; key = seed (the draws restart).
# Not touched: weights, learning_mask.
#
# Decisions on ngclearn's quirks:
#   * Kept from the code (they define the learning rule): the 0.01 factor in
#     the objective; BOTH halves of the weights are clipped to [0, w_bound]
#     on every evolve, even with learning_mask = 0 (so W_logstd is never
#     negative); learning_mask starts at 0 (no learning until it is set).
#   * Not a DenseSynapse subclass and no advance_state: ngclearn's inherited
#     advance_state is not an action sampler and would overwrite outputs with
#     a [B, 2*n_out] value, which a fixed-shape compartment cannot hold. For
#     the same reason the mask, biases and gate compartments are left out.
#   * ngclearn's `seed` compartment (a JAX key) is the counter `key` here,
#     starting at the seed parameter and advanced once per evolve; ngclearn's
#     reset restarts it at PRNGKey(42) whatever the seed, here at the seed
#     parameter (the same with the default 42).
#   * reset zeroes inputs (ngclearn's reset never does: the hasattr idiom) and
#     rewards only when unwired; dWeights keeps its [n_in, 2*n_out] shape
#     (ngclearn's reset gives it [n_in, n_out]).
#   * softmax has no derivative, so it cannot be mu_act_fx (as in ngclearn).
component REINFORCESynapse {
  param shape: shape
  param eta = 1.0e-4
  param decay = 0.99
  param weight_init: init = uniform(low=0.025, high=0.8)
  param g_conduct_factor = 1.0
  alias resist_scale = g_conduct_factor
  param act_fx = "identity"
  param p_conn = 1.0
  param w_bound = 1.0
  param batch_size = 1
  param seed = 42
  param mu_act_fx = "identity"
  param mu_out_min = -inf
  param mu_out_max = inf
  param scalar_stddev = -1.0

  input inputs[batch_size, shape[0]] = 0
  output outputs[batch_size, shape[1]] = 0
  state weights[shape[0], 2 * shape[1]] = 0
  state dWeights[shape[0], 2 * shape[1]] = 0
  input rewards[batch_size] = 0
  state objective = 0
  state accumulated_gradients[shape[0], 2 * shape[1]] = 0
  state step_count = 0
  input learning_mask = 0
  state key: i32 = seed

  def initialize() {
    W = weight_init((shape[0], 2 * shape[1]))
    if p_conn > 0 and p_conn < 1 {
      W = W * bernoulli(int(0), p_conn, (shape[0], 2 * shape[1]))
    }
    weights = W
  }

  def evolve(t, dt) {
    m = 1.0
    if scalar_stddev > 0 {
      m = 0.0
    }
    # forward
    h = act_fx(inputs)
    W_mu = weights[:, 0:shape[1]]
    W_ls = weights[:, shape[1]:2 * shape[1]]
    a = h @ W_mu
    mu = mu_act_fx(a)
    ls = h @ W_ls
    sd = exp(clip(ls, -10.0, 2.0))
    sd = m * sd + (1 - m) * scalar_stddev
    eps = normal(key, (batch_size, shape[1]))
    y = clip(eps * sd + mu, mu_out_min, mu_out_max)
    logp = sum(-0.5 * (log(6.283185307179586 * sd ** 2) + (y - mu) ** 2 / sd ** 2), axis=1)
    objective = mean(-logp * rewards, axis=0) * 0.01
    # gradient of the objective, the sample y held constant
    g = -reshape(rewards, (batch_size, 1)) * 0.01 / float(batch_size)
    dL_da = g * ((y - mu) / sd ** 2) * mu_act_fx.deriv(a)
    dL_dWmu = transpose(h) @ dL_da
    dL_dsd = g * (-1.0 / sd + (y - mu) ** 2 / sd ** 3)
    dL_dls = where((ls < -10.0) or (ls > 2.0), 0.0, 1.0) * dL_dsd * sd
    dL_dWls = (transpose(h) @ dL_dls) * m
    dW = concat((-dL_dWmu, -dL_dWls), axis=1)
    # update
    W = (weights + dW * eta) * learning_mask + weights * (1 - learning_mask)
    weights = clip(W, 0.0, w_bound)
    n = step_count + 1
    accumulated_gradients = ((n - 1) / n) * accumulated_gradients * decay + (1 / n) * dW
    step_count = n * (1 - learning_mask)
    dWeights = dW
    outputs = y
    key = key + 1
  }

  def reset() {
    if not wired(inputs) {
      inputs = 0
    }
    outputs = 0
    objective = 0
    if not wired(rewards) {
      rewards = 0
    }
    dWeights = 0
    accumulated_gradients = 0
    step_count = 0
    key = seed
  }
}
