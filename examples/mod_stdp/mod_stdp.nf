# ngclearn's reward-modulated STDP lesson: three single synapses learn from the
# same scripted pre- and post-synaptic spikes and a reward that flips sign at
# 100 ms.
#   W1_stdp    trace STDP (no reward)
#   W1_rstdp   MSTDP: STDP gated by the reward (tau_elg = 0)
#   W_mstdpet  MSTDP-ET: STDP through an eligibility trace (tau_elg = 25)
# The host writes the spikes into tr0.inputs (pre) and tr1.inputs (post) and
# the reward into r.reward each millisecond; everything else is wired.
model mod_stdp {
  dt = 1.0
  W1_stdp = TraceSTDPSynapse(shape=(1, 1), A_plus=1.0, A_minus=1.0, eta=0.2, weight_init=constant(0.2))
  W1_rstdp = MSTDPETSynapse(shape=(1, 1), A_plus=1.0, A_minus=1.0, eta=0.2, weight_init=constant(0.2))
  W_mstdpet = MSTDPETSynapse(shape=(1, 1), A_plus=1.0, A_minus=1.0, eta=0.008, tau_elg=25.0, elg_decay=1.0,
                             weight_init=constant(0.2))
  tr0 = VarTrace(n_units=1, tau_tr=20.0, a_delta=1.0)
  tr1 = VarTrace(n_units=1, tau_tr=20.0, a_delta=1.0)
  r = RewardErrorCell(n_units=1, alpha=0.0)

  tr0.inputs >> W1_stdp.preSpike
  tr0.inputs >> W1_rstdp.preSpike
  tr0.inputs >> W_mstdpet.preSpike
  tr1.inputs >> W1_stdp.postSpike
  tr1.inputs >> W1_rstdp.postSpike
  tr1.inputs >> W_mstdpet.postSpike
  tr0.trace >> W1_stdp.preTrace
  tr0.trace >> W1_rstdp.preTrace
  tr0.trace >> W_mstdpet.preTrace
  tr1.trace >> W1_stdp.postTrace
  tr1.trace >> W1_rstdp.postTrace
  tr1.trace >> W_mstdpet.postTrace
  r.reward >> W1_rstdp.modulator
  r.reward >> W_mstdpet.modulator

  process advance = tr0.advance_state >> tr1.advance_state >> r.advance_state >> W1_stdp.advance_state >> W1_rstdp.advance_state >> W_mstdpet.advance_state
  process evolve = W1_stdp.evolve >> W1_rstdp.evolve >> W_mstdpet.evolve
  process reset = W1_stdp.reset >> W1_rstdp.reset >> W_mstdpet.reset >> r.reset >> tr0.reset >> tr1.reset
}
