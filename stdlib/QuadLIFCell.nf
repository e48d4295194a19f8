# QuadLIFCell: the quadratic integrate-and-fire neuron, ngclearn's
# QuadLIFCell (a LIFCell with a quadratic voltage term). The batch size is 1.
#
#   tau_m dv/dt = (v_rest - v) (v - v_scale) critical_v + J * gate
#
# (parameter names as ngclearn's constructor has them; see the quirk below)
#
# advance_state, in this order (every compartment [1, n_units]):
#   J       = j * resist_m
#   thr_eff = thr_theta + thr
#   v1      = step(dfv, v; J, rfr)
#             dfv = (((v_rest - v) * (v - v_scale)) * critical_v + J * [rfr >= refract_time]) * (1 / tau_m)
#   s_raw   = [v1 > thr_eff]
#   rfr     = (rfr + dt) * (1 - s_raw)
#   v2      = v1 * (1 - s_raw) + s_raw * v_reset
#   s       = s_raw, then one_spike / max_one_spike as in LIFCell
#   tau_theta > 0: thr_theta = thr_theta * exp(-dt / tau_theta) + s_raw * theta_plus
#   tols    = (1 - s) * tols + s * t
#   v       = max(v2, v_min)
# step is Euler, or the midpoint method when integration_type is "midpoint"
# or "rk2" (step_euler / step_rk2 through integrate()); 1 / tau_m is a
# binary32 division (jitted dynamics).
#
# Parameters: n_units, tau_m (required); resist_m = 1.0, thr = -52.0,
# v_rest = -65.0, v_reset = -60.0, v_scale = -41.6, critical_v = 1.0,
# tau_theta = 1e7, theta_plus = 0.05, refract_time = 5.0, one_spike = false,
# max_one_spike = false, integration_type = "euler",
# surrogate_type = "straight_through" (accepted, ignored), v_min = -inf.
# Compartments (LIFCell's): j, v (= v_rest), s, s_raw, rfr (= refract_time),
# thr_theta, tols, surrogate (= 1, never written), v_thr (= thr, never
# written), key (i32, used by one_spike).
#
# reset: j = 0 unless wired; v = v_rest; s = s_raw = 0; rfr = refract_time;
# tols = 0. Not reset: thr_theta, surrogate, v_thr, key (as in ngclearn).
#
# Decisions on ngclearn's quirks (as in ngclearn's source):
#   * the constructor stores v_scale as the critical voltage v_c and
#     critical_v as the scale a0, so dv/dt reads (v - v_scale) * critical_v:
#     the names are swapped against their meaning, and the defaults
#     (v_scale = -41.6 mV, critical_v = 1) only make sense that way round;
#   * v_min = -inf stands for ngclearn's None (no floor), as in LIFCell;
#   * QuadLIFCell never updates surrogate or v_thr, which it inherits.
component QuadLIFCell {
  param n_units: int
  param tau_m: float
  param resist_m = 1.0
  param thr = -52.0
  param v_rest = -65.0
  param v_reset = -60.0
  param v_scale = -41.6
  param critical_v = 1.0
  param tau_theta = 1.0e7
  param theta_plus = 0.05
  param refract_time = 5.0
  param one_spike = false
  param max_one_spike = false
  param integration_type = "euler"
  param surrogate_type = "straight_through"
  param v_min = -inf

  input j[1, n_units] = 0
  state v[1, n_units] = v_rest
  output s[1, n_units] = 0
  output s_raw[1, n_units] = 0
  state rfr[1, n_units] = refract_time
  state thr_theta[1, n_units] = 0
  output tols[1, n_units] = 0
  state surrogate[1, n_units] = 1
  state v_thr[1, n_units] = thr
  state key: i32 = 0

  def advance_state(t, dt) {
    J = j * resist_m
    thr_eff = thr_theta + thr
    v1 = integrate("rk2" if integrator_code(integration_type) == 1 else "euler", dfv, v, J, rfr)
    spk_raw = float(v1 > thr_eff)
    rfr_new = (rfr + dt) * (1 - spk_raw)
    v2 = v1 * (1 - spk_raw) + spk_raw * v_reset
    spk = spk_raw
    if one_spike and not max_one_spike {
      u = uniform(key, (1, n_units))
      fired = float(sum(spk, axis=1, keepdims=true) > 0)
      spk = spk * (1 - fired) + one_hot(argmax(spk * u, axis=1), n_units) * fired
      key = key + 1
    }
    if max_one_spike {
      spk = spk * one_hot(argmax(v, axis=1), n_units)
    }
    if tau_theta > 0 {
      thr_theta = thr_theta * exp(-dt / tau_theta) + spk_raw * theta_plus
    }
    tols = (1 - spk) * tols + spk * t
    v = maximum(v2, v_min)
    s = spk
    s_raw = spk_raw
    rfr = rfr_new
  }

  # dv/dt, ngclearn's _dfv_internal (v_c = v_scale, a0 = critical_v)
  def dfv(v, J, rfr) {
    return ((v_rest - v) * (v - v_scale) * critical_v + J * float(rfr >= refract_time)) * (1 / float(tau_m))
  }

  def reset() {
    if not wired(j) {
      j = 0
    }
    v = v_rest
    s = 0
    s_raw = 0
    rfr = refract_time
    tols = 0
  }
}
