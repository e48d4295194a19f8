# A Gaussian policy trained by REINFORCE on a contextual bandit with a known
# optimum. Each of the 16 batch rows sees one of four contexts (a one-hot
# input) plus a constant input of -2, which lets the clipped, non-negative
# weights reach negative pre-activations (ngclearn clips both the mean and the
# log-std weights to [0, w_bound]). The host program draws the contexts,
# scores each sampled action with the quadratic reward -(y - target)^2 and
# feeds the advantage (reward minus a running baseline) back.
model bandit {
  seed = 7
  # policy with a learned, state-dependent standard deviation
  learned = REINFORCESynapse(shape=(5, 1), batch_size=16, eta=2.0, weight_init=uniform(0.2, 0.6), seed=11)
  # policy with a fixed standard deviation of 0.2
  fixed = REINFORCESynapse(shape=(5, 1), batch_size=16, eta=2.0, weight_init=uniform(0.2, 0.6), seed=13,
                           scalar_stddev=0.2)
  process evolve_learned = learned.evolve
  process evolve_fixed = fixed.evolve
}
