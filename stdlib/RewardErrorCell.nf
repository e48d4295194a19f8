# RewardErrorCell: a reward prediction error cell, ngclearn's RewardErrorCell.
#
# advance_state:
#   accum_reward = accum_reward + reward
#   rpe          = reward - mu                  (the OLD prediction)
#   use_online_predictor:  mu = mu * (1 - alpha) + reward * alpha
#   n_ep_steps   = n_ep_steps + 1
# evolve (end of an episode), with L = ema_window_len:
#   use_online_predictor:  mu = (1 - 1/L) * mu + (1/L) * (accum_reward / n_ep_steps)
#   otherwise nothing.
# With alpha = 0 the cell passes the reward through (rpe = reward, mu = 0).
#
# Parameters:
#   n_units, alpha: required
#   ema_window_len = 10, use_online_predictor = true, batch_size = 1
# Compartments, all [batch_size, n_units] zeros unless noted: mu (output:
# reward prediction), reward (input), rpe (output), accum_reward (output),
# n_ep_steps [batch_size, 1] (state).
#
# reset: mu = rpe = accum_reward = 0, n_ep_steps = 0; reward is not touched.
#
# Decisions on ngclearn's quirks:
#   * Without the online predictor mu is never updated (ngclearn's docstring
#     says evolve would; its code does not), so rpe = reward: the code is
#     followed.
#   * ngclearn's key compartment is unused and left out.
component RewardErrorCell {
  param n_units: int
  param alpha: float
  param ema_window_len = 10
  param use_online_predictor = true
  param batch_size = 1

  output mu[batch_size, n_units] = 0
  input reward[batch_size, n_units] = 0
  output rpe[batch_size, n_units] = 0
  output accum_reward[batch_size, n_units] = 0
  state n_ep_steps[batch_size, 1] = 0

  def advance_state(dt) {
    accum_reward = accum_reward + reward
    rpe = reward - mu
    if use_online_predictor {
      mu = mu * (1 - alpha) + reward * alpha
    }
    n_ep_steps = n_ep_steps + 1
  }

  def evolve(dt) {
    if use_online_predictor {
      L = float(ema_window_len)
      mu = (1 - 1 / L) * mu + (1 / L) * (accum_reward / n_ep_steps)
    }
  }

  def reset() {
    mu = 0
    rpe = 0
    accum_reward = 0
    n_ep_steps = 0
  }
}
