# ngclearn's "stdp" lesson (docs/tutorials/neurocog/stdp.md): the trace-based
# STDP window. Two traces (tau_tr 8, a_delta 1) of a pre- and a post-synaptic
# spike feed a 1 x 1 TraceSTDPSynapse (A_plus 1, A_minus 0.8, eta 0, so that
# only dWeights moves); a post spike at step 0 with a pre trigger (the
# depression side) and a pre spike at step 50 with a post trigger
# (potentiation), 101 steps of 1 ms. The driver clamps the spikes and the
# triggers as the lesson's loop does.
model stdp {
  dt = 1.0
  seed = 231
  tr0 = VarTrace(n_units=1, tau_tr=8.0, a_delta=1.0)
  tr1 = VarTrace(n_units=1, tau_tr=8.0, a_delta=1.0)
  W = TraceSTDPSynapse(shape=(1, 1), eta=0.0, A_plus=1.0, A_minus=0.8, weight_init=uniform(0.0, 0.3))
  tr0.trace >> W.preTrace
  tr1.trace >> W.postTrace
  process advance = tr0.advance_state >> tr1.advance_state >> W.advance_state
  process evolve = W.evolve
  process reset = tr0.reset >> tr1.reset >> W.reset
}
