# IzhikevichCell: Izhikevich's two-variable spiking neuron, ngclearn's
# IzhikevichCell. The batch size is 1, as in ngclearn.
#
#   tau_m dv/dt = 0.04 v^2 + 5 v + 140 - w + J        J = j * resist_m
#   tau_w dw/dt = b v - w                             b = coupling_factor
#
# advance_state, in this order (every compartment [1, n_units]):
#   J  = j * resist_m
#   s  = [v > v_thr]                     on the voltage at the START of the step
#   v1 = step(dfv, v; J, w)              dfv = ((((v*v) * 0.04 + v * 5) + 140) - w + J) * (1 / tau_m)
#   w1 = step(dfw, w; v)                 dfw = (v * b - w) * (1 / tau_w), on the old v
#   v  = v1 * (1 - s) + s * v_reset
#   w  = w1 * (1 - s) + s * (w + w_reset)      the jump starts from the OLD w
#   tols = (1 - s) * tols + s * t
# step is Euler, or the midpoint method when integration_type is "midpoint"
# or "rk2" (ngclearn's step_euler / step_rk2 through integrate()); 1 / tau_m
# and 1 / tau_w are binary32 divisions (the dynamics are jitted functions,
# where the time constants arrive as float32).
#
# Parameters: n_units (required); tau_m = 1.0, resist_m = 1.0, v_thr = 30.0,
# v_reset = -65.0 (Izhikevich's c), tau_w = 50.0 (1/a), w_reset = 8.0
# (Izhikevich's d), coupling_factor = 0.2 (b), v0 = -65.0, w0 = -14.0,
# integration_type = "euler".
# Compartments: j (input current), v (= v0), w (= w0), s (spikes), tols
# (time of the last spike).
#
# reset: j = 0 unless wired; v = v0; w = w0; s = 0; tols = 0.
#
# Decisions on ngclearn's quirks (all as in ngclearn's source):
#   * the spike is tested on the voltage before the step, and the reset jump
#     of w is added to the w before the step (w + d), so a spike shows one
#     step after the voltage crossed v_thr;
#   * the recovery step reads the voltage before the step, not v1;
#   * ngclearn's docstring names a v_rest and a key compartment that the
#     class never uses; both are left out.
component IzhikevichCell {
  param n_units: int
  param tau_m = 1.0
  param resist_m = 1.0
  param v_thr = 30.0
  param v_reset = -65.0
  param tau_w = 50.0
  param w_reset = 8.0
  param coupling_factor = 0.2
  param v0 = -65.0
  param w0 = -14.0
  param integration_type = "euler"

  input j[1, n_units] = 0
  state v[1, n_units] = v0
  state w[1, n_units] = w0
  output s[1, n_units] = 0
  output tols[1, n_units] = 0

  def advance_state(t, dt) {
    J = j * resist_m
    spk = float(v > v_thr)
    stepper = "rk2" if integrator_code(integration_type) == 1 else "euler"
    v1 = integrate(stepper, dfv, v, J, w)
    w1 = integrate(stepper, dfw, w, v)
    v_new = v1 * (1 - spk) + spk * v_reset
    w_new = w1 * (1 - spk) + spk * (w + w_reset)
    tols = (1 - spk) * tols + spk * t
    v = v_new
    w = w_new
    s = spk
  }

  # dv/dt and dw/dt, ngclearn's _dfv_internal and _dfw_internal
  def dfv(v, J, w) {
    return (v * v * 0.04 + v * 5.0 + 140.0 - w + J) * (1 / float(tau_m))
  }

  def dfw(w, v) {
    return (v * coupling_factor - w) * (1 / float(tau_w))
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
