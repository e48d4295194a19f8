# HodgkinHuxleyCell: the Hodgkin-Huxley conductance neuron (voltage relative
# to rest, in mV), ngclearn's HodgkinHuxleyCell. The batch size is 1.
#
#   tau_v dv/dt = J - g_Na m^3 h (v - v_Na) - g_K n^4 (v - v_K) - g_L (v - v_L)
#   dx/dt = alpha_x(v) (1 - x) - beta_x(v) x          for the gates x = n, m, h
#
# with the rate functions (binary32, from the voltage at the start of the step):
#   alpha_n = 0.01 * ((10 - v) / (exp((10 - v) / 10) - 1))   beta_n = 0.125 * exp(-v / 80)
#   alpha_m = 0.1 * ((25 - v) / (exp((25 - v) / 10) - 1))    beta_m = 4 * exp(-v / 18)
#   alpha_h = 0.07 * exp(-v / 20)                            beta_h = 1 / (exp((30 - v) / 10) + 1)
#
# advance_state, in this order (every compartment [1, n_units]):
#   J   = j * resist_m
#   v1  = step(dfv, v; J, m + 0, n + 0, h + 0)
#         dfv = (((J - ((g_Na * m^3) * h) * (v - v_Na)) - (g_K * n^4) * (v - v_K)) - g_L * (v - v_L)) * (1 / tau_v)
#         m^3 = m * (m * m), n^4 = (n * n) * (n * n) (JAX's integer powers)
#   x1  = step(dfx, x; alpha_x, beta_x) for n, m, h, the rates of the old v
#   s   = [v1 > thr]
#   spike_reset: v = v1 * (1 - s) + s * v_reset, and each gate snaps to its
#     resting value at v_reset, x = x1 * (1 - s) + s * (alpha_x / (alpha_x + beta_x))
#     with the rates of (v * 0 + v_reset)
#   tols = (1 - s) * tols + s * t
# step is Euler, the midpoint method ("midpoint"/"rk2") or RK4 ("rk4"), as
# ngclearn's get_integrator_code maps integration_type (step_euler,
# step_rk2, step_rk4 through integrate()); 1 / tau_v is a binary32 division.
#
# Parameters: n_units, tau_v (required); resist_m = 1.0, v_Na = 115.0,
# v_K = -35.0, v_L = 10.6, g_Na = 100.0, g_K = 5.0, g_L = 0.3, thr = 4.0,
# spike_reset = false, v_reset = 0.0, integration_type = "euler".
# Compartments: j (input current), v, n, m, h (the gates), s (spikes), tols;
# all start at 0.
#
# reset: j = 0 unless wired; v = 0; n, m, h = their resting values at v = 0
# (alpha_x / (alpha_x + beta_x)); s = 0; tols = 0.
#
# Decisions on ngclearn's quirks (as in ngclearn's source): the gates start
# at 0, not at rest; only reset sets the resting gates, so a model runs its
# reset first (the lesson does). The gates' parameters to the voltage step
# are m + 0, n + 0, h + 0 (a -0 becomes +0).
component HodgkinHuxleyCell {
  param n_units: int
  param tau_v: float
  param resist_m = 1.0
  param v_Na = 115.0
  param v_K = -35.0
  param v_L = 10.6
  param g_Na = 100.0
  param g_K = 5.0
  param g_L = 0.3
  param thr = 4.0
  param spike_reset = false
  param v_reset = 0.0
  param integration_type = "euler"

  input j[1, n_units] = 0
  state v[1, n_units] = 0
  state n[1, n_units] = 0
  state m[1, n_units] = 0
  state h[1, n_units] = 0
  output s[1, n_units] = 0
  output tols[1, n_units] = 0

  def advance_state(t, dt) {
    J = j * resist_m
    code = integrator_code(integration_type)
    stepper = "rk2" if code == 1 else ("rk4" if code == 4 else "euler")
    v1 = integrate(stepper, dfv, v, J, m + 0.0, n + 0.0, h + 0.0)
    n1 = integrate(stepper, dfx, n, alpha_n(v), beta_n(v))
    m1 = integrate(stepper, dfx, m, alpha_m(v), beta_m(v))
    h1 = integrate(stepper, dfx, h, alpha_h(v), beta_h(v))
    spk = float(v1 > thr)
    if spike_reset {
      vr = v * 0 + v_reset
      v1 = v1 * (1 - spk) + spk * v_reset
      n1 = n1 * (1 - spk) + spk * resting(alpha_n(vr), beta_n(vr))
      m1 = m1 * (1 - spk) + spk * resting(alpha_m(vr), beta_m(vr))
      h1 = h1 * (1 - spk) + spk * resting(alpha_h(vr), beta_h(vr))
    }
    tols = (1 - spk) * tols + spk * t
    v = v1
    m = m1
    n = n1
    h = h1
    s = spk
  }

  # dv/dt (ngclearn's _dv_dt) and a gate's dx/dt (_dx_dt)
  def dfv(v, J, m, n, h) {
    term1 = g_Na * m ** 3 * h * (v - v_Na)
    term2 = g_K * n ** 4 * (v - v_K)
    term3 = g_L * (v - v_L)
    return (J - term1 - term2 - term3) * (1 / float(tau_v))
  }

  def dfx(x, alpha_x, beta_x) {
    return alpha_x * (1 - x) - beta_x * x
  }

  # The rate functions of _calc_biophysical_constants
  def alpha_n(v) {
    return 0.01 * ((10 - v) / (exp((10.0 - v) / 10.0) - 1.0))
  }
  def beta_n(v) {
    return 0.125 * exp(-v / 80.0)
  }
  def alpha_m(v) {
    return 0.1 * ((25 - v) / (exp((25.0 - v) / 10.0) - 1.0))
  }
  def beta_m(v) {
    return 4.0 * exp(-v / 18.0)
  }
  def alpha_h(v) {
    return 0.07 * exp(-v / 20.0)
  }
  def beta_h(v) {
    return 1.0 / (exp((30 - v) / 10.0) + 1.0)
  }
  def resting(alpha_x, beta_x) {
    return alpha_x / (alpha_x + beta_x)
  }

  def reset() {
    if not wired(j) {
      j = 0
    }
    rest = zeros((1, n_units))
    v = rest
    n = resting(alpha_n(rest), beta_n(rest))
    m = resting(alpha_m(rest), beta_m(rest))
    h = resting(alpha_h(rest), beta_h(rest))
    s = 0
    tols = 0
  }
}
