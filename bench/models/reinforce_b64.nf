# REINFORCESynapse with batch 64, 256 inputs and 16 actions (learned log-std).
model reinforce_b64 {
  seed = 1
  W = REINFORCESynapse(shape=(256, 16), batch_size=64, eta=0.01, act_fx="tanh", mu_act_fx="tanh",
                       weight_init=uniform(0.0, 0.1))
  process step = W.evolve
}
