# StaticSparseTensorSynapse: ngclearn's static sparse tensor synapse, a
# SparseTensorSynapse with nothing added (ngclearn's class body is `pass`);
# its equations, parameters and compartments are SparseTensorSynapse's.
component StaticSparseTensorSynapse extends SparseTensorSynapse {
}
