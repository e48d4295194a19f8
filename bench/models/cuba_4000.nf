# Brian2's CUBA benchmark network (Brian2's examples/CUBA.py, after Vogels
# & Abbott 2005): 4000 leaky integrate-and-fire units, 3200 excitatory and
# 800 inhibitory, connected at random with probability 0.02, with
# exponentially decaying current synapses (5 ms excitatory, 10 ms
# inhibitory), at dt = 0.1 ms. bench/brian2/cuba.py runs the same network
# in Brian2 (cpp_standalone) and here, side by side.
#
# The cell is Brian2's: dv/dt = (ge + gi - (v - El)) / taum, frozen for 5 ms
# after a spike, threshold -50 mV, reset -60 mV, El = -49 mV, taum = 20 ms,
# one Euler step a time step. Each spike adds we = 1.62 mV (excitatory) or
# wi = -9 mV (inhibitory) to the target's ge or gi: the sparse
# ExponentialSynapses with g_syn_bar = the weight and g_conduct_factor = -1
# (their current is -g * g_conduct_factor).

component CubaCell {
  param n_units: int
  param tau_m = 20.0
  param v_rest = -49.0
  param thr = -50.0
  param v_reset = -60.0
  param refract_time = 5.0

  input j[1, n_units] = 0
  state v[1, n_units] = -60.0
  state since[1, n_units] = 1000.0   # ms since the last spike
  output s[1, n_units] = 0

  def advance_state(t, dt) {
    active = float(since >= refract_time)
    v1 = v + (j - (v - v_rest)) * (dt / tau_m) * active
    spike = float(v1 > thr)
    v = v1 * (1 - spike) + v_reset * spike
    since = (since + dt) * (1 - spike)
    s = spike
  }
}

model cuba_4000 {
  dt = 0.1
  seed = 1
  E = CubaCell(n_units=3200)
  I = CubaCell(n_units=800)
  EE = ExponentialSynapse(shape=(3200, 3200), storage="sparse", p_conn=0.02, tau_decay=5.0, g_syn_bar=1.62, g_conduct_factor=-1.0)
  EI = ExponentialSynapse(shape=(3200, 800), storage="sparse", p_conn=0.02, tau_decay=5.0, g_syn_bar=1.62, g_conduct_factor=-1.0)
  IE = ExponentialSynapse(shape=(800, 3200), storage="sparse", p_conn=0.02, tau_decay=10.0, g_syn_bar=-9.0, g_conduct_factor=-1.0)
  II = ExponentialSynapse(shape=(800, 800), storage="sparse", p_conn=0.02, tau_decay=10.0, g_syn_bar=-9.0, g_conduct_factor=-1.0)
  E.s >> EE.inputs
  E.s >> EI.inputs
  I.s >> IE.inputs
  I.s >> II.inputs
  sum(EE.outputs, IE.outputs) >> E.j
  sum(EI.outputs, II.outputs) >> I.j
  process advance = E.advance_state >> I.advance_state >> EE.advance_state >> EI.advance_state >> IE.advance_state >> II.advance_state
}
