# 4000 LIF units driven through a dense 4000x4000 static synapse by 4000
# Bernoulli spike sources.
model lif_4000 {
  seed = 1
  z0 = BernoulliCell(n_units=4000)
  W = StaticSynapse(shape=(4000, 4000), weight_init=uniform(0.0, 0.05))
  z1 = LIFCell(n_units=4000, tau_m=20.0, resist_m=10.0)
  z0.outputs >> W.inputs
  W.outputs >> z1.j
  process step = z0.advance_state >> W.advance_state >> z1.advance_state
}
