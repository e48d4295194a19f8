# ngclearn's "simple_leaky_integrator" lesson (docs/tutorials/neurocog/
# simple_leaky_integrator.md): one SLIF neuron, R_m = 5, C = 5e-3
# (tau_m = R_m * C), V_thr = 1, no refractory period, driven by a step
# current (0 for 10 steps, then 0.3) for 200 steps of dt = 1e-3.
# ngclearn jitters the threshold by Uniform(-0.05, 0.05) drawn from its JAX
# key; that draw cannot be reproduced, so thr_jitter = 0 here and the
# threshold is the lesson's V_thr.
model simple_leaky_integrator {
  dt = 1e-3
  z0 = SLIFCell(n_units=1, tau_m=5.0 * 5e-3, resist_m=5.0, thr=1.0, refract_time=0.0, thr_jitter=0.0)
  process advance = z0.advance_state
  process reset = z0.reset
}
