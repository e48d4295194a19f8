# Sparse storage: a DenseSynapse kept as its connections computes what the
# dense synapse computes with zeros off the connections, its weights are the
# dense draw's at the connections, and every backend gives the same bits
# (checked against a NumPy transcription by sparse_check.py).
# RUN: /usr/bin/python3 %S/sparse_check.py drives %t
# RUN: neurofuse ir %s --model sparse > %t.ir
# RUN: neurofuse check %s --model sparse | FileCheck %s --check-prefix=LIST
# LIST: connectivities:
# LIST-NEXT: W.connections                40 x 30, {{[0-9]+}} connections ({{[0-9.]+}}%)
# RUN: for b in interp jit aot; do neurofuse run %s --model sparse --backend $b --process advance --steps 40 --drive W.inputs=%t.x.npy --drive W.gate=%t.gate.npy --record W.outputs --out %t.$b.npz --save-state %t.$b.state.npz; done
# RUN: neurofuse run %s --model dense --process advance --steps 1 --save-state %t.dense0.npz
# RUN: /usr/bin/python3 %S/sparse_check.py densify %t
# RUN: neurofuse run %s --model dense --process advance --steps 40 --drive W.inputs=%t.x.npy --drive W.gate=%t.gate.npy --set W.weights=%t.dw.npy --set W.mask=%t.dm.npy --record W.outputs --out %t.dense.npz
# RUN: /usr/bin/python3 %S/sparse_check.py check %t | FileCheck %s
# The same with 48 rows, whole blocks of the compiled product's row scan.
# RUN: /usr/bin/python3 %S/sparse_check.py drives %t.b 48
# RUN: neurofuse ir %s --model sparse48 > %t.b.ir
# RUN: for b in interp jit aot; do neurofuse run %s --model sparse48 --backend $b --process advance --steps 40 --drive W.inputs=%t.b.x.npy --drive W.gate=%t.b.gate.npy --record W.outputs --out %t.b.$b.npz --save-state %t.b.$b.state.npz; done
# RUN: neurofuse run %s --model dense48 --process advance --steps 1 --save-state %t.b.dense0.npz
# RUN: /usr/bin/python3 %S/sparse_check.py densify %t.b 48
# RUN: neurofuse run %s --model dense48 --process advance --steps 40 --drive W.inputs=%t.b.x.npy --drive W.gate=%t.b.gate.npy --set W.weights=%t.b.dw.npy --set W.mask=%t.b.dm.npy --record W.outputs --out %t.b.dense.npz
# RUN: /usr/bin/python3 %S/sparse_check.py check %t.b 48 | FileCheck %s --check-prefix=BLOCKS
# BLOCKS: connections {{[0-9]+}} of 1440
# BLOCKS: outputs: interp, jit and aot agree bit for bit
# BLOCKS-NEXT: outputs: the NumPy transcription, bit for bit
# BLOCKS: ok
# CHECK: connections {{[0-9]+}} of 1200, expected 180 +- 12.4
# CHECK-NEXT: weights and mask: the dense draws at the connections
# CHECK-NEXT: outputs: interp, jit and aot agree bit for bit
# CHECK-NEXT: outputs: the NumPy transcription, bit for bit
# CHECK-NEXT: outputs: the dense synapse over the densified weights, value for value
# CHECK-NEXT: ok
#
# Mistakes say what to do.
# RUN: not neurofuse check %s --model bad_storage 2>&1 | FileCheck %s --check-prefix=STORAGE
# STORAGE: error: parameter 'storage' of 'W' is the string "spares": choose "dense" or "sparse"
# RUN: not neurofuse check %s --model plastic 2>&1 | FileCheck %s --check-prefix=PLASTIC
# PLASTIC: TraceSTDPSynapse: its plasticity updates the whole (n_in, n_out) matrix; sparse storage is for the static transforms
# RUN: not neurofuse check %s --model draw_in_method 2>&1 | FileCheck %s --check-prefix=METHOD
# METHOD: error: bernoulli_connectivity() decides a structure when the model is built: write it in a declaration, connectivity NAME = bernoulli_connectivity(...)
# RUN: not neurofuse check %s --model attribute 2>&1 | FileCheck %s --check-prefix=ATTR
# ATTR: error: a connectivity has .rows, .columns, .connections and .shape (of its values), not .colums; did you mean 'columns'?
# RUN: not neurofuse check %s --model wrong_inputs 2>&1 | FileCheck %s --check-prefix=SHAPE
# SHAPE: error: sparse_matmul needs inputs [B, 6] for b.c, got f32[1,5]
# RUN: not neurofuse check %s --model bad_geometry 2>&1 | FileCheck %s --check-prefix=GEOMETRY
# GEOMETRY: sparse.nf:{{[0-9]+}}:3: error: instance 'W' of SparseTensorSynapse: its connectivity 'connections' (declared at stdlib/SparseTensorSynapse.nf:{{[0-9]+}}) cannot be made: local_connectivity: the receptive field spans 5 inputs, more than the 4 incoming streams (ngclearn's geometry error)
# RUN: not neurofuse check %s --model too_many 2>&1 | FileCheck %s --check-prefix=MANY
# MANY: sparse.nf:{{[0-9]+}}:3: error: instance 'W' of StaticSynapse: its connectivity 'connections' (declared at stdlib/DenseSynapse.nf:{{[0-9]+}}) cannot be made: bernoulli_connectivity would make about 2576980480 connections; at most 2^31 - 1 can be indexed

