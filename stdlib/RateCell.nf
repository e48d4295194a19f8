# RateCell: a graded (rate-coded) cell driven by the gradient dynamics of
# neural generative coding / predictive processing, ngclearn's RateCell.
#
#   tau_m dz/dt = -prior(z) * lambda + (j + j_td)
#
# advance_state, in this order (every compartment [batch_size, n_units]):
#   stateful (is_stateful and tau_m > 0):
#     J   = (j * dfx(z)) * resist_scale          (dfx = act_fx's derivative, on
#                                                the z before the step)
#     z1  = step(dfz, z; J + 0, j_td)            (the + 0 is ngclearn's
#                                                j + j_lat with j_lat = 0)
#       dfz = (-leak(z) * lambda + (J + j_td)) * (1 / tau_m)
#       leak(z) = z                              "gaussian"
#               = sign(z)                        "laplacian"
#               = (z * 2) / (1 + z * z)          "cauchy"
#               = (exp(-(z * z)) * z) * 2        "exp"
#       (1 / tau_m, lambda: binary32, as in ngclearn's jitted steppers)
#     threshold "soft_threshold":   z1 = max(z1 - thr, 0) - max(-z1 - thr, 0)
#     threshold "cauchy_threshold": r = sqrt(max(z1 * z1 - thr, 0)),
#               z1 = ((z1 + r) * 0.5) * [z1 >= thr] + ((z1 - r) * 0.5) * [z1 <= -thr]
#     z   = z1
#     j   = J                                    (the scaled input is written back)
#   stateless (is_stateful false, or tau_m <= 0):
#     z   = (j + j_td) + 0                       (j is not touched)
#   zF = fx(z) * output_scale
# The stepper is ngclearn's, as RateCell's own table picks it from
# get_integrator_code: 0 Euler, 1 midpoint, 2 RK4, anything else Euler; so
# "euler" (and any unknown string) is Euler, "midpoint"/"rk2" the midpoint
# method, "heun"/"rk2_heun" RK4, and "rk4", "ralston"/"rk2_ralston" Euler.
#
# Parameters:
#   n_units, tau_m: required (tau_m <= 0 selects the stateless mode)
#   prior = "gaussian"      "gaussian", "laplacian", "cauchy" or "exp"
#   prior_lambda = 0.0      the prior's weight (leak rate); ngclearn's
#                           prior=(name, lambda) is prior, prior_lambda here
#   act_fx = "identity"     fx and its derivative dfx (a function parameter)
#   output_scale = 1.0
#   threshold = "none"      "none", "soft_threshold" or "cauchy_threshold"
#   threshold_lambda = 0.0  ngclearn's threshold=(name, lambda) is
#                           threshold, threshold_lambda here
#   integration_type = "euler" (see above)
#   batch_size = 1, resist_scale = 1.0, is_stateful = true
#   omega_0 = 30.0          accepted for act_fx = "sine" and ignored, as in
#                           ngclearn (its sine always uses 30)
# Compartments, all [batch_size, n_units] zeros: j, j_td (inputs), z (state),
# zF (output).
#
# reset: j = 0 and j_td = 0 unless wired; z = 0; zF = 0.
#
# Decisions on ngclearn's quirks:
#   * The stepper table maps get_integrator_code's 2 (Heun) to RK4 and 4
#     (rk4) to Euler; this is well defined and followed ("rk4" runs Euler,
#     "heun" runs RK4).
#   * advance_state writes the modulated, scaled input back into j, so an
#     input that is not re-driven every step is multiplied by dfx(z) *
#     resist_scale again at the next; followed. A wired j is never written
#     (a write would reach its source): then J is used for the step only.
#     ngclearn's reset also zeroes j and j_td unconditionally; here unless
#     wired, as for every cell.
#   * prior and threshold are (name, lambda) tuples in ngclearn; the
#     language has no mixed tuples, so each is two parameters. ngclearn runs
#     an unknown prior name as "gaussian" and an unknown threshold name as
#     none; here an unknown name is refused (a typo).
#   * threshold_cauchy cannot run in ngclearn 3.2.3 (jnp.maximum is called
#     with one argument: sqrt(maximum(x^2 - lambda), 0.)); here its evident
#     intent, sqrt(maximum(x^2 - lambda, 0)).
#   * ngclearn makes the cell stateless only when tau_m is a Python float
#     <= 0 (an int 0 divides by zero); here tau_m is a float and tau_m <= 0
#     is stateless; it is a run-time parameter.
#   * Lateral pressure (use_lateral, adaptive_lateral, exc_inh, n_patch,
#     fx_lat, Wl_eta, Wl_opt_type, Wl_prior: an inner patched synapse with the
#     compartments j_lat, zF_lat) and the 4-D shape option are left out; the
#     language has no components inside components. With use_lateral off
#     (ngclearn's default) j_lat is zero and only its + 0 remains (kept).
component RateCell {
  param n_units: int
  param tau_m: float
  param prior = "gaussian"
  param prior_lambda = 0.0
  param act_fx = "identity"
  param output_scale = 1.0
  param threshold = "none"
  param threshold_lambda = 0.0
  param integration_type = "euler"
  param batch_size = 1
  param resist_scale = 1.0
  param is_stateful = true
  param omega_0 = 30.0

  input j[batch_size, n_units] = 0
  input j_td[batch_size, n_units] = 0
  state z[batch_size, n_units] = 0
  output zF[batch_size, n_units] = 0

  def advance_state(dt) {
    if not (prior == "gaussian" or prior == "laplacian" or prior == "cauchy" or prior == "exp") {
      reject(prior, "choose \"gaussian\", \"laplacian\", \"cauchy\" or \"exp\"")
    }
    if not (threshold == "none" or threshold == "soft_threshold" or threshold == "cauchy_threshold") {
      reject(threshold, "choose \"none\", \"soft_threshold\" or \"cauchy_threshold\"")
    }
    z_new = z
    if is_stateful and tau_m > 0 {
      J = j * act_fx.deriv(z) * resist_scale
      code = integrator_code(integration_type)
      stepper = "rk2" if code == 1 else ("rk4" if code == 2 else "euler")
      z1 = integrate(stepper, dfz, z, J + 0.0, j_td)
      if threshold == "soft_threshold" {
        z1 = maximum(z1 - threshold_lambda, 0.0) - maximum(-z1 - threshold_lambda, 0.0)
      } elif threshold == "cauchy_threshold" {
        r = sqrt(maximum(z1 * z1 - threshold_lambda, 0.0))
        z1 = (z1 + r) * 0.5 * float(z1 >= threshold_lambda) + (z1 - r) * 0.5 * float(z1 <= -threshold_lambda)
      }
      z_new = z1
      if not wired(j) {
        j = J
      }
    } else {
      z_new = j + j_td + 0.0
    }
    z = z_new
    zF = act_fx(z_new) * output_scale
  }

  # dz/dt, ngclearn's _dfz_internal_{gaussian,laplace,cauchy,exp}
  def dfz(z, j, j_td) {
    leak = z
    if prior == "laplacian" {
      leak = sign(z)
    } elif prior == "cauchy" {
      leak = z * 2.0 / (1.0 + z * z)
    } elif prior == "exp" {
      leak = exp(-(z * z)) * z * 2.0
    }
    return (-leak * float(prior_lambda) + (j + j_td)) * (1 / float(tau_m))
  }

  def reset() {
    if not wired(j) {
      j = 0
    }
    if not wired(j_td) {
      j_td = 0
    }
    z = 0
    zF = 0
  }
}
