# A Poisson spike source drives leaky integrate-and-fire units through a dense
# synapse, and a trace follows their spikes: the standard components, wired
# as an ngclearn user would wire them.
#
#   neurofuse check examples/spiking/poisson_lif.nf
#   (README.md beside this file: the input, a run and a raster of it)
model poisson_lif {
  dt = 1.0
  seed = 1

  z0 = PoissonCell(n_units=16, target_freq=100.0)
  W = StaticSynapse(shape=(16, 4), weight_init=uniform(0.1, 0.6))
  z1 = LIFCell(n_units=4, tau_m=10.0, resist_m=50.0, thr=-52.0, v_rest=-65.0, v_reset=-60.0, refract_time=2.0)
  tr = VarTrace(n_units=4, tau_tr=20.0, a_delta=1.0)

  z0.outputs >> W.inputs
  W.outputs >> z1.j
  z1.s >> tr.inputs

  process advance = z0.advance_state >> W.advance_state >> z1.advance_state >> tr.advance_state
  process reset = z0.reset >> W.reset >> z1.reset >> tr.reset
}
