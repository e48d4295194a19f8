# ngclearn's "input_cells" lesson (docs/tutorials/neurocog/input_cells.md):
# a BernoulliCell of 10 units given the lesson's probabilities for 100 steps
# (a raster), and a PoissonCell of 10 units at 63.75 Hz given input 1 for
# 30 trials of 1,000 steps of 1 ms (its mean firing rate).
model input_cells {
  dt = 1.0
  seed = 1234
  bern = BernoulliCell(n_units=10)
  pois = PoissonCell(n_units=10, target_freq=63.75)
  process bernoulli = bern.advance_state
  process poisson = pois.advance_state
  process reset = bern.reset >> pois.reset
}
