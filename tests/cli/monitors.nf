# neurofuse run --record SPEC: every kind of record, on every backend, equal
# to what the dense per-step recording says (checked by monitors_check.py).
# RUN: /usr/bin/python3 -c "import numpy as np; np.save('%t.in.npy', np.full((300, 1, 24), 0.3, np.float32))"
# RUN: for b in interp jit aot; do neurofuse run %s --backend $b --process advance --steps 300 --drive z0.inputs=%t.in.npy --record z1.s,z1.v,z1.j,tr.inputs,z1.s:events --record 'z1.s[3:30:4]:events' --record 'z1.s:sum,z1.s:mean:every=3:start=2' --record 'z1.s[-5:]:mean:as=rate_last5' --record 'z1.v[7,0,7]:every=10' --record 'W.weights:every=100:start=99:as=w' --out %t.$b.npz; done
# RUN: /usr/bin/python3 %S/monitors_check.py %t.interp.npz %t.jit.npz %t.aot.npz | FileCheck %s
# CHECK: events 8{{[0-9][0-9]}} of 12000 elements
# CHECK: ok
#
# Printed (comma-separated): values recorded at the same steps; a subset names its units.
# RUN: /usr/bin/python3 -c "import numpy as np; np.save('%t.in7.npy', np.full((7, 1, 24), 0.3, np.float32))"
# RUN: neurofuse run %s --process advance --steps 7 --drive z0.inputs=%t.in7.npy --record 'z1.v[0,2]:every=3:start=1,z1.j[5]:every=3:start=1' | FileCheck %s --check-prefix=CSV
# CSV: step,t,z1.v[0],z1.v[2],z1.j[5]
# CSV-NEXT: 1,1,{{[-0-9.e]+}},{{[-0-9.e]+}},{{[-0-9.e]+}}
# CSV-NEXT: 4,4,
# CSV-NOT: {{^}}7,
#
# A run killed while it records leaves the previous file as it was and no
# spool file behind (spool files have no name).
# RUN: rm -rf %t.kill && mkdir %t.kill && echo previous > %t.kill/r.npz
# RUN: timeout -s KILL 2 "$neurofuse_bin" run %s --process advance --steps 100000000 --record z1.v[0],z1.s:events --out %t.kill/r.npz; test $? = 137
# RUN: test "$(cat %t.kill/r.npz)" = previous && test "$(ls -A %t.kill)" = r.npz
#
# Mistakes are found before anything runs, and say what to do.
# RUN: not neurofuse run %s --process advance --steps 5 --record z1.s:event 2>&1 | FileCheck %s --check-prefix=KIND
# KIND: error: --record z1.s:event: unknown kind 'event' (expected COMP[UNITS][:KIND][:every=N][:start=S][:as=NAME], KIND values, events, sum or mean; see neurofuse run --help)
# RUN: not neurofuse run %s --process advance --steps 5 --record 'z1.v[40]' 2>&1 | FileCheck %s --check-prefix=UNIT
# UNIT: error: --record z1.v[40]: unit 40 is outside 'z1.v', which has 40 elements
# RUN: not neurofuse run %s --process advance --steps 5 --record z1.s:every=0 2>&1 | FileCheck %s --check-prefix=EVERY
# EVERY: error: --record z1.s:every=0: every must be at least 1
# RUN: not neurofuse run %s --process advance --steps 5 --record 'z1.v[1:3' 2>&1 | FileCheck %s --check-prefix=BRACKET
# BRACKET: error: --record z1.v[1:3: '[' is not closed
# RUN: not neurofuse run %s --process advance --steps 5 --record 'z1.s[3:1]:sum' 2>&1 | FileCheck %s --check-prefix=EMPTY
# EMPTY: error: --record z1.s[3:1]:sum: the slice selects none of the 40 elements of 'z1.s'
# RUN: not neurofuse run %s --backend interp --process advance --steps 3000000000 --record z1.s:events --out %t.e.npz 2>&1 | FileCheck %s --check-prefix=INT32
# INT32: error: --record z1.s:events: events name steps as int32, and this run reaches step 2999999999
# RUN: not neurofuse run %s --process advance --steps 5 --record z1.jj 2>&1 | FileCheck %s --check-prefix=ALIAS
# ALIAS: error: --record z1.jj: no compartment 'z1.jj'; did you mean 'z1.j'?
# RUN: not neurofuse run %s --process advance --steps 5 --record z1.s,z1.s:events 2>&1 | FileCheck %s --check-prefix=MIXED
# MIXED: error: --record z1.s:events: only values recorded at the same steps print as CSV; write the recordings with --out FILE.npz
# RUN: not neurofuse run %s --process advance --steps 5 --record z1.s:sum:as=x,z1.v:sum:as=x --out %t.x.npz 2>&1 | FileCheck %s --check-prefix=NAMES
# NAMES: error: --record: two recordings are named 'x'; name one with :as=NAME
# RUN: not neurofuse run %s --process advance --steps 5 --drive z1.j=%t.in.npy 2>&1 | FileCheck %s --check-prefix=WIRED
# WIRED: error: --drive: 'z1.j' is wired from 'W.outputs', which holds its value; it can be recorded, and its source set
# RUN: not neurofuse run %s --process advance --steps 5 --record z1.s:events --out %t.missing/r.npz 2>&1 | FileCheck %s --check-prefix=OUT
# OUT: error: --out: cannot write '{{.*}}.missing/r.npz': there is no directory '{{.*}}.missing'
model spiking {
  seed = 3
  z0 = BernoulliCell(n_units=24)
  W = StaticSynapse(shape=(24, 40), weight_init=uniform(0.0, 0.9))
  z1 = LIFCell(n_units=40, tau_m=8.0, resist_m=5.0, thr=-52.0, v_rest=-65.0, v_reset=-60.0, refract_time=2.0)
  tr = VarTrace(n_units=40, tau_tr=12.0, a_delta=1.0)
  z0.outputs >> W.inputs
  W.outputs >> z1.j
  sum(z1.s, z1.v) >> tr.inputs
  process advance = z0.advance_state >> W.advance_state >> z1.advance_state >> tr.advance_state
}
