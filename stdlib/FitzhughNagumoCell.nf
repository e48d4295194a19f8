# FitzhughNagumoCell: the FitzHugh-Nagumo two-variable neuron, ngclearn's
# FitzhughNagumoCell. The batch size is 1, as in ngclearn.
#
#   tau_m dv/dt = v - v^3 / gamma - w + J             J = j * resist_m
#   tau_w dw/dt = v + alpha - beta w
#
# advance_state, in this order (every compartment [1, n_units]):
#   J  = j * resist_m
#   v1 = step(dfv, v; J, w)      dfv = (((v - (v * (v * v)) / gamma) - w) + J) * (1 / tau_m)
#   w1 = step(dfw, w; v)         dfw = ((v + alpha) - beta * w) * (1 / tau_w), on the old v
#   s  = [v1 > v_thr]
#   spike_reset: v = v1 * (1 - s) + s * v0, w = w1 * (1 - s) + s * w0
#   tols = (1 - s) * tols + s * t
# v^3 is jnp.power(v, 3), JAX's integer power v * (v * v). step is Euler, or
# the midpoint method when integration_type is "midpoint" or "rk2"
# (step_euler / step_rk2 through integrate()); 1 / tau_m and 1 / tau_w are
# binary32 divisions (jitted dynamics).
#
# Parameters: n_units (required); tau_m = 1.0, resist_m = 1.0, tau_w = 12.5,
# alpha = 0.7, beta = 0.8, gamma = 3.0, v0 = 0.0, w0 = 0.0, v_thr = 1.07,
# spike_reset = false, integration_type = "euler".
# Compartments: j (input current), v (= v0), w (= w0), s (spikes), tols.
#
# reset: j = 0 unless wired; v = v0; w = w0; s = 0; tols = 0.
component FitzhughNagumoCell {
  param n_units: int
  param tau_m = 1.0
  param resist_m = 1.0
  param tau_w = 12.5
  param alpha = 0.7
  param beta = 0.8
  param gamma = 3.0
  param v0 = 0.0
  param w0 = 0.0
  param v_thr = 1.07
  param spike_reset = false
  param integration_type = "euler"

  input j[1, n_units] = 0
  state v[1, n_units] = v0
  state w[1, n_units] = w0
  output s[1, n_units] = 0
  output tols[1, n_units] = 0

  def advance_state(t, dt) {
    J = j * resist_m
    stepper = "rk2" if integrator_code(integration_type) == 1 else "euler"
    v1 = integrate(stepper, dfv, v, J, w)
    w1 = integrate(stepper, dfw, w, v)
    spk = float(v1 > v_thr)
    if spike_reset {
      v1 = v1 * (1 - spk) + spk * v0
      w1 = w1 * (1 - spk) + spk * w0
    }
    tols = (1 - spk) * tols + spk * t
    v = v1
    w = w1
    s = spk
  }

  # dv/dt and dw/dt, ngclearn's _dfv_internal and _dfw_internal
  def dfv(v, J, w) {
    return (v - v ** 3 / gamma - w + J) * (1 / float(tau_m))
  }

  def dfw(w, v) {
    return (v + alpha - beta * w) * (1 / float(tau_w))
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
