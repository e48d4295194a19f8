# Whittington & Bogacz's discriminative predictive-coding network, as
# ngc-museum's pc_discrim exhibit builds it (pcn_model.py) with the sizes and
# constants train_pcn.py gives it: 784 inputs, two hidden layers of 512
# sigmoid rate cells (tau_m = 25, Euler, a Gaussian prior of weight 0), 10
# outputs, mini-batches of 250.
#
# Two circuits share the state:
# - the generative circuit z0 -(W1)-> e1 <- z1 -(W2)-> e2 <- z2 -(W3)-> e3 <- z3,
#   its errors fed back through E2 and E3 (the transposes of W2 and W3) and
#   each W learning by a two-factor Hebbian rule (pre: the layer below's zF,
#   post: the error's dmu) with Adam (eta = 0.001, sign -1, no bound);
# - the projection circuit q0 -(Q1)-> q1 -(Q2)-> q2 -(Q3)-> q3, a feedforward
#   pass through copies of W1..W3 that initializes z1 and z2 and is the
#   network's prediction at test time (q3.z).
#
# The processes are the exhibit's, in its order. What the exhibit's
# process() does between them (tying Q to W and E to W's transpose, copying
# the projection into z1, z2 and e3) is host code there and here
# (examples/pcn/pcn.py).

model pcn {
  dt = 1.0
  seed = 1234
  batch_size = 250

  # generative circuit
  z0 = RateCell(n_units=784, tau_m=0.0, act_fx="identity")
  z1 = RateCell(n_units=512, tau_m=25.0, act_fx="sigmoid", prior="gaussian", prior_lambda=0.0, integration_type="euler")
  e1 = GaussianErrorCell(n_units=512)
  z2 = RateCell(n_units=512, tau_m=25.0, act_fx="sigmoid", prior="gaussian", prior_lambda=0.0, integration_type="euler")
  e2 = GaussianErrorCell(n_units=512)
  z3 = RateCell(n_units=10, tau_m=0.0, act_fx="identity")
  e3 = GaussianErrorCell(n_units=10)
  W1 = HebbianSynapse(shape=(784, 512), eta=0.001, weight_init=uniform(low=-0.3, high=0.3), bias_init=constant(0.0),
                      w_bound=0.0, optim_type="adam", sign_value=-1.0)
  W2 = HebbianSynapse(shape=(512, 512), eta=0.001, weight_init=uniform(low=-0.3, high=0.3), bias_init=constant(0.0),
                      w_bound=0.0, optim_type="adam", sign_value=-1.0)
  W3 = HebbianSynapse(shape=(512, 10), eta=0.001, weight_init=uniform(low=-0.3, high=0.3), bias_init=constant(0.0),
                      w_bound=0.0, optim_type="adam", sign_value=-1.0)
  E2 = StaticSynapse(shape=(512, 512), weight_init=uniform(low=-0.3, high=0.3))
  E3 = StaticSynapse(shape=(10, 512), weight_init=uniform(low=-0.3, high=0.3))

  z0.zF >> W1.inputs
  W1.outputs >> e1.mu
  z1.z >> e1.target
  z1.zF >> W2.inputs
  W2.outputs >> e2.mu
  z2.z >> e2.target
  z2.zF >> W3.inputs
  W3.outputs >> e3.mu
  z3.z >> e3.target
  e2.dmu >> E2.inputs
  E2.outputs >> z1.j
  e1.dtarget >> z1.j_td
  e3.dmu >> E3.inputs
  E3.outputs >> z2.j
  e2.dtarget >> z2.j_td
  z0.zF >> W1.pre
  e1.dmu >> W1.post
  z1.zF >> W2.pre
  e2.dmu >> W2.post
  z2.zF >> W3.pre
  e3.dmu >> W3.post

  # projection circuit (eq3.mu is left unwired, as in the exhibit)
  q0 = RateCell(n_units=784, tau_m=0.0, act_fx="identity")
  q1 = RateCell(n_units=512, tau_m=0.0, act_fx="sigmoid")
  q2 = RateCell(n_units=512, tau_m=0.0, act_fx="sigmoid")
  q3 = RateCell(n_units=10, tau_m=0.0, act_fx="identity")
  eq3 = GaussianErrorCell(n_units=10)
  Q1 = StaticSynapse(shape=(784, 512), bias_init=constant(0.0))
  Q2 = StaticSynapse(shape=(512, 512), bias_init=constant(0.0))
  Q3 = StaticSynapse(shape=(512, 10), bias_init=constant(0.0))
  q0.zF >> Q1.inputs
  Q1.outputs >> q1.j
  q1.zF >> Q2.inputs
  Q2.outputs >> q2.j
  q2.zF >> Q3.inputs
  Q3.outputs >> q3.j

  process advance = E2.advance_state >> E3.advance_state >> z0.advance_state >> z1.advance_state >> z2.advance_state >> z3.advance_state >> W1.advance_state >> W2.advance_state >> W3.advance_state >> e1.advance_state >> e2.advance_state >> e3.advance_state
  process reset = q0.reset >> q1.reset >> q2.reset >> q3.reset >> eq3.reset >> z0.reset >> z1.reset >> z2.reset >> z3.reset >> e1.reset >> e2.reset >> e3.reset
  process evolve = W1.evolve >> W2.evolve >> W3.evolve
  process project = q0.advance_state >> Q1.advance_state >> q1.advance_state >> Q2.advance_state >> q2.advance_state >> Q3.advance_state >> q3.advance_state >> eq3.advance_state
}
