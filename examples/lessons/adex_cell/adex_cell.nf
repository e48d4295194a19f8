# ngclearn's "adex_cell" lesson (docs/tutorials/neurocog/adex_cell.md): one
# AdEx neuron driven by a constant current of 19 for 10,000 steps of 0.1 ms.
# The lesson passes v_thr=5., which AdExCell's constructor does not have (it
# is thr, whose default is 5): the source wins, and thr = 5 here.
model adex_cell {
  dt = 0.1
  z0 = AdExCell(n_units=1, tau_m=15.0, resist_m=1.0, tau_w=400.0, v_sharpness=2.0, intrinsic_mem_thr=-55.0,
                thr=5.0, v_rest=-72.0, v_reset=-75.0, a=0.1, b=0.75, v0=-70.0, w0=0.0, integration_type="euler")
  process advance = z0.advance_state
  process reset = z0.reset
}
