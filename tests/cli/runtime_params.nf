# Every float parameter that decides no shape is a run-time value: one that
# decides an 'if' (tau_theta > 0 switches LIFCell's adaptive threshold) and
# one that gives an initial value (v_rest, thr), which a new state computes
# from the value given with --set.
# RUN: neurofuse check %s | FileCheck %s --check-prefix=PARAMS
# RUN: neurofuse run %s --process advance --steps 3 --set z.v_rest=-70.5 --set z.thr=-58 --record z.v,z.v_thr | FileCheck %s --check-prefix=SET
# RUN: neurofuse run %s --backend interp --process advance --steps 3 --set z.v_rest=-70.5 --set z.thr=-58 --record z.v,z.v_thr | FileCheck %s --check-prefix=SET
# RUN: neurofuse run %s --backend aot --process advance --steps 3 --set z.v_rest=-70.5 --set z.thr=-58 --record z.v,z.v_thr | FileCheck %s --check-prefix=SET
# RUN: /usr/bin/python3 -c "import numpy as np; np.save('%t.j.npy', np.full((30, 1, 2), 20, np.float32))"
# RUN: neurofuse run %s --process advance --steps 30 --drive z.j=%t.j.npy --set z.tau_theta=0 --record z.thr_theta --out %t.off.npz
# RUN: neurofuse run %s --process advance --steps 30 --drive z.j=%t.j.npy --record z.thr_theta --out %t.on.npz
# RUN: /usr/bin/python3 -c "import numpy as np; off = np.load('%t.off.npz')['z.thr_theta']; on = np.load('%t.on.npz')['z.thr_theta']; print('off', off.max(), 'on', on.max() > 0)" | FileCheck %s --check-prefix=THETA
# PARAMS: z.thr
# PARAMS: z.v_rest
# SET: step,t,z.v[0],z.v[1],z.v_thr[0],z.v_thr[1]
# SET-NEXT: 0,0,-70.5,-70.5,-58,-58
# SET-NEXT: 1,1,-70.5,-70.5,-58,-58
# THETA: off 0.0 on True
model m {
  z = LIFCell(n_units=2, tau_m=10.0, tau_theta=50.0, theta_plus=0.5)
  process advance = z.advance_state
}
