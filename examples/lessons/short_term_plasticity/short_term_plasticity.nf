# ngclearn's "short_term_plasticity" lesson (docs/tutorials/neurocog/
# short_term_plasticity.md): a Poisson source drives a LIF neuron through a
# 1 x 1 STPDenseSynapse (weight 2.5), 5,000 steps of 1 ms, in the lesson's
# four settings: facilitation-dominated (resources 0.15, tau_f 750,
# tau_d 50) and depression-dominated (resources 0.45, tau_f 50, tau_d 750)
# synapses, each at 2 Hz and at 20 Hz. The LIF: tau_m 20, R = (tau_m / dt)
# * 12, v_rest -60, v_reset -70, thr -50, no threshold adaptation, no
# refractory period.
model short_term_plasticity {
  dt = 1.0
  seed = 231
  z0_stf2 = PoissonCell(n_units=1, target_freq=2.0)
  W_stf2 = STPDenseSynapse(shape=(1, 1), weight_init=constant(2.5), resources_init=constant(0.15), tau_f=750.0,
                           tau_d=50.0)
  z1_stf2 = LIFCell(n_units=1, tau_m=20.0, resist_m=(20.0 / 1.0) * 12.0, v_rest=-60.0, v_reset=-70.0, thr=-50.0,
                    tau_theta=0.0, theta_plus=0.0, refract_time=0.0)
  z0_stf20 = PoissonCell(n_units=1, target_freq=20.0)
  W_stf20 = STPDenseSynapse(shape=(1, 1), weight_init=constant(2.5), resources_init=constant(0.15), tau_f=750.0,
                            tau_d=50.0)
  z1_stf20 = LIFCell(n_units=1, tau_m=20.0, resist_m=(20.0 / 1.0) * 12.0, v_rest=-60.0, v_reset=-70.0, thr=-50.0,
                     tau_theta=0.0, theta_plus=0.0, refract_time=0.0)
  z0_std2 = PoissonCell(n_units=1, target_freq=2.0)
  W_std2 = STPDenseSynapse(shape=(1, 1), weight_init=constant(2.5), resources_init=constant(0.45), tau_f=50.0,
                           tau_d=750.0)
  z1_std2 = LIFCell(n_units=1, tau_m=20.0, resist_m=(20.0 / 1.0) * 12.0, v_rest=-60.0, v_reset=-70.0, thr=-50.0,
                    tau_theta=0.0, theta_plus=0.0, refract_time=0.0)
  z0_std20 = PoissonCell(n_units=1, target_freq=20.0)
  W_std20 = STPDenseSynapse(shape=(1, 1), weight_init=constant(2.5), resources_init=constant(0.45), tau_f=50.0,
                            tau_d=750.0)
  z1_std20 = LIFCell(n_units=1, tau_m=20.0, resist_m=(20.0 / 1.0) * 12.0, v_rest=-60.0, v_reset=-70.0, thr=-50.0,
                     tau_theta=0.0, theta_plus=0.0, refract_time=0.0)
  z0_stf2.outputs >> W_stf2.inputs
  W_stf2.outputs >> z1_stf2.j
  z0_stf20.outputs >> W_stf20.inputs
  W_stf20.outputs >> z1_stf20.j
  z0_std2.outputs >> W_std2.inputs
  W_std2.outputs >> z1_std2.j
  z0_std20.outputs >> W_std20.inputs
  W_std20.outputs >> z1_std20.j
  process advance = z0_stf2.advance_state >> W_stf2.advance_state >> z1_stf2.advance_state >> z0_stf20.advance_state >> W_stf20.advance_state >> z1_stf20.advance_state >> z0_std2.advance_state >> W_std2.advance_state >> z1_std2.advance_state >> z0_std20.advance_state >> W_std20.advance_state >> z1_std20.advance_state
  process reset = z0_stf2.reset >> z1_stf2.reset >> W_stf2.reset >> z0_stf20.reset >> z1_stf20.reset >> W_stf20.reset >> z0_std2.reset >> z1_std2.reset >> W_std2.reset >> z0_std20.reset >> z1_std20.reset >> W_std20.reset
}
