# WTASCell: the winner-take-all spiking cell, ngclearn's WTASCell: units
# spike where the softmax of their input exceeds an adaptive threshold.
#
# advance_state, in this order (every compartment [batch_size, n_units] but
# thr [1, n_units]):
#   mask = [rfr >= refract_time]
#   v    = (j * resist_m) * mask
#   vp   = exp(v - max(v)) / sum(exp(v - max(v)))     per row (model_utils.softmax)
#   s    = [vp > thr]
#   thr  = max(thr + (sum(s, axis=1) - 1) * thr_gain, 0.025)
#   rfr  = (rfr + dt) * (1 - s) + s * dt
#   tols = (1 - s) * tols + s * t
#
# Parameters: n_units, tau_m (required; accepted, unused: ngclearn's WTASCell
# has no voltage dynamics); resist_m = 1.0, thr_base = 0.4 (alias thrBase),
# thr_gain = 0.002, refract_time = 0.0, thr_jitter = 0.05, batch_size = 1.
# Compartments: j (input), v, s, tols, rfr (= refract_time), thr
# ([1, n_units], = threshold0), threshold0 ([1, n_units]: thr_base +
# Uniform(-thr_jitter, thr_jitter), drawn once in initialize).
#
# reset: j = 0 unless wired; v = 0; s = 0; rfr = refract_time; tols = 0.
# thr is not reset (as in ngclearn).
#
# Decisions on ngclearn's quirks: threshold0 is drawn from the model's seed
# (ngclearn draws it from its JAX key at construction; the same
# distribution, other bits; thr_jitter = 0 makes it thr_base exactly), and is
# a compartment so that a host can read and set it.
component WTASCell {
  param n_units: int
  param tau_m: float
  param resist_m = 1.0
  param thr_base = 0.4
  alias thrBase = thr_base
  param thr_gain = 0.002
  param refract_time = 0.0
  param thr_jitter = 0.05
  param batch_size = 1

  input j[batch_size, n_units] = 0
  state v[batch_size, n_units] = 0
  output s[batch_size, n_units] = 0
  output tols[batch_size, n_units] = 0
  state rfr[batch_size, n_units] = refract_time
  state thr[1, n_units] = thr_base
  state threshold0[1, n_units] = thr_base

  def initialize() {
    threshold0 = thr_base + (uniform(int(0), (1, n_units)) * (thr_jitter - -thr_jitter) + -thr_jitter)
    thr = threshold0
  }

  def advance_state(t, dt) {
    mask = float(rfr >= refract_time)
    x = (j * resist_m) * mask
    e = exp(x - max(x, axis=1, keepdims=true))
    vp = e / sum(e, axis=1, keepdims=true)
    spk = float(vp > thr)
    dthr = sum(spk, axis=1, keepdims=true) - 1.0
    thr = maximum(thr + dthr * thr_gain, 0.025)
    rfr = (rfr + dt) * (1 - spk) + spk * dt
    tols = (1 - spk) * tols + spk * t
    v = x
    s = spk
  }

  def reset() {
    if not wired(j) {
      j = 0
    }
    v = 0
    s = 0
    rfr = refract_time
    tols = 0
  }
}
