import "base.nf"

component Doubler extends Counter {
  def step() {
    x = x * 2
  }
}

# A dense synapse whose output leaks: the standard component, extended.
component LeakyDense extends DenseSynapse {
  param leak = 0.5
  def advance_state() {
    super.advance_state()
    outputs = outputs * leak
  }
}
