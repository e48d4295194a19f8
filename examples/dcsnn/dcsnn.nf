# Diehl & Cook's spiking network, as ngc-museum's diehl_cook_snn exhibit
# builds it (dcsnn_model.py): Poisson input z0 at 63.75 Hz, an excitatory LIF
# layer z1e with adaptive thresholds and one spike a step, an inhibitory
# layer z1i, one-to-one excitation W1ei (22.5 on the diagonal) and hollow
# lateral inhibition W1ie (-120 off the diagonal), and the input synapse W1
# learning by trace STDP, its columns renormalized to an L1 norm of 78.4
# after every image. dcsnn.py runs it on Fashion-MNIST.
#
# The exhibit's order of a step is kept: the synapses transmit the spikes of
# the previous step, then the cells and traces advance, then W1 learns.
# One model per layer size: dcsnn_100 and dcsnn_400.

# W1: trace STDP with the exhibit's constants, and its norm().
component DCSynapse extends TraceSTDPSynapse {
  param A_plus = 1e-2
  param A_minus = 1e-4
  param weight_init: init = uniform(low=0.0, high=0.3)
  param w_norm = 78.4

  # ngclearn's normalize_matrix(weights, w_norm, order=1, axis=0): each
  # column scaled to an L1 norm of w_norm. (Its guard against a zero sum
  # never acts: the sum is at least 1e-8 already.)
  def norm() {
    total = maximum(sum(abs(weights), axis=0, keepdims=true), 1e-8)
    weights = weights * (w_norm / total)
  }
}

# z1e: tau_m = 100.500896468 ms, resist_m = tau_m / dt; thresholds adapt by
# theta_plus a spike and decay with tau_theta; one spike a step at most.
component DCExcitatory extends LIFCell {
  param tau_m = 100.500896468
  param resist_m = 100.500896468
  param thr = -52.0
  param v_rest = -65.0
  param v_reset = -60.0
  param tau_theta = 1e7
  param theta_plus = 0.05
  param refract_time = 5.0
  param one_spike = true
}

# z1i: the same membrane, no adaptation, any number of spikes.
component DCInhibitory extends LIFCell {
  param tau_m = 100.500896468
  param resist_m = 100.500896468
  param thr = -40.0
  param v_rest = -60.0
  param v_reset = -45.0
  param tau_theta = 0.0
  param refract_time = 5.0
}

model dcsnn_100 {
  dt = 1.0
  seed = 69
  z0 = PoissonCell(n_units=784, target_freq=63.75)
  W1 = DCSynapse(shape=(784, 100))
  z1e = DCExcitatory(n_units=100)
  z1i = DCInhibitory(n_units=100)
  W1ie = StaticSynapse(shape=(100, 100), weight_init=constant(-120.0, hollow=true))
  W1ei = StaticSynapse(shape=(100, 100), weight_init=constant(22.5, eye=true))
  tr0 = VarTrace(n_units=784, tau_tr=20.0, a_delta=0.0)
  tr1 = VarTrace(n_units=100, tau_tr=20.0, a_delta=0.0)
  z0.outputs >> W1.inputs
  z1i.s >> W1ie.inputs
  sum(W1.outputs, W1ie.outputs) >> z1e.j
  z1e.s >> W1ei.inputs
  W1ei.outputs >> z1i.j
  z0.outputs >> tr0.inputs
  z1e.s >> tr1.inputs
  tr0.trace >> W1.preTrace
  z0.outputs >> W1.preSpike
  tr1.trace >> W1.postTrace
  z1e.s >> W1.postSpike
  process advance = W1.advance_state >> W1ie.advance_state >> W1ei.advance_state >> z0.advance_state >> z1e.advance_state >> z1i.advance_state >> tr0.advance_state >> tr1.advance_state
  process evolve = W1.evolve
  process reset = z0.reset >> z1e.reset >> z1i.reset >> tr0.reset >> tr1.reset >> W1.reset >> W1ie.reset >> W1ei.reset
  process norm = W1.norm
}

model dcsnn_400 {
  dt = 1.0
  seed = 69
  z0 = PoissonCell(n_units=784, target_freq=63.75)
  W1 = DCSynapse(shape=(784, 400))
  z1e = DCExcitatory(n_units=400)
  z1i = DCInhibitory(n_units=400)
  W1ie = StaticSynapse(shape=(400, 400), weight_init=constant(-120.0, hollow=true))
  W1ei = StaticSynapse(shape=(400, 400), weight_init=constant(22.5, eye=true))
  tr0 = VarTrace(n_units=784, tau_tr=20.0, a_delta=0.0)
  tr1 = VarTrace(n_units=400, tau_tr=20.0, a_delta=0.0)
  z0.outputs >> W1.inputs
  z1i.s >> W1ie.inputs
  sum(W1.outputs, W1ie.outputs) >> z1e.j
  z1e.s >> W1ei.inputs
  W1ei.outputs >> z1i.j
  z0.outputs >> tr0.inputs
  z1e.s >> tr1.inputs
  tr0.trace >> W1.preTrace
  z0.outputs >> W1.preSpike
  tr1.trace >> W1.postTrace
  z1e.s >> W1.postSpike
  process advance = W1.advance_state >> W1ie.advance_state >> W1ei.advance_state >> z0.advance_state >> z1e.advance_state >> z1i.advance_state >> tr0.advance_state >> tr1.advance_state
  process evolve = W1.evolve
  process reset = z0.reset >> z1e.reset >> z1i.reset >> tr0.reset >> tr1.reset >> W1.reset >> W1ie.reset >> W1ei.reset
  process norm = W1.norm
}
