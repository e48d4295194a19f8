# LIFCell: a leaky integrate-and-fire neuron with refractory period and
# adaptive threshold, ngclearn's LIFCell. The batch size is 1, as in ngclearn.
#
# advance_state, in this order (every compartment [1, n_units]):
#   J        = j * resist_m
#   thr_eff  = thr_theta + thr               (theta from the previous step)
#   gate     = [rfr >= refract_time]         (rfr from the previous step)
#   f(v)     = ((v_rest - v) * conduct_leak + J * gate) * (1 / tau_m)
#   v1       = v + f(v) * dt                                  (Euler)
#            = v + f(v + f(v) * (dt * 0.5)) * dt              (midpoint)
#            (ngclearn's step_euler / step_rk2 through integrate(); f is
#            the helper dfv)
#            (1 / tau_m is a binary32 division: ngclearn's _dfv runs inside
#            the jitted step_euler/step_rk2, where tau_m arrives as float32)
#   s_raw    = [v1 > thr_eff]
#   rfr      = (rfr + dt) * (1 - s_raw)
#   surrogate = A(v1 - thr_eff) * (resist_m * dt / tau_m),
#              A(x) = (1 / (1 + (x * pi * (alpha/2))^2)) * (1/pi), alpha = 0.2
#              (arctan surrogate derivative ds/dj, operation by operation as
#              surrogate_fx.py's d_spike_fx: the square is one product, and
#              1/pi is Python's binary64 quotient rounded once)
#   v2       = v1 * (1 - s_raw) + s_raw * v_reset
#   s        = s_raw, then
#     one_spike (and not max_one_spike): if any unit crossed, keep one of
#       them, the argmax of s * u with u ~ Uniform[0,1) drawn with key
#       (key advances)
#     max_one_spike: s = s * onehot(argmax(v)), v the voltage at the START of
#       the step
#   tau_theta > 0:  thr_theta = thr_theta * exp(-dt / tau_theta) + s_raw * theta_plus
#                   v_thr = thr + thr_theta
#   tols     = (1 - s) * tols + s * t
#   v        = max(v2, v_min)
# Voltage reset, refractory counter and adaptation use the raw crossings;
# tols uses the post-processed s. After a raw spike the input is blocked for
# ceil(refract_time / dt) steps; the leak always acts.
#
# Parameters:
#   n_units, tau_m (ms): required
#   resist_m = 1.0 (R), thr = -52.0, v_rest = -65.0, v_reset = -60.0,
#   conduct_leak = 1.0 (g_L), tau_theta = 1e7 (> 0: adaptive threshold, on by
#   default), theta_plus = 0.05, refract_time = 5.0 (ms),
#   one_spike = false, max_one_spike = false,
#   integration_type = "euler": "midpoint" or "rk2" select the midpoint
#     method, anything else Euler (as in ngclearn),
#   surrogate_type = "straight_through": accepted and ignored, as in ngclearn
#     (the arctan surrogate is always used),
#   v_min = -inf: voltage floor applied after the spike reset.
# Compartments: j (input current), v (= v_rest), s, s_raw, rfr (= refract_time),
# thr_theta, tols, surrogate (= 1), v_thr (= thr), key (i32, used by one_spike).
#
# reset: j = 0 unless wired; v = v_rest; s = s_raw = 0; surrogate = 1;
# rfr = refract_time; tols = 0; v_thr = thr. Not reset: thr_theta (the
# adaptation persists), key.
#
# Decisions on ngclearn's quirks:
#   * v_min: ngclearn's default is None (no floor); here it is -inf, for which
#     maximum(v, v_min) = v exactly; v_min stays a run-time parameter.
#   * surrogate_type is ignored and the arctan surrogate always used, and
#     thr_theta survives reset while v_thr shows thr again, as in ngclearn.
#   * max_one_spike ranks units by the voltage at the start of the step, as
#     in ngclearn.
component LIFCell {
  param n_units: int
  param tau_m: float
  param resist_m = 1.0
  param thr = -52.0
  param v_rest = -65.0
  param v_reset = -60.0
  param conduct_leak = 1.0
  param tau_theta = 1.0e7
  param theta_plus = 0.05
  param refract_time = 5.0
  param one_spike = false
  param integration_type = "euler"
  param surrogate_type = "straight_through"
  param v_min = -inf
  param max_one_spike = false

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
    gate = float(rfr >= refract_time)
    v1 = integrate("rk2" if integrator_code(integration_type) == 1 else "euler", dfv, v, J, gate)
    spk_raw = float(v1 > thr_eff)
    rfr_new = (rfr + dt) * (1 - spk_raw)
    pi = 3.141592653589793
    surr = (1 / (1 + ((v1 - thr_eff) * pi * (0.2 / 2)) ** 2)) * (1 / pi) * (resist_m * dt / tau_m)
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
      theta = thr_theta * exp(-dt / tau_theta) + spk_raw * theta_plus
      thr_theta = theta
      v_thr = thr + theta
    }
    tols = (1 - spk) * tols + spk * t
    v = maximum(v2, v_min)
    s = spk
    s_raw = spk_raw
    rfr = rfr_new
    surrogate = surr
  }

  # dv/dt, ngclearn's LIFCell._dfv (integrate() evaluates it per stage)
  def dfv(v, J, gate) {
    return ((v_rest - v) * conduct_leak + J * gate) * (1 / float(tau_m))
  }

  def reset() {
    if not wired(j) {
      j = 0
    }
    v = v_rest
    s = 0
    s_raw = 0
    surrogate = 1
    rfr = refract_time
    tols = 0
    v_thr = thr
  }
}
