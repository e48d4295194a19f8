# BernoulliErrorCell: a (non-spiking) Bernoulli error cell, the fixed-point
# mismatch of a factorized multivariate Bernoulli prediction p and a target,
# ngclearn's BernoulliErrorCell.
#
# advance_state, in this order (x = target; [B, n] = [batch_size, n_units]):
#   q        = sigmoid(p) if input_logits else p,
#              sigmoid(p) = 1 / (1 + exp(-p))   (ngclearn's, three roundings)
#   q        = clip(q, 1e-4, 1 - 1e-4)
#   log_p    = log(q),  log_1mp = log(1 - q)
#   L        = sum(log_p * x + log_1mp * (1 - x))   (a scalar, the Bernoulli
#                                                   log likelihood; the sum runs
#                                                   over every element, row by row)
#   dL/dp    = x - q                                     if input_logits
#            = (x / q - (1 - x) / (1 - q)) * d_sigmoid(p)  otherwise,
#              d_sigmoid(p) = s * (1 - s), s = sigmoid(p)
#   dp       = (dL/dp * modulator) * mask
#   dtarget  = ((log_p - log_1mp) * modulator) * mask
#   mask     = mask * 0 + 1                       (the mask holds for one step)
#
# Parameters: n_units (required); batch_size = 1; input_logits = false (p
# holds logits, passed through the sigmoid).
# Compartments: p, target [B, n] (input, zeros); modulator, mask [B, n]
# (input, ones); dp, dtarget [B, n] (output, zeros); L [] (output, 0).
#
# reset: dp = dtarget = 0, L = 0; p = target = 0, modulator = 1 and mask = 1,
# each unless wired.
#
# Decisions on ngclearn's quirks:
#   * Without input_logits (p a probability), ngclearn still multiplies
#     dL/dp by the sigmoid's derivative at p (the logit chain rule, where no
#     sigmoid was applied); the source is well defined and followed.
#   * The mask is "eaten": advance_state sets it back to ones (mask * 0 + 1),
#     so a mask written by the host applies to one step only; followed. A
#     wired mask is never written (the write would reach its source).
#   * ngclearn's reset sets p, target, modulator and mask unconditionally;
#     here unless wired, as for every cell.
#   * The 4-D shape option is left out.
component BernoulliErrorCell {
  param n_units: int
  param batch_size = 1
  param input_logits = false

  output L = 0
  input p[batch_size, n_units] = 0
  output dp[batch_size, n_units] = 0
  input target[batch_size, n_units] = 0
  output dtarget[batch_size, n_units] = 0
  input modulator[batch_size, n_units] = 1
  input mask[batch_size, n_units] = 1

  def advance_state(dt) {
    q = p
    if input_logits {
      q = logistic(p)
    }
    q = clip(q, 0.0001, 1 - 0.0001)
    x = target
    one_min_p = 1 - q
    one_min_x = 1 - x
    log_p = log(q)
    log_one_min_p = log(one_min_p)
    total = sum(reshape(log_p * x + log_one_min_p * one_min_x, (1, batch_size * n_units)), axis=1)
    dL_dp = x - q
    if not input_logits {
      s = logistic(p)
      dL_dp = (x / q - one_min_x / one_min_p) * (s * (1 - s))
    }
    dp = dL_dp * modulator * mask
    dtarget = (log_p - log_one_min_p) * modulator * mask
    L = reshape(total, ())
    if not wired(mask) {
      mask = mask * 0 + 1
    }
  }

  # ngclearn's model_utils.sigmoid: 1. / (1. + exp(-x))
  def logistic(x) {
    return 1 / (1 + exp(-x))
  }

  def reset() {
    dp = 0
    dtarget = 0
    L = 0
    if not wired(target) {
      target = 0
    }
    if not wired(p) {
      p = 0
    }
    if not wired(modulator) {
      modulator = 1
    }
    if not wired(mask) {
      mask = 1
    }
  }
}
