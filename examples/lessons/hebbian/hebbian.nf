# ngclearn's "hebbian" lesson (docs/tutorials/neurocog/hebbian.md), run as
# the "evolving synapses" walkthrough it reproduces
# (docs/tutorials/model_basics/evolving_synapses.md): two stateless rate
# cells a -> b joined by a 1 x 1 HebbianSynapse (weight 1, eta 1,
# sign_value -1 so that SGD's subtraction grows the weight, no bound), the
# input sequence 1, 1, 0, 0, 1 clamped into a; after each step Wab.evolve
# adds pre * post. The lesson prints Wab = 1, 2, 4, 4, 4, 8.
model hebbian {
  dt = 1.0
  a = RateCell(n_units=1, tau_m=0.0, act_fx="identity")
  b = RateCell(n_units=1, tau_m=0.0, act_fx="identity")
  Wab = HebbianSynapse(shape=(1, 1), eta=1.0, sign_value=-1.0, weight_init=constant(1.0), w_bound=0.0)
  a.zF >> Wab.inputs
  Wab.outputs >> b.j
  a.zF >> Wab.pre
  b.zF >> Wab.post
  process evolve = Wab.evolve
  process advance = a.advance_state >> Wab.advance_state >> b.advance_state
  process reset = a.reset >> b.reset
}