model sparse {
  seed = 21
  W = DenseSynapse(shape=(40, 30), storage="sparse", p_conn=0.15, weight_init=gaussian(0.1, 0.5),
                   bias_init=uniform(-0.1, 0.1), mask_init=uniform(0.5, 1.5), g_conduct_factor=-1.7, batch_size=2)
  process advance = W.advance_state
}

model dense {
  seed = 21
  W = DenseSynapse(shape=(40, 30), weight_init=gaussian(0.1, 0.5),
                   bias_init=uniform(-0.1, 0.1), mask_init=uniform(0.5, 1.5), g_conduct_factor=-1.7, batch_size=2)
  process advance = W.advance_state
}

model sparse48 {
  seed = 21
  W = DenseSynapse(shape=(48, 30), storage="sparse", p_conn=0.15, weight_init=gaussian(0.1, 0.5),
                   bias_init=uniform(-0.1, 0.1), mask_init=uniform(0.5, 1.5), g_conduct_factor=-1.7, batch_size=2)
  process advance = W.advance_state
}

model dense48 {
  seed = 21
  W = DenseSynapse(shape=(48, 30), weight_init=gaussian(0.1, 0.5),
                   bias_init=uniform(-0.1, 0.1), mask_init=uniform(0.5, 1.5), g_conduct_factor=-1.7, batch_size=2)
  process advance = W.advance_state
}

model bad_storage {
  W = StaticSynapse(shape=(4, 3), storage="spares")
  process advance = W.advance_state
}

model plastic {
  W = TraceSTDPSynapse(shape=(5, 4), storage="sparse", p_conn=0.5, A_plus=0.1, A_minus=0.05)
  process advance = W.advance_state >> W.evolve
}

component DrawsInAMethod {
  state y[1, 1] = 0
  def advance_state() {
    c = bernoulli_connectivity(0.5, (2, 2))
    y = 1
  }
}

model draw_in_method {
  a = DrawsInAMethod()
  process advance = a.advance_state
}

component Columns {
  connectivity c = bernoulli_connectivity(0.5, (6, 4))
  state y[1, c.colums] = 0
}

model attribute {
  a = Columns()
}

component WrongInputs {
  connectivity c = bernoulli_connectivity(0.5, (6, 4))
  state w[c.shape] = 1
  state y[1, 4] = 0
  def advance_state() {
    y = sparse_matmul(zeros((1, 5)), w, c)
  }
}

model wrong_inputs {
  b = WrongInputs()
  process advance = b.advance_state
}

model bad_geometry {
  W = SparseTensorSynapse(n_in_streams=4, K_local=2, O_local=2, P_l=3, dilation=2)
  process advance = W.advance_state
}

model too_many {
  W = StaticSynapse(shape=(65536, 65536), storage="sparse", p_conn=0.6)
  process advance = W.advance_state
}
