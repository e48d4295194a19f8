# ngclearn's "rate_cell" lesson (docs/tutorials/neurocog/rate_cell.md): one
# graded RateCell (tau_m 10, Gaussian prior with leak gamma 1, Euler, the
# unit-threshold activation) driven by two pulses of current 1.006 (steps
# 10-59 and 110-159) for 210 steps of 1 ms: z integrates dz/dt = -gamma z + j
# and zF = [z >= 1] fires while z stays above 1. The lesson's
# prior=("gaussian", gamma) is written prior="gaussian", prior_lambda=gamma.
model rate_cell {
  dt = 1.0
  z0 = RateCell(n_units=1, tau_m=10.0, act_fx="unit_threshold", prior="gaussian", prior_lambda=1.0,
                integration_type="euler")
  process advance = z0.advance_state
  process reset = z0.reset
}
