# PoissonCell: a Poisson spike encoder (Bernoulli approximation per step),
# ngclearn's PoissonCell.
#
# advance_state:
#   p       = inputs * (dt / 1000) * target_freq      spike probability this step
#   outputs = [u < p], u ~ Uniform[0, 1) [B, n_units], drawn with the counter key
#   tols    = (1 - outputs) * tols + outputs * t      time of the last spike
#   key     = key + 1                                 fresh draws every step
# So p >= 1 always spikes and p <= 0 never does.
#
# Parameters:
#   n_units, required
#   target_freq = 63.75   firing rate (Hz) at input 1 (alias max_freq, ngclearn's
#                         deprecated name)
#   batch_size = 1
# Compartments: inputs (input: intensities, typically in [0, 1]), outputs
# (output: 0/1 spikes), tols (output), all [batch_size, n_units], zeros;
# key (i32 []): the draw counter.
#
# reset: outputs = 0, tols = 0, inputs = 0 unless wired; key is not touched.
#
# Decisions on ngclearn's quirks:
#   * ngclearn's reset never resets inputs (the hasattr idiom); here it resets
#     them unless wired, as the code intends.
component PoissonCell {
  param n_units: int
  param target_freq = 63.75
  alias max_freq = target_freq
  param batch_size = 1

  input inputs[batch_size, n_units] = 0
  output outputs[batch_size, n_units] = 0
  output tols[batch_size, n_units] = 0
  state key: i32 = 0

  def advance_state(t, dt) {
    p = inputs * (dt / 1000) * target_freq
    outputs = bernoulli(key, p, (batch_size, n_units))
    tols = (1 - outputs) * tols + outputs * t
    key = key + 1
  }

  def reset() {
    if not wired(inputs) {
      inputs = 0
    }
    outputs = 0
    tols = 0
  }
}
