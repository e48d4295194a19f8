# ngclearn's "error_cell" lesson (docs/tutorials/neurocog/error_cell.md): a
# GaussianErrorCell of 3 units given the guess mu = [-1, 1, 1] and the
# answer target = [1, -1, 1] for 5 steps of 1 ms. The lesson prints, every
# step, dmu = [2, -2, 0], dtarget = [-2, 2, -0] and L = -4.
model error_cell {
  dt = 1.0
  z0 = GaussianErrorCell(n_units=3)
  process advance = z0.advance_state
  process reset = z0.reset
}
