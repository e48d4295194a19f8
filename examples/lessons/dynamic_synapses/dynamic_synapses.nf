# ngclearn's "dynamic_synapses" lesson (docs/tutorials/neurocog/
# dynamic_synapses.md), its two systems:
#
# dynamic_synapses: an exponential (tau_decay 3), an alpha (tau_decay 1)
#   and a double-exponential (tau_rise 1, tau_decay 3) synapse, 1 x 1 with
#   weight 1 and g_syn_bar 1, syn_rest 0, the post-synaptic voltage held at
#   0; one pre-synaptic pulse at 1 ms; 81 steps of 0.1 ms.
#
# ei_circuit: a LIF neuron (tau_m 10, v_rest -75, thr -55, v_reset -75,
#   refractory 2 ms, no threshold adaptation) driven through exponential
#   conductance synapses by 80 excitatory Poisson sources (10 Hz, g_E 2.4,
#   tau 2 ms, E_E = 0 mV) and 20 inhibitory ones (10 Hz, g_I 2.4, tau 5 ms,
#   E_I = -80 mV); the synapses read the LIF's voltage and their currents are
#   summed into its input (resist_scale = 1 / g_L, g_L = 10); 10,000 steps of
#   0.1 ms, v starting at -65 mV.
model dynamic_synapses {
  dt = 0.1
  Wexp = ExponentialSynapse(shape=(1, 1), tau_decay=3.0, g_syn_bar=1.0, syn_rest=0.0, resist_scale=1.0,
                            weight_init=constant(1.0))
  Walpha = AlphaSynapse(shape=(1, 1), tau_decay=1.0, g_syn_bar=1.0, syn_rest=0.0, resist_scale=1.0,
                        weight_init=constant(1.0))
  Wexp2 = DoubleExpSynapse(shape=(1, 1), tau_rise=1.0, tau_decay=3.0, g_syn_bar=1.0, syn_rest=0.0, resist_scale=1.0,
                           weight_init=constant(1.0))
  process advance = Wexp.advance_state >> Walpha.advance_state >> Wexp2.advance_state
  process reset = Wexp.reset >> Walpha.reset >> Wexp2.reset
}

model ei_circuit {
  dt = 0.1
  seed = 1234
  pre_exc = PoissonCell(n_units=80, target_freq=10.0)
  pre_inh = PoissonCell(n_units=20, target_freq=10.0)
  Wexc = ExponentialSynapse(shape=(80, 1), tau_decay=2.0, g_syn_bar=2.4, syn_rest=0.0, resist_scale=1.0 / 10.0,
                            weight_init=constant(1.0))
  Winh = ExponentialSynapse(shape=(20, 1), tau_decay=5.0, g_syn_bar=2.4, syn_rest=-80.0, resist_scale=1.0 / 10.0,
                            weight_init=constant(1.0))
  post_exc = LIFCell(n_units=1, tau_m=10.0, resist_m=1.0, thr=-55.0, v_rest=-75.0, conduct_leak=1.0, v_reset=-75.0,
                     tau_theta=0.0, theta_plus=0.0, refract_time=2.0)
  pre_exc.outputs >> Wexc.inputs
  pre_inh.outputs >> Winh.inputs
  post_exc.v >> Wexc.v
  post_exc.v >> Winh.v
  sum(Wexc.i_syn, Winh.i_syn) >> post_exc.j
  process advance = pre_exc.advance_state >> pre_inh.advance_state >> Wexc.advance_state >> Winh.advance_state >> post_exc.advance_state
  process reset = pre_exc.reset >> pre_inh.reset >> Wexc.reset >> Winh.reset >> post_exc.reset
}
