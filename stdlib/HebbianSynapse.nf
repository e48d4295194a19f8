# HebbianSynapse: a dense synapse learning by a two-factor Hebbian rule,
# ngclearn's HebbianSynapse, with its optimizers (ngclearn/utils/optim: sgd,
# adam, nag). Forward pass, initialize and the compartments inputs, outputs,
# weights, mask, biases, gate come from DenseSynapse.
#
# Update (ngclearn's _calc_update; W = weights before the update):
#   dW = (pre * pre_wght)^T @ (post * post_wght)      (sums over the batch)
#   db = sum(post * post_wght, axis=0)                 [1, n_out]
#   w_bound > 0:  dW = dW * (w_bound - |W|)            (soft bound)
#   prior:  l2/ridge/gaussian:      reg = -W * prior_lmbda
#           l1/lasso/laplacian:     reg = -sign(W) * prior_lmbda
#           l1l2/elastic_net:       reg = (-sign(W) * l1_ratio - W * (1 - l1_ratio) / 2) * prior_lmbda
#           constant (no prior):    reg = 0
#   dW = (dW + reg) * sign_value,  db = db * sign_value
# evolve: one optimizer step on [weights, biases] (weights only without
# bias_init) with the updates [dW, db]; t = opt_params + 1 (one counter for
# weights and biases):
#   sgd:   p = p - u * eta
#   adam:  g1 = 0.9 * g1 + (1 - 0.9) * u;  g2 = 0.999 * g2 + (1 - 0.999) * u*u
#          p = p - eta * (g1 / (1 - 0.9^t)) / (sqrt(g2 / (1 - 0.999^t)) + 1e-8)
#   nag:   phi = p - u * eta;  p = phi + (phi - phi_old) * (0.9 * [t > 1]);  phi_old = phi
#   then w_bound > 0: weights = clip(weights, 0, w_bound) if is_nonnegative
#                               else clip(weights, -w_bound, w_bound)
#   weights = weights * mask; opt_params = t; dWeights = dW, dBiases = db
# calc_update: dWeights = dW, dBiases = db, nothing applied.
# Every optimizer DESCENDS along the update (p - u * eta): Hebbian growth
# needs sign_value = -1 (or a negative eta).
#
# Parameters (besides DenseSynapse's: shape, weight_init, bias_init,
# g_conduct_factor (alias resist_scale), p_conn, mask_init, batch_size):
#   eta = 0.0             learning rate
#   w_bound = 1.0         soft bound of dW and clip of the weights; 0 turns both off
#   is_nonnegative = false   clip to [0, w_bound] instead of [-w_bound, w_bound]
#   prior_type = "constant", prior_lmbda = 0.0, l1_ratio = 0.0
#                         ngclearn's prior=(prior_type, prior_lmbda), or for
#                         elastic net prior=(prior_type, (prior_lmbda, l1_ratio))
#   w_decay = 0.0         > 0: the prior is ("l2", w_decay)
#   sign_value = 1.0      factor on the final dW and db
#   optim_type = "sgd"    "sgd", "adam" or "nag"
#   pre_wght = 1.0, post_wght = 1.0   factors on pre and post
# Compartments (besides DenseSynapse's):
#   pre [B, n_in], post [B, n_out]: inputs; dWeights [n_in, n_out],
#   dBiases [1, n_out]: the last update; opt_params (scalar): the optimizer's
#   step counter t (ngclearn's opt_params for sgd, its time_step for adam and
#   nag); adam: g1_weights, g2_weights [n_in, n_out], g1_biases, g2_biases
#   [1, n_out] (the moments, ngclearn's opt_params g1, g2); nag: phi_weights
#   [n_in, n_out], phi_biases [1, n_out] (ngclearn's opt_params phi). Each is
#   [1, 1] and unused when its optimizer is not chosen.
#
# reset (replaces DenseSynapse's): inputs, pre, post = 0 unless wired;
# outputs = 0; dWeights = dBiases = 0. Not touched: weights, biases, gate,
# mask, and the optimizer's state (as in ngclearn).
#
# Decisions on ngclearn's quirks:
#   * prior is a (string, number) tuple in ngclearn; the language has no such
#     parameter, so it is split into prior_type, prior_lmbda (ngclearn's own
#     attribute names) and l1_ratio (ngclearn's prior_lmbda[1] for
#     elastic net). ngclearn ignores a prior_type it does not know (and maps
#     only "gaussian"/"laplacian" case-insensitively); here an unknown name
#     is refused, and "Gaussian"/"Laplacian" are accepted as spelled.
#   * w_decay: ngclearn's deprecate_args rebinds w_decay=x to prior=x, which
#     then fails to unpack; the constructor's evident intent, prior =
#     ("l2", w_decay) when w_decay > 0, is implemented.
#   * Adam's 1 - beta1 and 1 - beta2 are binary64 (beta1, beta2 are Python
#     defaults, constant in the trace), while beta1^t and beta2^t are binary32
#     pow of f32(beta) and the f32 counter; eta is a float32 argument there.
#     beta1 = 0.9, beta2 = 0.999, eps = 1e-8 are fixed, as ngclearn gives no
#     way to set them.
#   * Without bias_init ngclearn's biases stay the scalar 0 and get no
#     optimizer state; dBiases is still computed. ngclearn's dBiases is
#     (n_out,) after construction and reset but [1, n_out] after an update;
#     here it is always [1, n_out].
#   * The resets of pre and post are guarded by `not wired(...)` (ngclearn
#     writes them unconditionally, into the source when wired).
#   * p_conn sparsifies the initial weights (see DenseSynapse.nf).
component HebbianSynapse extends DenseSynapse {
  param eta = 0.0
  param w_bound = 1.0
  param is_nonnegative = false
  param prior_type = "constant"
  param prior_lmbda = 0.0
  param l1_ratio = 0.0
  param w_decay = 0.0
  param sign_value = 1.0
  param optim_type = "sgd"
  param pre_wght = 1.0
  param post_wght = 1.0

  input pre[batch_size, shape[0]] = 0
  input post[batch_size, shape[1]] = 0
  state dWeights[shape[0], shape[1]] = 0
  state dBiases[1, shape[1]] = 0
  state opt_params = 0
  state g1_weights[shape[0] if optim_type == "adam" else 1, shape[1] if optim_type == "adam" else 1] = 0
  state g2_weights[shape[0] if optim_type == "adam" else 1, shape[1] if optim_type == "adam" else 1] = 0
  state g1_biases[1, shape[1] if optim_type == "adam" and bias_init != none else 1] = 0
  state g2_biases[1, shape[1] if optim_type == "adam" and bias_init != none else 1] = 0
  state phi_weights[shape[0] if optim_type == "nag" else 1, shape[1] if optim_type == "nag" else 1] = 0
  state phi_biases[1, shape[1] if optim_type == "nag" and bias_init != none else 1] = 0

  # ngclearn's _calc_update: the Hebbian update of the weights ...
  def compute_dW() {
    dW = transpose(pre * pre_wght) @ (post * post_wght)
    reg = 0.0
    if w_bound > 0 {
      dW = dW * (w_bound - abs(weights))
    }
    if w_decay > 0 {
      reg = -weights * w_decay
    } elif prior_type == "l2" or prior_type == "ridge" or prior_type == "gaussian" or prior_type == "Gaussian" {
      reg = -weights * prior_lmbda
    } elif prior_type == "l1" or prior_type == "lasso" or prior_type == "laplacian" or prior_type == "Laplacian" {
      reg = -sign(weights) * prior_lmbda
    } elif prior_type == "l1l2" or prior_type == "elastic_net" {
      reg = (-sign(weights) * l1_ratio - weights * (1 - l1_ratio) / 2) * prior_lmbda
    } elif prior_type != "constant" {
      reject(prior_type, "choose \"constant\", \"l2\"/\"ridge\"/\"gaussian\", \"l1\"/\"lasso\"/\"laplacian\" or \"l1l2\"/\"elastic_net\"")
    }
    dW = dW + reg
    return dW * sign_value
  }

  # ... and of the biases
  def compute_db() {
    return sum(post * post_wght, axis=0, keepdims=true) * sign_value
  }

  def calc_update() {
    dWeights = compute_dW()
    dBiases = compute_db()
  }

  def evolve(t, dt) {
    if storage == "sparse" {
      reject(storage, "HebbianSynapse: its plasticity updates the whole (n_in, n_out) matrix; sparse storage is for the static transforms of DenseSynapse, StaticSynapse, ExponentialSynapse, AlphaSynapse and DoubleExpSynapse")
    }
    dW = compute_dW()
    db = compute_db()
    step = opt_params + 1
    W = weights
    b = biases
    if optim_type == "sgd" {
      W = weights - dW * eta
      if bias_init != none {
        b = biases - db * eta
      }
    } elif optim_type == "adam" {
      c1 = 1 - 0.9 ** step
      c2 = 1 - 0.999 ** step
      m = 0.9 * g1_weights + (1 - 0.9) * dW
      v = 0.999 * g2_weights + (1 - 0.999) * (dW * dW)
      W = weights - eta * (m / c1) / (sqrt(v / c2) + 1e-8)
      g1_weights = m
      g2_weights = v
      if bias_init != none {
        mb = 0.9 * g1_biases + (1 - 0.9) * db
        vb = 0.999 * g2_biases + (1 - 0.999) * (db * db)
        b = biases - eta * (mb / c1) / (sqrt(vb / c2) + 1e-8)
        g1_biases = mb
        g2_biases = vb
      }
    } elif optim_type == "nag" {
      fric = 0.9 * float(step > 1)
      phi = weights - dW * eta
      W = phi + (phi - phi_weights) * fric
      phi_weights = phi
      if bias_init != none {
        phib = biases - db * eta
        b = phib + (phib - phi_biases) * fric
        phi_biases = phib
      }
    } else {
      reject(optim_type, "choose \"sgd\", \"adam\" or \"nag\"")
    }
    if w_bound > 0 {
      if is_nonnegative {
        W = clip(W, 0.0, w_bound)
      } else {
        W = clip(W, -w_bound, w_bound)
      }
    }
    weights = W * mask
    biases = b
    opt_params = step
    dWeights = dW
    dBiases = db
  }

  def reset() {
    if not wired(inputs) {
      inputs = 0
    }
    outputs = 0
    if not wired(pre) {
      pre = 0
    }
    if not wired(post) {
      post = 0
    }
    dWeights = 0
    dBiases = 0
  }
}
