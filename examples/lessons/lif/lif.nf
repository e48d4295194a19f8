# ngclearn's "lif" lesson (docs/tutorials/neurocog/lif.md): one LIF neuron
# with an adaptive threshold driven by a step current (0 for 10 steps, then
# 0.3), dt = 0.1 ms, resist_m = tau_m / dt. The lesson passes t = step index
# (advance_process.run(t=ts*1., dt=dt)); the driver does the same.
model lif {
  dt = 0.1
  z0 = LIFCell(n_units=1, tau_m=100.0, resist_m=100.0 / 0.1, thr=-52.0, v_rest=-65.0, v_reset=-60.0,
               tau_theta=300.0, theta_plus=0.05, refract_time=2.0)
  process advance = z0.advance_state
  process reset = z0.reset
}
