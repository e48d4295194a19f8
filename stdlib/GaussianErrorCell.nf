# GaussianErrorCell: a (non-spiking) Gaussian error cell, the fixed-point
# mismatch of a prediction mu and a target under a fixed variance Sigma,
# ngclearn's GaussianErrorCell.
#
# advance_state, in this order (e = target - mu; [B, n] = [batch_size, n_units]):
#   dmu      = ((e / Sigma) * modulator) * mask
#   dtarget  = ((-(e / Sigma)) * modulator) * mask
#   dSigma   = Sigma * 0 + 1               (no derivative is computed for Sigma)
#   L        = -sum(e * e) * (0.5 / Sigma)  (a scalar: the Gaussian log likelihood
#                                          up to a constant; the sum runs over
#                                          every element, row by row)
#   mask     = mask * 0 + 1                (the mask holds for one step)
# (0.5 / Sigma is a binary32 division of 0.5 by the compartment.)
#
# Parameters: n_units (required); batch_size = 1; sigma = 1.0 (the initial
# value of Sigma).
# Compartments:
#   mu, target [B, n]        input, zeros
#   modulator, mask [B, n]   input, ones
#   Sigma [1, 1]             input, = sigma
#   dmu, dtarget [B, n]      output, zeros
#   dSigma [1, 1]            output, zeros
#   L []                     output, 0
#
# reset: dmu = dtarget = 0, dSigma = 0, L = 0; mu = target = 0, modulator = 1
# and mask = 1, each unless wired. Sigma is not reset.
#
# Decisions on ngclearn's quirks:
#   * The mask is "eaten": advance_state sets it back to ones (mask * 0 + 1,
#     so a NaN or infinite mask gives NaN), so a mask written by the host
#     applies to one step only; followed. A wired mask is never written (the
#     write would reach its source) and so applies at every step.
#   * ngclearn's reset sets mu, target, modulator and mask unconditionally;
#     here unless wired, as for every cell.
#   * sigma may be an array in ngclearn (Sigma then takes its shape); the
#     language has no array parameters, so sigma is a float and Sigma is
#     [1, 1] (ngclearn's shape for a float sigma); a host may still set Sigma.
#   * The 4-D shape option (convolutional maps) is left out.
component GaussianErrorCell {
  param n_units: int
  param batch_size = 1
  param sigma = 1.0

  output L = 0
  input mu[batch_size, n_units] = 0
  output dmu[batch_size, n_units] = 0
  input Sigma[1, 1] = sigma
  output dSigma[1, 1] = 0
  input target[batch_size, n_units] = 0
  output dtarget[batch_size, n_units] = 0
  input modulator[batch_size, n_units] = 1
  input mask[batch_size, n_units] = 1

  def advance_state(dt) {
    e = target - mu
    d = e / Sigma
    total = sum(reshape(e * e, (1, batch_size * n_units)), axis=1, keepdims=true)
    loss = -total * (0.5 / Sigma)
    dmu = d * modulator * mask
    dtarget = -d * modulator * mask
    dSigma = Sigma * 0 + 1
    L = reshape(loss, ())
    if not wired(mask) {
      mask = mask * 0 + 1
    }
  }

  def reset() {
    dmu = 0
    dtarget = 0
    dSigma = 0
    L = 0
    if not wired(target) {
      target = 0
    }
    if not wired(mu) {
      mu = 0
    }
    if not wired(modulator) {
      modulator = 1
    }
    if not wired(mask) {
      mask = 1
    }
  }
}
