# ngclearn's "fitzhugh_nagumo_cell" lesson (docs/tutorials/neurocog/
# fitzhugh_nagumo_cell.md): one FitzHugh-Nagumo neuron driven by a constant
# current of 0.23 for 1,500 steps of dt = 200 / 1499 ms (numpy's linspace
# spacing, 0.13342228152101404, given to the step as float32 as in ngclearn).
model fitzhugh_nagumo_cell {
  dt = 0.13342228152101404
  z0 = FitzhughNagumoCell(n_units=1, tau_w=20.0, alpha=0.3, beta=1.4, gamma=1.0, v0=-0.63605838, w0=-0.16983366,
                          integration_type="euler")
  process advance = z0.advance_state
  process reset = z0.reset
}
