# NoisyLIFCell: the leaky integrate-and-fire neuron of ngc-museum's RL-SNN
# exhibit (custom/noisyLIFCell.py). Unlike LIFCell the input current is not
# divided by tau_m, the leak is scaled by v_decay, and Gaussian current noise
# may be added. The batch size is 1.
#
# advance_state, in this order (every compartment [1, n_units]):
#   J       = j * resist_m + eps_scale * Normal(0, 1)     (noise only if eps_scale > 0)
#   thr_eff = thr_theta + thr
#   gate    = [rfr >= refract_time]
#   f(v)    = (v_rest - v) * v_decay * (1 / tau_m) + J * gate
#   v1      = v + f(v) * dt                               (Euler)
#           = v + f(v + f(v) * (dt * 0.5)) * dt           (midpoint, integrate("rk2"))
#   1 / tau_m is a binary32 division: the exhibit's _dfv runs inside
#   ngclearn's jitted step_euler/step_rk2, where tau_m arrives as float32.
#   s_raw   = [v1 > thr_eff]
#   w       = onehot(argmax(v1)) if enforce_wta (the unit with the highest
#             post-integration voltage; if it did not cross, no spike at all)
#   rfr     = (rfr + dt) * (1 - s_raw)
#   v2      = v1 * (1 - s_raw) + s_raw * v_reset
#   s       = s_raw * w if enforce_wta else s_raw
#   tau_theta > 0:  thr_theta = thr_theta * exp(-dt / tau_theta) + s_raw * theta_plus
#   tols    = (1 - s) * tols + s * t
#
# Parameters: n_units, tau_m (required); resist_m = 1.0, thr = -52.0,
# v_rest = -65.0, v_reset = -60.0, v_decay = 1.0, tau_theta = 1e7,
# theta_plus = 0.05, refract_time = 5.0, enforce_wta = false,
# integration_type = "euler" ("midpoint"/"rk2" for midpoint),
# surrogate_type = "straight_through" (accepted, ignored), eps_scale = 0.2.
# Compartments: j, v (= v_rest), s, s_raw, rfr (= refract_time), thr_theta,
# tols, surrogate (= 1, never written), key (i32, the noise counter).
#
# reset: j = 0 unless wired; v = v_rest; s = s_raw = 0; rfr = refract_time;
# tols = 0. Not reset: thr_theta, surrogate, key.
#
# Decisions on the exhibit's quirks:
#   * The exhibit never advances its noise key, so the same noise sample is
#     added at every step; that is plainly a bug, and here the key advances
#     every step, giving fresh noise.
#   * v_min is accepted and ignored by the exhibit's cell; it is not a
#     parameter here.
component NoisyLIFCell {
  param n_units: int
  param tau_m: float
  param resist_m = 1.0
  param thr = -52.0
  param v_rest = -65.0
  param v_reset = -60.0
  param v_decay = 1.0
  param tau_theta = 1.0e7
  param theta_plus = 0.05
  param refract_time = 5.0
  param enforce_wta = false
  param integration_type = "euler"
  param surrogate_type = "straight_through"
  param eps_scale = 0.2

  input j[1, n_units] = 0
  state v[1, n_units] = v_rest
  output s[1, n_units] = 0
  output s_raw[1, n_units] = 0
  state rfr[1, n_units] = refract_time
  state thr_theta[1, n_units] = 0
  output tols[1, n_units] = 0
  state surrogate[1, n_units] = 1
  state key: i32 = 0

  def advance_state(t, dt) {
    J = j * resist_m
    if eps_scale > 0 {
      J = J + normal(key, (1, n_units)) * eps_scale
      key = key + 1
    }
    thr_eff = thr_theta + thr
    gate = float(rfr >= refract_time)
    v1 = integrate("rk2" if integrator_code(integration_type) == 1 else "euler", dfv, v, J, gate)
    spk_raw = float(v1 > thr_eff)
    rfr_new = (rfr + dt) * (1 - spk_raw)
    v2 = v1 * (1 - spk_raw) + spk_raw * v_reset
    spk = spk_raw
    if enforce_wta {
      spk = spk_raw * one_hot(argmax(v1, axis=1), n_units)
    }
    if tau_theta > 0 {
      thr_theta = thr_theta * exp(-dt / tau_theta) + spk_raw * theta_plus
    }
    tols = (1 - spk) * tols + spk * t
    v = v2
    s = spk
    s_raw = spk_raw
    rfr = rfr_new
  }

  # dv/dt, the exhibit's _dfv (integrate() evaluates it per stage)
  def dfv(v, J, gate) {
    return (v_rest - v) * v_decay * (1 / float(tau_m)) + J * gate
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
