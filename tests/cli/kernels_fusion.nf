# The kernel plan proves the fusion claims: MSTDP-ET's evolve is one pass over
# its (n_in, n_out) matrices (each read once, each written once, in place),
# with exp(-dt/tau_elg) computed once outside the loop and the outer products'
# vectors computed once each; a LIF step is one loop over its units.
# dWeights, a difference of two outer products, is kept as its four vectors
# (factor.h): the pass recomputes the previous dWeights from them and stores
# the new vectors, so of the matrices it touches only the eligibility and the
# weights. The variant that reads dWeights' storage (after a reset or a host
# write) is the same pass with the stored matrix read instead.
# RUN: neurofuse ir %s --stage kernels --process evolve | FileCheck %s --check-prefix=EVOLVE
# RUN: neurofuse ir %s --stage kernels --process advance | FileCheck %s --check-prefix=ADVANCE
# RUN: neurofuse ir %s --stage kernels --process step | FileCheck %s --check-prefix=STEP
# RUN: neurofuse ir %s --stage kernels | FileCheck %s --check-prefix=MATERIALIZE
# RUN: neurofuse ir %s --stage factored --process evolve | FileCheck %s --check-prefix=FACTORED
# EVOLVE: process evolve: 4 kernels
# EVOLVE-NEXT: kernel 0: elementwise over []
# EVOLVE-NEXT: ops: {{.*}}=exp
# EVOLVE-NEXT: reads:
# EVOLVE-NEXT: writes: {{.*}} %{{[0-9]+}}->W.dWeights@form
# EVOLVE: kernel 1: elementwise over [300,1]
# EVOLVE: kernel 2: elementwise over [1,200]
# EVOLVE: kernel 3: elementwise over [300,200]
# EVOLVE-NEXT: ops: {{.*}}=matmul {{.*}}=matmul
# mu is a run-time parameter: with mu > 0 the update is a full matrix, which
# the pass stores (and the spikes' outer products, which it reads); compiled
# code decides mu > 0 once per call, and in the version for mu = 0 neither
# computes nor stores it (codegen.cpp, KernelEmitter::unchanged).
# EVOLVE-NEXT: reads: W.dWeights W.dWeights@factor0 W.dWeights@factor1 W.dWeights@factor2 W.dWeights@factor3 W.dWeights@factor4 W.eligibility W.modulator W.outmask W.postSpike W.postTrace W.weights parameters@value{{.*}}
# EVOLVE-NEXT: writes: %{{[0-9]+}}->W.eligibility %{{[0-9]+}}->W.weights %{{[0-9]+}}->W.dWeights
# Split over ranks, the update keeps each rank's columns of the matrices.
# EVOLVE-NEXT: split by columns, nothing exchanged
# EVOLVE-NEXT: copy scratch+{{[0-9]+}} -> W.dWeights@factor0
# EVOLVE-NEXT: copy scratch+{{[0-9]+}} -> W.dWeights@factor1
# EVOLVE-NEXT: copy scratch+{{[0-9]+}} -> W.dWeights@factor2
# EVOLVE-NEXT: copy scratch+{{[0-9]+}} -> W.dWeights@factor3
# EVOLVE-NEXT: copy scratch+{{[0-9]+}} -> W.dWeights@factor4
# EVOLVE-NEXT: process evolve@storage: 4 kernels
# EVOLVE: kernel 3: elementwise over [300,200]
# EVOLVE-NEXT: ops:
# EVOLVE-NEXT: reads: W.dWeights W.eligibility W.modulator W.outmask W.postSpike W.postTrace W.weights parameters@value{{.*}}
# EVOLVE-NEXT: writes: %{{[0-9]+}}->W.eligibility %{{[0-9]+}}->W.weights %{{[0-9]+}}->W.dWeights
# EVOLVE-NOT: kernel
# EVOLVE-NOT: copy
# MATERIALIZE: process W.dWeights@materialize: 1 kernel
# MATERIALIZE-NEXT: kernel 0: elementwise over [300,200]
# MATERIALIZE-NEXT: ops: {{.*}}=matmul {{.*}}=matmul {{.*}}=neg {{.*}}=select {{.*}}=add
# MATERIALIZE-NEXT: reads: W.dWeights@factor0 W.dWeights@factor1 W.dWeights@factor2 W.dWeights@factor3 W.dWeights@factor4
# MATERIALIZE-NEXT: writes: %{{[0-9]+}}->W.dWeights
# One factor is the scalar A_minus > 0 (an 'if' on a run-time parameter):
# FACTORED: hidden factor 0 of W.dWeights : f32[300,1] = 0
# FACTORED-NEXT: hidden factor 1 of W.dWeights : f32[1,200] = 0
# FACTORED-NEXT: hidden factor 2 of W.dWeights : bool[] = false
# FACTORED-NEXT: hidden factor 3 of W.dWeights : f32[300,1] = 0
# FACTORED-NEXT: hidden factor 4 of W.dWeights : f32[1,200] = 0
# FACTORED-NEXT: hidden form of W.dWeights : i32[] = 0
# The factors are written every step; the storage only gets the update when
# mu > 0 picks it (select: mu > 0 ? the full update : the storage as it was),
# and the form word says which holds the value:
# FACTORED: process evolve {
# FACTORED-NOT: read W.dWeights :
# FACTORED: read W.dWeights@factor0
# FACTORED: write W.dWeights@factor4,
# FACTORED-NEXT: [[OLD:%[0-9]+]] = read W.dWeights : f32[300,200]
# FACTORED-NEXT: [[KEPT:%[0-9]+]] = select %{{[0-9]+}}, %{{[0-9]+}}, [[OLD]] : f32[300,200]
# FACTORED-NEXT: write W.dWeights, [[KEPT]]
# FACTORED: write W.dWeights@form
# FACTORED: process storage of evolve needs [W.dWeights] {
# FACTORED: read W.dWeights :
# ADVANCE: process advance: 3 kernels
# ADVANCE: kernel {{[0-9]+}}: matmul over [1,200]
# ADVANCE: kernel {{[0-9]+}}: elementwise over [1,200]
# ADVANCE-NEXT: ops:
# ADVANCE-NEXT: reads: W.biases W.gate parameters@value{{[0-9]+}} parameters@value{{[0-9]+}} z1.rfr z1.thr_theta z1.tols z1.v z1.v_thr
# ADVANCE-NEXT: writes: {{.*}}->W.outputs {{.*}}->z1.s {{.*}}->z1.v
# ADVANCE-NOT: kernel
# With the transform and the update in one process, the transform's product
# joins the update's loop: the weights are read once per step, and only the
# LIF step, which needs the product, comes after.
# STEP: process step: 4 kernels
# STEP: kernel 2: row-sweep over [300,200]
# STEP-NEXT: ops: {{.*}}=matmul {{.*}}=matmul {{.*}}=matmul
# STEP-NEXT: reads: W.dWeights W.dWeights@factor0 W.dWeights@factor1 W.dWeights@factor2 W.dWeights@factor3 W.dWeights@factor4 W.eligibility W.inputs W.mask W.modulator W.outmask W.postSpike W.postTrace W.weights parameters@value{{.*}}
# STEP-NEXT: writes: {{.*}}->W.eligibility {{.*}}->W.weights {{.*}}->scratch+{{[0-9]+}} {{.*}}->W.dWeights
# STEP-NEXT: split by columns, nothing exchanged
# STEP-NEXT: kernel 3: elementwise over [1,200]
# STEP-NEXT: ops:
# STEP-NEXT: reads: W.biases W.gate W.postSpike W.postTrace parameters@value{{[0-9]+}} parameters@value{{[0-9]+}} z1.rfr z1.thr_theta z1.tols z1.v z1.v_thr
# STEP: process step@storage: 4 kernels
# STEP: kernel 2: row-sweep over [300,200]
# STEP-NEXT: ops:
# STEP-NEXT: reads: W.dWeights W.eligibility W.inputs W.mask W.modulator W.outmask W.postSpike W.postTrace W.weights parameters@value{{.*}}
# STEP-NEXT: writes:
# STEP-NEXT: split by columns
# STEP-NEXT: kernel 3: elementwise over [1,200]
# STEP-NOT: kernel
model fusion {
  W = MSTDPETSynapse(shape=(300, 200), A_plus=1.0, A_minus=0.5, eta=0.01, tau_elg=25.0, weight_init=uniform(0.0, 1.0))
  z1 = LIFCell(n_units=200, tau_m=10.0)
  W.outputs >> z1.j
  process advance = W.advance_state >> z1.advance_state
  process evolve = W.evolve
  process step = W.advance_state >> z1.advance_state >> W.evolve
}
