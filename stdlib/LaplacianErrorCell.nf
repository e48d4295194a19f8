# LaplacianErrorCell: a (non-spiking) Laplacian error cell, the fixed-point
# mismatch of a predicted shift and a target under a fixed scale Scale,
# ngclearn's LaplacianErrorCell.
#
# advance_state, in this order (e = sign(target - shift); [B, n] = [batch_size, n_units]):
#   dshift   = ((e / Scale) * modulator) * mask
#   dtarget  = ((-(e / Scale)) * modulator) * mask
#   dScale   = Scale * 0 + 1              (no derivative is computed for Scale)
#   L        = -sum(abs(e)) * (1 / Scale)  (a scalar; the sum runs over every
#                                         element, row by row)
#   mask     = mask * 0 + 1               (the mask holds for one step)
# (1 / Scale is a binary32 division by the compartment.)
# Since e is a sign, L is minus the number of elements where target and
# shift differ, divided by Scale (not the absolute error its comment names).
#
# Parameters: n_units (required); batch_size = 1; scale = 1.0 (the initial
# value of Scale).
# Compartments:
#   shift, target [B, n]     input, zeros
#   modulator, mask [B, n]   input, ones
#   Scale [1, 1]             input, = scale
#   dshift, dtarget [B, n]   output, zeros
#   dScale [1, 1]            output, zeros
#   L []                     output, 0
#
# reset: dshift = dtarget = 0, dScale = 0, L = 0; shift = target = 0,
# modulator = 1 and mask = 1, each unless wired. Scale is not reset.
#
# Decisions on ngclearn's quirks:
#   * L counts mismatches: it sums |sign(target - shift)|, not
#     |target - shift|, as the source does (its comment says "mean absolute
#     error"); followed. A NaN difference has sign NaN and makes L NaN.
#   * The mask is "eaten": advance_state sets it back to ones (mask * 0 + 1),
#     so a mask written by the host applies to one step only; followed. A
#     wired mask is never written (the write would reach its source).
#   * ngclearn's reset sets shift, target, modulator and mask
#     unconditionally; here unless wired, as for every cell.
#   * scale may be an array in ngclearn (Scale then takes its shape); the
#     language has no array parameters, so scale is a float and Scale is
#     [1, 1] (ngclearn's shape for a float scale); a host may still set Scale.
#   * The 4-D shape option is left out (ngclearn's batched_reset ignores it
#     too).
component LaplacianErrorCell {
  param n_units: int
  param batch_size = 1
  param scale = 1.0

  output L = 0
  input shift[batch_size, n_units] = 0
  input Scale[1, 1] = scale
  output dshift[batch_size, n_units] = 0
  output dScale[1, 1] = 0
  input target[batch_size, n_units] = 0
  output dtarget[batch_size, n_units] = 0
  input modulator[batch_size, n_units] = 1
  input mask[batch_size, n_units] = 1

  def advance_state(dt) {
    e = sign(target - shift)
    d = e / Scale
    total = sum(reshape(abs(e), (1, batch_size * n_units)), axis=1, keepdims=true)
    loss = -total * (1 / Scale)
    dshift = d * modulator * mask
    dtarget = -d * modulator * mask
    dScale = Scale * 0 + 1
    L = reshape(loss, ())
    if not wired(mask) {
      mask = mask * 0 + 1
    }
  }

  def reset() {
    dshift = 0
    dtarget = 0
    dScale = 0
    L = 0
    if not wired(target) {
      target = 0
    }
    if not wired(shift) {
      shift = 0
    }
    if not wired(modulator) {
      modulator = 1
    }
    if not wired(mask) {
      mask = 1
    }
  }
}
