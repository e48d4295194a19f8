# TTFSCell: a time-to-first-spike encoder, ngclearn's TTFSCell: at step 0
# each input is mapped to a target step; a unit spikes once, at that step.
#
# advance_state(t, dt), with k = round(t / dt) (the step number, i32):
#   at every step the latency map of the current inputs is computed:
#     xc = clip(inputs, 1e-7, 1)
#     "exponential": tt = ((exp(-xc) - exp(-1)) / (exp(-1e-7) - exp(-1))) * (num_steps - 1)
#     "logarithmic": tt = clip((-log(xc) / maximum(-log(0.01), max(-log(xc)))) * (num_steps - 1),
#                              0, num_steps - 1)
#                    (max over every element of the batch)
#     target = int(round(tt))
#   at k == 0: target_spike_times = target, has_fired = false,
#              refractory_counter = 0 (the previous values otherwise)
#   rc      = maximum(0, refractory_counter - 1)
#   spikes  = [target_spike_times == k] and [rc == 0] and not has_fired
#   has_fired = has_fired or spikes
#   refractory_counter = tau_ref where spikes, else rc
#   outputs = spikes,  tols = (1 - spikes) * tols + spikes * t
# exp(-1), exp(-1e-7), log(0.01) are binary32 functions of binary32
# constants (jnp.exp of a Python float); round is half to even.
#
# Parameters: n_units (required); batch_size = 1, num_steps = 100,
# tau_ref = 5 (steps), latency_mode = "exponential" or "logarithmic".
# Compartments, [batch_size, n_units]: inputs (input), outputs, tols (f32
# outputs), has_fired (bool), target_spike_times, refractory_counter (i32).
#
# reset: inputs = 0 unless wired; outputs = tols = 0; has_fired = false;
# target_spike_times = refractory_counter = 0.
#
# Decisions on ngclearn's quirks:
#   * The encoding restarts whenever round(t / dt) is 0, i.e. only a run
#     whose clock starts at t = 0 encodes; followed.
#   * A unit fires at most once until the clock returns to step 0, so the
#     refractory counter never changes an output; kept as in ngclearn.
#   * ngclearn's reset zeroes inputs unconditionally; here unless wired.
#   * ngclearn raises for any other latency_mode; here it is refused.
#   * The language has no round(): a floor-based helper rounds half to even,
#     as jnp.round does.
component TTFSCell {
  param n_units: int
  param batch_size = 1
  param num_steps = 100
  param tau_ref = 5
  param latency_mode = "exponential"

  input inputs[batch_size, n_units] = 0
  output outputs[batch_size, n_units] = 0
  state has_fired[batch_size, n_units]: bool = false
  state target_spike_times[batch_size, n_units]: i32 = 0
  state refractory_counter[batch_size, n_units]: i32 = 0
  output tols[batch_size, n_units] = 0

  def advance_state(t, dt) {
    k = int(round_half_even(t / dt))
    first = k == 0
    computed = latency_map(inputs)
    tst = int(where(first, computed, target_spike_times))
    fired = has_fired and not first
    rc = int(where(first, 0, refractory_counter))
    rc = maximum(0, rc - 1)
    spk = (tst == k) and (rc == 0) and not fired
    has_fired = fired or spk
    refractory_counter = int(where(spk, tau_ref, rc))
    target_spike_times = tst
    outputs = spk
    tols = (1 - spk) * tols + spk * t
  }

  # TTFSCell._compute_latency_map
  def latency_map(x) {
    xc = clip(x, 1e-7, 1.0)
    tt = xc
    if latency_mode == "exponential" {
      raw = exp(-xc)
      tt = (raw - exp(-1.0)) / (exp(-1e-7) - exp(-1.0)) * (num_steps - 1)
    } elif latency_mode == "logarithmic" {
      raw = -log(xc)
      top = max(reshape(raw, (1, batch_size * n_units)), axis=1, keepdims=true)
      tt = raw / maximum(-log(0.01), top) * (num_steps - 1)
      tt = clip(tt, 0, num_steps - 1)
    } else {
      reject(latency_mode, "choose \"exponential\" or \"logarithmic\"")
    }
    return int(round_half_even(tt))
  }

  # jnp.round: to the nearest integer, ties to even (x - floor(x) is exact)
  def round_half_even(x) {
    r = floor(x)
    frac = x - r
    odd = r - floor(r * 0.5) * 2
    return where(frac > 0.5 or (frac == 0.5 and odd == 1), r + 1, r)
  }

  def reset() {
    if not wired(inputs) {
      inputs = 0
    }
    outputs = 0
    tols = 0
    has_fired = false
    target_spike_times = 0
    refractory_counter = 0
  }
}
