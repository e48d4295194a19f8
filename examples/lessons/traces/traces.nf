# ngclearn's "traces" lesson (docs/tutorials/neurocog/traces.md): a Poisson
# cell (63.75 Hz at input 1, given input 0.35) feeding two variable traces,
# tau_tr = 30 ms: the additive one (a_delta = 0.5) and the piecewise-gated
# one the lesson turns to next (a_delta = 0, decay_type "exp": it snaps to 1
# at a spike); 200 steps of 1 ms.
model traces {
  dt = 1.0
  seed = 231
  z0 = PoissonCell(n_units=1, target_freq=63.75)
  tr0 = VarTrace(n_units=1, tau_tr=30.0, a_delta=0.5)
  tr1 = VarTrace(n_units=1, tau_tr=30.0, a_delta=0.0, decay_type="exp")
  z0.outputs >> tr0.inputs
  z0.outputs >> tr1.inputs
  process advance = z0.advance_state >> tr0.advance_state >> tr1.advance_state
  process reset = z0.reset >> tr0.reset >> tr1.reset
}
