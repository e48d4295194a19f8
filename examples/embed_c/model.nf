# The model the embedding example drives: a sensor value becomes firing
# probabilities of 8 Bernoulli units (set by the host program every step),
# which drive 3 LIF units through a dense synapse; a trace follows each LIF
# unit's spikes and is what the host reads back as its motor signal.
model closed_loop {
  dt = 1.0
  seed = 42
  sensor = BernoulliCell(n_units=8)
  W = StaticSynapse(shape=(8, 3), weight_init=uniform(0.2, 0.9))
  motor = LIFCell(n_units=3, tau_m=10.0, resist_m=25.0, refract_time=2.0)
  trace = VarTrace(n_units=3, tau_tr=15.0, a_delta=1.0)
  sensor.outputs >> W.inputs
  W.outputs >> motor.j
  motor.s >> trace.inputs
  process advance = sensor.advance_state >> W.advance_state >> motor.advance_state >> trace.advance_state
  process reset = sensor.reset >> W.reset >> motor.reset >> trace.reset
}
