# ngclearn's "izhikevich_cell" lesson (docs/tutorials/neurocog/izhikevich_cell.md):
# the five neuron classes the lesson configures, one Izhikevich cell each,
# driven by a constant current of 10 for 20,000 steps of 0.01 ms.
#   RS  regular spiking           tau_w = 50, v_reset = -65, w_reset = 8, b = 0.2
#   FS  fast spiking              tau_w = 10
#   CH  chattering                v_reset = -50, w_reset = 2
#   IB  intrinsically bursting    v_reset = -55, w_reset = 4
#   LTS low-threshold spiking     w_reset = 2, b = 0.25
model izhikevich_cell {
  dt = 0.01
  rs = IzhikevichCell(n_units=1, tau_w=50.0, v_reset=-65.0, w_reset=8.0, coupling_factor=0.2, v0=-65.0, w0=-14.0)
  fs = IzhikevichCell(n_units=1, tau_w=10.0, v_reset=-65.0, w_reset=8.0, coupling_factor=0.2, v0=-65.0, w0=-14.0)
  ch = IzhikevichCell(n_units=1, tau_w=50.0, v_reset=-50.0, w_reset=2.0, coupling_factor=0.2, v0=-65.0, w0=-14.0)
  ib = IzhikevichCell(n_units=1, tau_w=50.0, v_reset=-55.0, w_reset=4.0, coupling_factor=0.2, v0=-65.0, w0=-14.0)
  lts = IzhikevichCell(n_units=1, tau_w=50.0, v_reset=-65.0, w_reset=2.0, coupling_factor=0.25, v0=-65.0, w0=-14.0)
  process advance = rs.advance_state >> fs.advance_state >> ch.advance_state >> ib.advance_state >> lts.advance_state
  process reset = rs.reset >> fs.reset >> ch.reset >> ib.reset >> lts.reset
}
