# VarTrace: a per-unit low-pass filter (trace) of an input pulse train,
# ngclearn's VarTrace.
#
# advance_state, with z_old = trace:
#   f = exp(-dt / tau_tr)    "exp" in decay_type ("exp", "exponential", "exp_fast")
#       1 - dt / tau_tr      else "lin" in decay_type ("lin", "linear")
#       0                    else "step" in decay_type (step decay)
#   z = gamma_tr * z_old * f
#   n_nearest_spikes > 0:  z = z + inputs * (a_delta - z_old / n_nearest_spikes)
#   else a_delta > 0:      z = z + inputs * a_delta            (additive trace)
#   else:                  z = z * (1 - inputs) + inputs * P_scale   (gated:
#                          the trace snaps to P_scale on a pulse)
#   trace = z, outputs = z
#
# Parameters:
#   n_units, tau_tr (ms), a_delta: required
#   P_scale = 1.0           value the gated trace snaps to
#   gamma_tr = 1.0          extra factor on the decayed trace
#   decay_type = "exp"      chosen by substring as in ngclearn (see above); a
#                           string containing none of exp, lin, step is an
#                           error at the argument that gave it
#   n_nearest_spikes = 0    k > 0 selects the nearest-spike variant (which
#                           uses the undecayed old trace)
#   batch_size = 1
# Compartments: inputs (input), outputs (output), trace (state), all
# [batch_size, n_units], zeros.
#
# reset: outputs = 0, trace = 0, inputs = 0 unless wired.
#
# Decisions on ngclearn's quirks:
#   * ngclearn picks the decay by substring: "exp" in decay_type, else "lin"
#     in decay_type, else step decay; here the same, except that a string
#     with none of the three (a typo, which ngclearn silently runs as step
#     decay) is refused.
#   * ngclearn's reset never resets inputs (the hasattr idiom); here it resets
#     them unless wired, as the code intends.
#   * ngclearn's gamma_tr default is the integer 1; here it is the float 1.0.
#   * ngclearn's key compartment is unused and left out.
component VarTrace {
  param n_units: int
  param tau_tr: float
  param a_delta: float
  param P_scale = 1.0
  param gamma_tr = 1.0
  param decay_type = "exp"
  param n_nearest_spikes = 0
  param batch_size = 1

  input inputs[batch_size, n_units] = 0
  output outputs[batch_size, n_units] = 0
  state trace[batch_size, n_units] = 0

  def advance_state(dt) {
    f = 0.0
    if "exp" in decay_type {
      f = exp(-dt / tau_tr)
    } elif "lin" in decay_type {
      f = 1 - dt / tau_tr
    } elif not ("step" in decay_type) {
      reject(decay_type, "choose \"exp\", \"lin\" or \"step\" (ngclearn picks by substring)")
    }
    z_old = trace
    z = gamma_tr * z_old * f
    if n_nearest_spikes > 0 {
      z = z + inputs * (a_delta - z_old / float(n_nearest_spikes))
    } elif a_delta > 0 {
      z = z + inputs * a_delta
    } else {
      z = z * (1 - inputs) + inputs * P_scale
    }
    trace = z
    outputs = z
  }

  def reset() {
    if not wired(inputs) {
      inputs = 0
    }
    outputs = 0
    trace = 0
  }
}
