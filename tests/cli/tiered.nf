# Tiered compilation (compiler/jit.h): with an empty object cache, `run`
# starts on quickly compiled code and switches to the optimized build when a
# background thread has made it, in the middle of the run; the results are
# the bits of the optimized build alone (--no-tier) and of the interpreter.
# The background build fills the cache, so the next run starts optimized.
# RUN: NEUROFUSE_CACHE_DIR=%t.tiered neurofuse run %s --process step --steps 400 --record W.weights:sum,W.eligibility:sum,z.v --out %t.tiered.npz
# RUN: NEUROFUSE_CACHE_DIR=%t.alone neurofuse run %s --process step --steps 400 --record W.weights:sum,W.eligibility:sum,z.v --out %t.alone.npz --no-tier
# RUN: neurofuse run %s --process step --steps 400 --record W.weights:sum,W.eligibility:sum,z.v --out %t.interp.npz --backend interp
# RUN: cmp %t.tiered.npz %t.alone.npz
# RUN: cmp %t.tiered.npz %t.interp.npz
# RUN: ls %t.tiered | grep -c '\.o$' | FileCheck %s --check-prefix=CACHED
# CACHED: 1
# RUN: not neurofuse run %s --process step --steps 1 --no-tiers 2>&1 | FileCheck %s --check-prefix=BAD
# BAD: unknown option '--no-tiers'

model tiered {
  seed = 7
  pre = PoissonCell(n_units=120, target_freq=60.0)
  post = BernoulliCell(n_units=90)
  tr_pre = VarTrace(n_units=120, tau_tr=20.0, a_delta=1.0)
  tr_post = VarTrace(n_units=90, tau_tr=20.0, a_delta=1.0)
  W = MSTDPETSynapse(shape=(120, 90), tau_elg=25.0, eta=0.01, A_plus=1.0, A_minus=0.5, weight_init=uniform(0.0, 1.0))
  z = LIFCell(n_units=90, tau_m=5.0, resist_m=30.0)
  pre.outputs >> W.inputs
  pre.outputs >> W.preSpike
  post.outputs >> W.postSpike
  pre.outputs >> tr_pre.inputs
  post.outputs >> tr_post.inputs
  tr_pre.trace >> W.preTrace
  tr_post.trace >> W.postTrace
  W.outputs >> z.j
  process step = pre.advance_state >> post.advance_state >> tr_pre.advance_state >> tr_post.advance_state >> W.advance_state >> W.evolve >> z.advance_state
}
