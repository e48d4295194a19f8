# LatencyCell: a latency (time-to-first-spike) encoder, ngclearn's
# LatencyCell: each input value is mapped once to a target spike time, and
# the cell emits one spike per unit when the clock reaches it.
#
# calc_spike_times (run once per pattern, after inputs are set):
#   clip_mask = [inputs < threshold]   if clip_spikes,   else inputs * 0
#   linearize:
#     T = tau, or (num_steps - 1) - first_spike_time if normalize
#     s = -T * (inputs - 1), clamped from above at -T * (threshold - 1)
#         (clamp_max: s * m + (1 - m) * bound, m = [s < bound])
#     targ_sp_times = s + first_spike_time
#   otherwise (logarithmic), with e = num_steps (see the quirks):
#     d = inputs clamped from below at threshold + e
#         (clamp_min: x * m + (1 - m) * lo, m = [x > lo])
#     targ_sp_times = log(d / (d - threshold)) * tau + first_spike_time
#   All of it binary32 (ngclearn's helpers are jitted, the parameters
#   arrive as float32).
# advance_state(t):
#   spikes  = [round(targ_sp_times) <= t] * (1 - mask)   (round: half to even)
#   mask    = mask + (1 - mask) * spikes                  (each unit fires once)
#   tols    = (1 - spikes) * tols + spikes * t
#   outputs = spikes * (1 - clip_mask)
#
# Parameters: n_units (required); tau = 1.0, threshold = 0.01,
# first_spike_time = 0.0, linearize = false, normalize = false,
# clip_spikes = false, num_steps = 1.0, batch_size = 1.
# Compartments, all [batch_size, n_units] zeros: inputs (input), outputs,
# tols (outputs), mask, clip_mask, targ_sp_times (states).
#
# reset: inputs = 0 unless wired; outputs, tols, mask, clip_mask,
# targ_sp_times = 0.
#
# Decisions on ngclearn's quirks:
#   * calc_spike_times passes its arguments to the logarithmic helper
#     positionally, one slot off: num_steps lands in the eps slot (the
#     threshold's margin, default 1e-7) and normalize in num_steps, so the
#     logarithmic code clamps the inputs at threshold + num_steps and is
#     never normalized. Well defined, and followed (with the default
#     num_steps = 1 every input <= 1.01 gets the same spike time).
#   * jnp.round rounds half to even (2.5 -> 2, 3.5 -> 4); so does the
#     round here (the language has no round(): a floor-based helper).
#   * ngclearn's key compartment is unused and left out.
component LatencyCell {
  param n_units: int
  param tau = 1.0
  param threshold = 0.01
  param first_spike_time = 0.0
  param linearize = false
  param normalize = false
  param clip_spikes = false
  param num_steps = 1.0
  param batch_size = 1

  input inputs[batch_size, n_units] = 0
  output outputs[batch_size, n_units] = 0
  state mask[batch_size, n_units] = 0
  state clip_mask[batch_size, n_units] = 0
  output tols[batch_size, n_units] = 0
  state targ_sp_times[batch_size, n_units] = 0

  def calc_spike_times() {
    if clip_spikes {
      clip_mask = float(inputs < threshold)
    } else {
      clip_mask = inputs * 0
    }
    first = float(first_spike_time)
    if linearize {
      T = float(tau)
      if normalize {
        T = float(num_steps) - 1 - first
      }
      s = -T * (inputs - 1)
      bound = -T * (float(threshold) - 1)
      m = float(s < bound)
      targ_sp_times = s * m + (1 - m) * bound + first
    } else {
      thr = float(threshold)
      lo = thr + float(num_steps)
      m = float(inputs > lo)
      d = inputs * m + (1 - m) * lo
      targ_sp_times = log(d / (d - thr)) * float(tau) + first
    }
  }

  def advance_state(t) {
    spk = float(round_half_even(targ_sp_times) <= t) * (1 - mask)
    mask = mask + (1 - mask) * spk
    tols = (1 - spk) * tols + spk * t
    outputs = spk * (1 - clip_mask)
  }

  # jnp.round: to the nearest integer, ties to even (x - floor(x) is exact)
  def round_half_even(x) {
    r = floor(x)
    frac = x - r
    odd = r - floor(r * 0.5) * 2
    return where(frac > 0.5 or (frac == 0.5 and odd == 1), r + 1, r)
  }

  def reset() {
    if not wired(inputs) {
      inputs = 0
    }
    outputs = 0
    tols = 0
    mask = 0
    clip_mask = 0
    targ_sp_times = 0
  }
}
