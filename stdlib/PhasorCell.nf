# PhasorCell: a phasor spike encoder, ngclearn's PhasorCell: each unit's
# angle advances by a jittered amount proportional to its input and the cell
# spikes when the angle passes 2 pi.
#
# advance_state, in this order ([B, n] = [batch_size, n_units]):
#   tpe     = (1 / (target_freq / 1000)) / dt     steps per event (the first
#                                                 quotient binary64, then binary32)
#   apt     = (2 pi) / tpe                        angle per step (2 pi rounded to binary32)
#   scatter = ((eps * 0.2) + 1) * base_scale,     eps ~ Normal(0, 1) [B, n],
#                                                 drawn with the counter key (key advances)
#   a       = angles + (apt * scatter) * inputs
#   outputs = [a > 2 pi]
#   angles  = a - 2 pi where a > 2 pi, else a
#   disable_phasor: outputs = inputs + 0 (the angles still advance)
#   tols    = tols * (1 - outputs) + t * outputs
#
# Parameters: n_units (required); target_freq = 63.75 (Hz), batch_size = 1,
# disable_phasor = false.
# Compartments, [B, n] zeros unless noted: inputs (input), outputs, tols
# (outputs), angles (state), base_scale (state, = 1: see below); key (i32 []):
# the draw counter.
#
# reset: inputs = 0 unless wired; outputs = tols = angles = 0. Not reset:
# base_scale, key.
#
# Decisions on ngclearn's quirks:
#   * ngclearn draws base_scale once, at construction, as Poisson(target_freq)
#     / target_freq per unit (a plain attribute, not a compartment). The
#     language has no Poisson draw, so base_scale is a state compartment
#     that starts at 1, the mean of that draw; a host may set it (e.g. to
#     ngclearn's values).
#   * ngclearn's reset also splits its key; the draw counter here advances in
#     advance_state only (draws stay fresh either way).
#   * The input is not reset in ngclearn when wired (the hasattr idiom): the
#     same here.
component PhasorCell {
  param n_units: int
  param target_freq = 63.75
  param batch_size = 1
  param disable_phasor = false

  input inputs[batch_size, n_units] = 0
  output outputs[batch_size, n_units] = 0
  output tols[batch_size, n_units] = 0
  state angles[batch_size, n_units] = 0
  state base_scale[batch_size, n_units] = 1
  state key: i32 = 0

  def advance_state(t, dt) {
    pi = 3.141592653589793
    tpe = (1 / (target_freq / 1000)) / dt
    apt = (2 * pi) / tpe
    scatter = (normal(key, (batch_size, n_units)) * 0.2 + 1) * base_scale
    key = key + 1
    a = angles + apt * scatter * inputs
    out = float(a > 2 * pi)
    angles = where(a > 2 * pi, a - 2 * pi, a)
    if disable_phasor {
      out = inputs + 0
    }
    outputs = out
    tols = tols * (1 - out) + t * out
  }

  def reset() {
    if not wired(inputs) {
      inputs = 0
    }
    outputs = 0
    tols = 0
    angles = 0
  }
}
