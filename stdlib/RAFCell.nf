# RAFCell: the resonate-and-fire neuron, ngclearn's RAFCell.
#
#   tau_w dw/dt = w b - v omega + J        J = j * resist_v, b = dampen_factor
#   tau_v dv/dt = omega w + v b            (with the NEW w)
#
# advance_state, in this order (every compartment [batch_size, n_units]):
#   J  = j * resist_v
#   w1 = step(dfw, w; J, v)       dfw = ((w * b - v * omega) + J) * (1 / tau_w)
#   v1 = step(dfv, v; w1)         dfv = (omega * w1 + v * b) * (1 / tau_v)
#   s  = [v1 > thr]
#   post_spike_reset: w = w1 * (1 - s) + s * w_reset, v = v1 * (1 - s) + s * v_reset
#   tols = (1 - s) * tols + s * t
# step is Euler, or the midpoint method when integration_type is "midpoint"
# or "rk2" (step_euler / step_rk2 through integrate()); 1 / tau_w and
# 1 / tau_v are binary32 divisions (the dynamics run inside the jitted
# steppers, where the time constants arrive as float32).
#
# Parameters: n_units (required); tau_v = 1.0 (alias tau_m), tau_w = 1.0,
# thr = 1.0, omega = 10.0, dampen_factor = -1.0 (alias b), v_reset = 0.0,
# w_reset = 0.0, v0 = 0.0, w0 = 0.0, resist_v = 1.0 (alias resist_m),
# post_spike_reset = true, integration_type = "euler", batch_size = 1.
# Compartments: j (input current), v (= v0), w (= w0), s (spikes), tols.
#
# reset: j = 0 unless wired; v = v0; w = w0; s = 0; tols = 0.
#
# Decisions on ngclearn's quirks (as in ngclearn's source): w steps first,
# on the old v, and v steps on the new w; the deprecated names resist_m,
# tau_m and b are aliases.
component RAFCell {
  param n_units: int
  param tau_v = 1.0
  alias tau_m = tau_v
  param tau_w = 1.0
  param thr = 1.0
  param omega = 10.0
  param dampen_factor = -1.0
  alias b = dampen_factor
  param v_reset = 0.0
  param w_reset = 0.0
  param v0 = 0.0
  param w0 = 0.0
  param resist_v = 1.0
  alias resist_m = resist_v
  param post_spike_reset = true
  param integration_type = "euler"
  param batch_size = 1

  input j[batch_size, n_units] = 0
  state v[batch_size, n_units] = v0
  state w[batch_size, n_units] = w0
  output s[batch_size, n_units] = 0
  output tols[batch_size, n_units] = 0

  def advance_state(t, dt) {
    J = j * resist_v
    stepper = "rk2" if integrator_code(integration_type) == 1 else "euler"
    w1 = integrate(stepper, dfw, w, J, v)
    v1 = integrate(stepper, dfv, v, w1)
    spk = float(v1 > thr)
    if post_spike_reset {
      w1 = w1 * (1 - spk) + spk * w_reset
      v1 = v1 * (1 - spk) + spk * v_reset
    }
    tols = (1 - spk) * tols + spk * t
    v = v1
    w = w1
    s = spk
  }

  # dv/dt and dw/dt, ngclearn's RAFCell._dfv and RAFCell._dfw
  def dfv(v, w) {
    return (omega * w + v * dampen_factor) * (1 / float(tau_v))
  }

  def dfw(w, J, v) {
    return (w * dampen_factor - v * omega + J) * (1 / float(tau_w))
  }

  def reset() {
    if not wired(j) {
      j = 0
    }
    v = v0
    w = w0
    s = 0
    tols = 0
  }
}
