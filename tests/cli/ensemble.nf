# neurofuse ensemble: every member (seed x grid value) is what `neurofuse run`
# gives alone, bit for bit: values and sums stacked on a member axis, events
# concatenated with the member first. A member that fails is reported and
# the others are kept (exit 1). (tests/mpi_ensemble.sh spreads the same
# ensemble over 1, 2 and 4 MPI ranks.)
# RUN: /usr/bin/python3 -c "import numpy as np; np.save('%t.in.npy', np.full((1, 20), 0.8, np.float32))"
# RUN: neurofuse ensemble %s --seeds 1:3,7 --grid z.tau_m=10,20.5 --process advance --steps 100 --set z0.inputs=%t.in.npy --record z.v --record z.s:events --record z.s:sum:as=count --out %t.ens.npz 2>&1 | FileCheck %s --check-prefix=RAN
# RUN: i=0; for s in 1 2 7; do for t in 10 20.5; do neurofuse run %s --seed $s --set z.tau_m=$t --process advance --steps 100 --set z0.inputs=%t.in.npy --record z.v --record z.s:events --record z.s:sum:as=count --out %t.m$i.npz 2>/dev/null || exit 1; i=$((i+1)); done; done
# RUN: /usr/bin/python3 %S/ensemble_check.py %t.ens.npz %t.m | FileCheck %s --check-prefix=SAME
# RUN: not neurofuse ensemble %s --seeds 1,2 --grid z.tau_m=10,abc --process advance --steps 20 --set z0.inputs=%t.in.npy --record z.v --out %t.bad.npz 2>&1 | FileCheck %s --check-prefix=FAILED
# RUN: /usr/bin/python3 -c "import numpy as np; d = np.load('%t.bad.npz'); print('ok', d['ensemble.ok'].tolist(), 'nan', [bool(np.isnan(v).all()) for v in d['z.v']])" | FileCheck %s --check-prefix=KEPT
# RUN: not neurofuse ensemble %s --seeds 1 --seed 3 --process advance --out %t.x.npz 2>&1 | FileCheck %s --check-prefix=SEED
# RUN: not neurofuse ensemble %s --seeds 4:4 --process advance --out %t.x.npz 2>&1 | FileCheck %s --check-prefix=EMPTY
# RUN: not neurofuse ensemble %s --seeds 1 --process advance 2>&1 | FileCheck %s --check-prefix=NOOUT
# RUN: not neurofuse ensemble %s --seeds 1 --process advance --partition --out %t.x.npz 2>&1 | FileCheck %s --check-prefix=PARTITION
# --no-tier is a flag: the --record after it is still a recording.
# RUN: neurofuse ensemble %s --seeds 1 --process advance --steps 3 --no-tier --record z.v --out %t.nt.npz 2>&1 | FileCheck %s --check-prefix=NOTIER
# RUN: /usr/bin/python3 -c "import numpy as np; print('z.v', np.load('%t.nt.npz')['z.v'].shape)" | FileCheck %s --check-prefix=NOTIERV
# RAN: ran 6 members on 1 rank in
# SAME: 6 members: values, sums and events equal the single runs
# SAME: seeds [1, 1, 2, 2, 7, 7] tau_m [10.0, 20.5, 10.0, 20.5, 10.0, 20.5]
# FAILED: member 1 (seed 1, z.tau_m=abc) failed: error: option --set expects a number, got 'abc'
# FAILED: member 3 (seed 2, z.tau_m=abc) failed:
# FAILED: ran 4 members on 1 rank in {{.*}}; 2 failed
# KEPT: ok [True, False, True, False] nan [False, True, False, True]
# SEED: error: ensemble: --seed is per member; give the seeds with --seeds
# EMPTY: error: --seeds: the range '4:4' is empty (A:B runs A to B - 1)
# NOOUT: error: ensemble needs --out FILE.npz
# PARTITION: error: ensemble: --partition splits one network over the ranks
# NOTIER: ran 1 member on 1 rank in
# NOTIERV: z.v (1, 3, 1, 6)
model m {
  seed = 3
  z0 = PoissonCell(n_units=20, target_freq=200.0)
  W = StaticSynapse(shape=(20, 6), weight_init=uniform(0.0, 1.0))
  z = LIFCell(n_units=6, tau_m=10.0, resist_m=20.0)
  z0.outputs >> W.inputs
  W.outputs >> z.j
  process advance = z0.advance_state >> W.advance_state >> z.advance_state
}
