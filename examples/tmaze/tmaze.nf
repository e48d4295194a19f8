# The RL-SNN T-maze agent of ngc-museum (exhibits/rl_snn): a Poisson encoder
# of the 18x15 maze image drives 36 leaky integrate-and-fire units through
# fixed sparse +-1 synapses; their spikes drive 4 action units through
# synapses that learn by MSTDP-ET; both layers inhibit themselves laterally.
# The host program (tmaze.cpp) owns the maze, sets the image and the reward,
# and normalizes W2's columns after every reward-modulated update.

# MSTDP-ET synapses whose columns the host can rescale to a fixed L1 norm,
# as ngclearn's normalize_matrix(W, wnorm, order=1, axis=0) does: columns
# whose mass is below 1e-8 are divided by 1e-8.
component NormalizedMSTDPET extends MSTDPETSynapse {
  param wnorm = 18.0
  def normalize() {
    weights = weights * (wnorm / maximum(sum(abs(weights), axis=0, keepdims=true), 1e-8))
  }
}

model tmaze {
  dt = 1.0
  seed = 1234

  z0 = PoissonCell(n_units=270, target_freq=127.5)
  # W1's sparse sign weights (six +1 and three -1 per row) are set by the host.
  W1 = StaticSynapse(shape=(270, 36), resist_scale=4.0, weight_init=constant(0.0))
  V1 = StaticSynapse(shape=(36, 36), resist_scale=-4.0, weight_init=constant(1.0, hollow=true))
  z1 = NoisyLIFCell(n_units=36, tau_m=100.0, resist_m=1.0, v_decay=1.0, thr=-52.0, v_rest=-65.0, v_reset=-65.0,
                    eps_scale=0.0, tau_theta=0.0, theta_plus=0.0, refract_time=0.0)
  V2 = StaticSynapse(shape=(4, 4), resist_scale=-4.0, weight_init=constant(1.0, hollow=true))
  W2 = NormalizedMSTDPET(shape=(36, 4), A_plus=1.0, A_minus=0.01, tau_elg=40.0, eta=0.1, tau_w=2.0e7,
                         pretrace_target=0.0, w_bound=1.0, weight_init=uniform(0.01, 0.55), wnorm=18.0)
  z2 = NoisyLIFCell(n_units=4, tau_m=100.0, resist_m=1.0, v_decay=1.0, thr=-52.0, v_rest=-65.0, v_reset=-65.0,
                    eps_scale=0.0, tau_theta=0.0, theta_plus=0.0, refract_time=0.0)
  tr1 = VarTrace(n_units=36, tau_tr=20.0, a_delta=0.0, P_scale=1.0)
  tr2 = VarTrace(n_units=4, tau_tr=20.0, a_delta=0.0, P_scale=1.0)

  z0.outputs >> W1.inputs
  z1.s >> V1.inputs
  sum(W1.outputs, V1.outputs) >> z1.j
  z1.s >> W2.inputs
  z2.s >> V2.inputs
  sum(W2.outputs, V2.outputs) >> z2.j
  z1.s >> tr1.inputs
  z2.s >> tr2.inputs
  tr1.trace >> W2.preTrace
  z1.s >> W2.preSpike
  tr2.trace >> W2.postTrace
  z2.s >> W2.postSpike

  # One millisecond: synapses first (they see the previous step's spikes),
  # then the encoder, neurons and traces; forward also accumulates W2's
  # eligibility (with the modulator at 0 it changes no weight but for decay).
  process advance = V1.advance_state >> V2.advance_state >> W1.advance_state >> W2.advance_state >> z0.advance_state >> z1.advance_state >> z2.advance_state >> tr1.advance_state >> tr2.advance_state
  process forward = V1.advance_state >> V2.advance_state >> W1.advance_state >> W2.advance_state >> z0.advance_state >> z1.advance_state >> z2.advance_state >> tr1.advance_state >> tr2.advance_state >> W2.evolve
  process evolve = W2.evolve
  process norm = W2.normalize
  process reset = V1.reset >> V2.reset >> W1.reset >> W2.reset >> z0.reset >> z1.reset >> z2.reset >> tr1.reset >> tr2.reset
}
