# mstdpet-layer, 8000x8000: one MSTDP-ET synapse fed by Bernoulli spike
# sources (p = 0.05 per step) through two traces; the host flips the reward
# from +1 to -1 halfway. One process does advance + evolve.
model mstdpet_layer_8000 {
  seed = 1
  pre = BernoulliCell(n_units=8000)
  post = BernoulliCell(n_units=8000)
  tr_pre = VarTrace(n_units=8000, tau_tr=20.0, a_delta=1.0)
  tr_post = VarTrace(n_units=8000, tau_tr=20.0, a_delta=1.0)
  W = MSTDPETSynapse(shape=(8000, 8000), tau_elg=25.0, eta=0.01, A_plus=1.0, A_minus=0.5, w_bound=1.0,
                     weight_init=uniform(0.0, 1.0))
  pre.outputs >> W.inputs
  pre.outputs >> W.preSpike
  post.outputs >> W.postSpike
  pre.outputs >> tr_pre.inputs
  post.outputs >> tr_post.inputs
  tr_pre.trace >> W.preTrace
  tr_post.trace >> W.postTrace
  process step = pre.advance_state >> post.advance_state >> tr_pre.advance_state >> tr_post.advance_state >> W.advance_state >> W.evolve
  process reset = W.reset
}
