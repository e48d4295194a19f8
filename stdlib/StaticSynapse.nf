# StaticSynapse: a dense synapse without learning, ngclearn's StaticSynapse.
#
# Exactly DenseSynapse (see DenseSynapse.nf): same parameters (shape,
# weight_init, bias_init, g_conduct_factor alias resist_scale, p_conn,
# mask_init, batch_size), compartments (inputs, outputs, weights, mask, biases,
# gate), initialize, advance_state and reset:
#
#   outputs = ((inputs @ (weights * mask)) * gate) * g_conduct_factor + biases
#
# No quirk of its own; DenseSynapse's decisions apply.
component StaticSynapse extends DenseSynapse {
}
