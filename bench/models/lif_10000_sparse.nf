# 10,000 LIF units with 2% random recurrent connectivity (about 2,000,000
# synapses), kept as their connections (storage="sparse"), driven one to one
# by 10,000 Poisson sources at 70 Hz. The dense form would hold 10^8
# weights (400 MB); the state holds one float per connection.
model lif_10000_sparse {
  seed = 5
  ext = PoissonCell(n_units=10000, target_freq=70.0)
  W = StaticSynapse(shape=(10000, 10000), storage="sparse", p_conn=0.02, weight_init=uniform(0.0, 0.02))
  z = LIFCell(n_units=10000, tau_m=20.0, resist_m=100.0, thr=-52.0, v_rest=-65.0, v_reset=-65.0)
  z.s >> W.inputs
  sum(ext.outputs, W.outputs) >> z.j
  process step = ext.advance_state >> W.advance_state >> z.advance_state
}
