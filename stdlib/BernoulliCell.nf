# BernoulliCell: a Bernoulli spike encoder, ngclearn's BernoulliCell.
#
# advance_state:
#   outputs = [u < inputs], u ~ Uniform[0, 1) [B, n_units], drawn with the
#             counter key (inputs are spike probabilities)
#   tols    = (1 - outputs) * tols + outputs * t      time of the last spike
#   key     = key + 1                                 fresh draws every step
#
# Parameters: n_units (required), batch_size = 1.
# Compartments: inputs (input), outputs (output: 0/1 spikes), tols (output),
# all [batch_size, n_units], zeros; key (i32 []): the draw counter.
#
# reset: outputs = 0, tols = 0, inputs = 0 unless wired; key is not touched.
#
# Decisions on ngclearn's quirks:
#   * ngclearn's reset never resets inputs (the hasattr idiom); here it resets
#     them unless wired, as the code intends.
component BernoulliCell {
  param n_units: int
  param batch_size = 1

  input inputs[batch_size, n_units] = 0
  output outputs[batch_size, n_units] = 0
  output tols[batch_size, n_units] = 0
  state key: i32 = 0

  def advance_state(t) {
    outputs = bernoulli(key, inputs, (batch_size, n_units))
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
