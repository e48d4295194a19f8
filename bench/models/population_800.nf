# 800 LIF units, each driven by its own Poisson source (wired one to one),
# tuned to spike at about 5% of steps (no threshold adaptation, so the rate
# holds for a million steps): the population whose spikes and one
# voltage a million-step run records in bench/ (bounded memory).
model population_800 {
  seed = 1
  z0 = PoissonCell(n_units=800, target_freq=400.0)
  z1 = LIFCell(n_units=800, tau_m=20.0, resist_m=46.0, thr=-52.0, v_rest=-65.0, v_reset=-60.0, refract_time=2.0,
                theta_plus=0.0)
  z0.outputs >> z1.j
  process step = z0.advance_state >> z1.advance_state
}
