# IFCell: a (non-leaky) integrate-and-fire neuron with refractory period,
# ngclearn's IFCell. The batch size is 1, as in ngclearn.
#
#   tau_m dv/dt = J * [rfr >= refract_time]            J = j * resist_m
#
# advance_state, in this order (every compartment [1, n_units]):
#   J    = j * resist_m
#   v1   = step(dfv, v; J, rfr)     dfv = (J * [rfr >= refract_time]) * (1 / tau_m)
#   s    = [v1 > thr]
#   rfr  = (rfr + dt) * (1 - s)
#   v2   = v1 * (1 - s) + s * v_reset
#   tols = (1 - s) * tols + s * t
#   v    = max(v2, v_rest)     when lower_clamp_voltage
#        = v1                  otherwise: ngclearn stores the voltage BEFORE
#                              the spike reset (see below)
# step is Euler, or the midpoint method when integration_type is "midpoint"
# or "rk2" (step_euler / step_rk2 through integrate()); 1 / tau_m is a
# binary32 division (jitted dynamics).
#
# Parameters: n_units, tau_m (required); resist_m = 1.0, thr = -52.0,
# v_rest = -65.0, v_reset = -60.0, refract_time = 0.0,
# integration_type = "euler", surrogate_type = "straight_through" (accepted
# and ignored: ngclearn's IFCell keeps no surrogate), lower_clamp_voltage = true.
# Compartments: j (input current), v (= v_rest), s (spikes), rfr
# (= refract_time), tols.
#
# reset: j = 0 unless wired; v = v_rest; s = 0; rfr = refract_time; tols = 0.
#
# Decisions on ngclearn's quirks (as in ngclearn's source):
#   * with lower_clamp_voltage = false the stored voltage is the one before
#     the spike reset (ngclearn sets v from the integrated _v, and the reset
#     value only reaches the clamped branch), so an unclamped cell is never
#     reset and keeps spiking while above thr;
#   * the refractory gate compares rfr with refract_time in binary32.
component IFCell {
  param n_units: int
  param tau_m: float
  param resist_m = 1.0
  param thr = -52.0
  param v_rest = -65.0
  param v_reset = -60.0
  param refract_time = 0.0
  param integration_type = "euler"
  param surrogate_type = "straight_through"
  param lower_clamp_voltage = true

  input j[1, n_units] = 0
  state v[1, n_units] = v_rest
  output s[1, n_units] = 0
  state rfr[1, n_units] = refract_time
  output tols[1, n_units] = 0

  def advance_state(t, dt) {
    J = j * resist_m
    v1 = integrate("rk2" if integrator_code(integration_type) == 1 else "euler", dfv, v, J, rfr)
    spk = float(v1 > thr)
    rfr_new = (rfr + dt) * (1 - spk)
    v2 = v1 * (1 - spk) + spk * v_reset
    tols = (1 - spk) * tols + spk * t
    if lower_clamp_voltage {
      v = maximum(v2, v_rest)
    } else {
      v = v1
    }
    s = spk
    rfr = rfr_new
  }

  # dv/dt, ngclearn's _dfv_internal
  def dfv(v, J, rfr) {
    return J * float(rfr >= refract_time) * (1 / float(tau_m))
  }

  def reset() {
    if not wired(j) {
      j = 0
    }
    v = v_rest
    s = 0
    rfr = refract_time
    tols = 0
  }
}
