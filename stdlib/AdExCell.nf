# AdExCell: the adaptive exponential integrate-and-fire neuron, ngclearn's
# AdExCell.
#
#   tau_m dv/dt = -(v - v_rest) + sharpV exp((v - vT) / sharpV) - R w + R j
#   tau_w dw/dt = -w + a (v - v_rest)
#
# advance_state, in this order (every compartment [batch_size, n_units]):
#   v1 = step(dfv, v; j, w)      dfv = ((-(v - v_rest) + v_sharpness * exp((v - intrinsic_mem_thr) / v_sharpness))
#                                       - resist_m * w + resist_m * j) * (1 / tau_m)
#   w1 = step(dfw, w; v)         dfw = (-w + (v - v_rest) * a) * (1 / tau_w), on the old v
#   s  = [v1 > thr]
#   v  = v1 * (1 - s) + s * v_reset
#   w  = w1 * (1 - s) + s * (w1 + b)          the jump starts from the NEW w
#   tols = (1 - s) * tols + s * t
# step is Euler, or the midpoint method when integration_type is "midpoint"
# or "rk2" (ngclearn's step_euler / step_rk2 through integrate()); 1 / tau_m
# and 1 / tau_w are binary32 divisions (jitted dynamics: the parameters
# arrive as float32).
#
# Parameters: n_units (required); tau_m = 15.0, resist_m = 1.0, tau_w = 400.0,
# v_sharpness = 2.0, intrinsic_mem_thr = -55.0, thr = 5.0, v_rest = -72.0,
# v_reset = -75.0, a = 0.1, b = 0.75, v0 = -70.0, w0 = 0.0,
# integration_type = "euler", batch_size = 1.
# Compartments: j (input current), v (= v0), w (= w0), s (spikes), tols.
#
# reset: j = 0 unless wired; v = v0; w = w0; s = 0; tols = 0.
#
# Decisions on ngclearn's quirks (as in ngclearn's source): the spike is
# tested on the new voltage and w jumps from the new w (unlike
# IzhikevichCell); the recovery step reads the voltage before the step.
component AdExCell {
  param n_units: int
  param tau_m = 15.0
  param resist_m = 1.0
  param tau_w = 400.0
  param v_sharpness = 2.0
  param intrinsic_mem_thr = -55.0
  param thr = 5.0
  param v_rest = -72.0
  param v_reset = -75.0
  param a = 0.1
  param b = 0.75
  param v0 = -70.0
  param w0 = 0.0
  param integration_type = "euler"
  param batch_size = 1

  input j[batch_size, n_units] = 0
  state v[batch_size, n_units] = v0
  state w[batch_size, n_units] = w0
  output s[batch_size, n_units] = 0
  output tols[batch_size, n_units] = 0

  def advance_state(t, dt) {
    stepper = "rk2" if integrator_code(integration_type) == 1 else "euler"
    v1 = integrate(stepper, dfv, v, j, w)
    w1 = integrate(stepper, dfw, w, v)
    spk = float(v1 > thr)
    tols = (1 - spk) * tols + spk * t
    v = v1 * (1 - spk) + spk * v_reset
    w = w1 * (1 - spk) + spk * (w1 + b)
    s = spk
  }

  # dv/dt and dw/dt, ngclearn's _dfv_internal and _dfw_internal
  def dfv(v, J, w) {
    dv_dt = -(v - v_rest) + v_sharpness * exp((v - intrinsic_mem_thr) / v_sharpness) - resist_m * w + resist_m * J
    return dv_dt * (1 / float(tau_m))
  }

  def dfw(w, v) {
    return (-w + (v - v_rest) * a) * (1 / float(tau_w))
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
