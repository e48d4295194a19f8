# ngclearn's "hodgkin_huxley_cell" lesson (docs/tutorials/neurocog/
# hodgkin_huxley_cell.md): one Hodgkin-Huxley neuron, 20,000 steps of
# 0.01 ms, with a square current pulse of 50 from step 7,000 to 12,999 (the
# driver gives it as a drive of j); reset first, which sets the resting gates.
model hodgkin_huxley_cell {
  dt = 0.01
  z0 = HodgkinHuxleyCell(n_units=1, tau_v=1.0, resist_m=1.0, v_Na=115.0, v_K=-35.0, v_L=10.6, g_Na=100.0, g_K=5.0,
                         g_L=0.3, thr=4.0, integration_type="euler")
  process advance = z0.advance_state
  process reset = z0.reset
}
