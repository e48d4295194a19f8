# A small model end to end through the CLI: check lists it, run drives a trace
# from a .npy file and records into an .npz that numpy.load reads.
# RUN: neurofuse check %s | FileCheck %s --check-prefix=CHECK
# RUN: neurofuse ir %s --process advance | FileCheck %s --check-prefix=IR
# RUN: /usr/bin/python3 -c "import numpy as np; np.save('%t.spikes.npy', np.array([[[1,0]],[[0,0]],[[0,1]],[[1,1]]], dtype=np.float32))"
# RUN: neurofuse run %s --process advance --steps 4 --drive tr.inputs=%t.spikes.npy --record tr.trace,W.outputs --out %t.npz
# RUN: neurofuse run %s --backend interp --process advance --steps 4 --drive tr.inputs=%t.spikes.npy --record tr.trace,W.outputs --out %t.interp.npz
# RUN: cmp %t.npz %t.interp.npz
# RUN: neurofuse run %s --specialize --process advance --steps 4 --drive tr.inputs=%t.spikes.npy --record tr.trace,W.outputs --out %t.special.npz
# RUN: cmp %t.npz %t.special.npz
# RUN: /usr/bin/python3 -c "import numpy as np; d = np.load('%t.npz'); print(sorted(d.keys())); print(d['tr.trace'].shape, d['tr.trace'].dtype); print(np.round(d['tr.trace'][:, 0, :].astype(np.float64), 6).tolist()); print(d['W.outputs'][:, 0, 0].tolist())" | FileCheck %s --check-prefix=NPZ
# RUN: not neurofuse run %s --process advance --steps 5 --drive tr.inputs=%t.spikes.npy --out %t.bad.npz 2>&1 | FileCheck %s --check-prefix=BADDRIVE
# RUN: test ! -e %t.bad.npz
# RUN: neurofuse run --help | FileCheck %s --check-prefix=HELP
# RUN: neurofuse check --help | FileCheck %s --check-prefix=CHECKHELP
# CHECK: model traced: ok
# CHECK: components:
# CHECK-NEXT:   tr               VarTrace
# CHECK-NEXT:   W                StaticSynapse
# CHECK: compartments:
# CHECK: tr.trace f32[1,2] state
# CHECK: W.weights f32[2,1] state
# CHECK: processes:
# CHECK-NEXT: advance
# CHECK: dt = 1, seed = 7
# IR: process advance {
# IR: %{{[0-9]+}} = matmul
# NPZ: ['W.outputs', 'tr.trace']
# NPZ-NEXT: (4, 1, 2) float32
# NPZ-NEXT: {{\[}}[1.0, 0.0], [0.951229, 0.0], [0.904837, 1.0], [1.860708, 1.951229]]
# NPZ-NEXT: [0.5, 0.0, 0.5, 1.0]
# BADDRIVE: error: --drive tr.inputs: '{{.*}}spikes.npy' holds <f4 [4,1,2], expected <f4 [5,1,2] (one row per step)
# HELP: usage: neurofuse run FILE --process
# CHECKHELP: usage: neurofuse check MODEL.nf
model traced {
  dt = 1.0
  seed = 7
  tr = VarTrace(n_units=2, tau_tr=20.0, a_delta=1.0)
  W = StaticSynapse(shape=(2, 1), weight_init=constant(0.5))
  tr.inputs >> W.inputs
  process advance = tr.advance_state >> W.advance_state
}
