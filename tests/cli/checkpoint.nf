# Checkpoints from the CLI: 100 steps in one run equal 60 steps, a saved
# state, and 40 more steps from it (same bytes in the final checkpoints);
# --set COMP=FILE.npy overrides a compartment; numpy reads what is saved; the
# interpreter reads and writes the same files, byte for byte.
# A run whose --out or --save-state cannot be written leaves neither file, and
# a misspelt stream is reported before anything is compiled.
# RUN: neurofuse run %s --process advance,learn --steps 100 --save-state %t.full.npz
# RUN: neurofuse run %s --process advance,learn --steps 60 --save-state %t.half.npz
# RUN: neurofuse run %s --backend aot --process advance,learn --steps 40 --t0 60 --load-state %t.half.npz --save-state %t.resumed.npz
# RUN: cmp %t.full.npz %t.resumed.npz
# RUN: /usr/bin/python3 -c "import numpy as np; np.save('%t.w.npy', np.full((4, 3), 0.5, np.float32)); d = np.load('%t.full.npz'); print(sorted(k for k in d.keys() if k.startswith('W.weig')), d['seed'].dtype, d['W.weights'].shape)" | FileCheck %s --check-prefix=NUMPY
# RUN: neurofuse run %s --process advance --steps 1 --set W.weights=%t.w.npy --record W.weights | FileCheck %s --check-prefix=SET
# RUN: not neurofuse run %s --process advance --steps 1 --set W.outputs=%t.w.npy 2>&1 | FileCheck %s --check-prefix=BADSET
# The reference interpreter takes and writes the same checkpoints and .npy files:
# RUN: neurofuse run %s --backend interp --process advance,learn --steps 60 --save-state %t.ihalf.npz
# RUN: cmp %t.half.npz %t.ihalf.npz
# RUN: neurofuse run %s --backend interp --process advance,learn --steps 40 --t0 60 --load-state %t.half.npz --save-state %t.iresumed.npz
# RUN: cmp %t.full.npz %t.iresumed.npz
# RUN: neurofuse run %s --backend interp --process advance --steps 1 --set W.weights=%t.w.npy --record W.weights | FileCheck %s --check-prefix=SET
# RUN: not neurofuse run %s --backend interp --process advance --steps 1 --set W.outputs=%t.w.npy 2>&1 | FileCheck %s --check-prefix=BADSET
# RUN: not neurofuse run %s --process advance --load-state %t.missing.npz 2>&1 | FileCheck %s --check-prefix=MISSING
# RUN: not neurofuse run %s --process advance --steps 2 --save-state %t.both.npz --record W.weights --out %t.nodir/x.npz 2>&1 | FileCheck %s --check-prefix=NOOUT
# RUN: test ! -e %t.both.npz
# RUN: not neurofuse run %s --process advance --steps 2 --save-state %t.nodir/s.npz --record W.weights --out %t.rec.npz 2>&1 | FileCheck %s --check-prefix=NOSAVE
# RUN: test ! -e %t.rec.npz
# RUN: not neurofuse run %s --process advance --steps 1 --record W.weight 2>&1 | FileCheck %s --check-prefix=BADREC
# Outputs are checked before any step runs: one file for both, a record twice.
# RUN: not neurofuse run %s --process advance --steps 2 --record W.weights --out %t.same.npz --save-state %t.same.npz 2>&1 | FileCheck %s --check-prefix=SAME
# RUN: test ! -e %t.same.npz
# RUN: not neurofuse run %s --process advance --steps 2 --record W.weights,W.weights --out %t.twice.npz 2>&1 | FileCheck %s --check-prefix=TWICE
# SAME: error: --out and --save-state name the same file {{.*}}: the checkpoint would replace the recordings
# TWICE: error: --record: two recordings are named 'W.weights'; name one with :as=NAME
# RUN: not neurofuse run %s --process advance --specialize --load-state %t.full.npz 2>&1 | FileCheck %s --check-prefix=SPECIAL
# SPECIAL: error: --load-state cannot be combined with --specialize
# NOOUT: error: {{.*}}nodir/x.npz
# NOSAVE: error: {{.*}}nodir/s.npz
# BADREC: error: --record W.weight: no compartment 'W.weight'; did you mean 'W.weights'?
# NUMPY: ['W.weight_mask_values', 'W.weights'] uint64 (4, 3)
# SET: step,t,W.weights[0]
# SET-NEXT: 0,0,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5
# BADSET: error: {{.*}}w.npy holds <f4 (4, 3) but compartment 'W.outputs' is <f4 (1, 3)
# MISSING: error: {{.*}}missing.npz: cannot open: No such file or directory
model checkpointed {
  seed = 8
  z = BernoulliCell(n_units=4)
  W = TraceSTDPSynapse(shape=(4, 3), A_plus=1.0, A_minus=0.5, eta=0.05, weight_init=uniform(0.0, 1.0))
  tr = VarTrace(n_units=4, tau_tr=10.0, a_delta=1.0)
  z.outputs >> W.inputs
  z.outputs >> W.preSpike
  z.outputs >> tr.inputs
  tr.outputs >> W.preTrace
  process advance = z.advance_state >> tr.advance_state >> W.advance_state
  process learn = W.evolve
}
