# Event-driven products (compiler/events.h): the transform of a synapse whose
# weights no step writes skips the rows of +0 inputs, with a hidden word and
# per-column count the step checks once after every write of the weights (or
# of the [1, 1] mask that scales them).
# A plastic synapse's weights change every step: its product reads every row.
# (Only matrices of at least 65536 elements skip rows; smaller ones stay in
# cache, and the golden tests lower that bound to 0.)
# RUN: neurofuse ir %s --stage kernels --process advance | FileCheck %s --check-prefix=PLAN
# RUN: neurofuse ir %s --stage events | FileCheck %s --check-prefix=IR
# RUN: neurofuse compile %s -o %t.h --emit header && FileCheck %s --check-prefix=HEADER < %t.h
# PLAN: process advance:
# PLAN: matmul over [1,200], skipping the rows of +0 inputs of S.weights
# PLAN-NEXT: ops:
# PLAN-NEXT: reads: S.mask S.weights
# PLAN: matmul over [1,20]
# PLAN-NOT: skipping
# PLAN-NEXT: ops:
# PLAN-NEXT: reads: P.mask P.weights
# HEADER: /* S.weights : f32[400,200] */
# HEADER-NEXT: #define NF_EVENTS_S_WEIGHTS_OFFSET {{[0-9]+}}
# HEADER-NEXT: #define NF_EVENTS_S_WEIGHTS_COUNT 80000
# HEADER-NEXT: #define NF_EVENTS_S_WEIGHTS_KEPT NF_KEPT_CHECKED
# HEADER-NEXT: #define NF_EVENTS_S_WEIGHTS_INDEX {{[0-9]+}}
# The mask (ngclearn's default [1, 1]) scales the products, so its writes reset the same facts
# (hosts tell the module through nf_module.invalidate, never by writing words):
# HEADER: /* S.mask : f32[1,1] */
# HEADER: #define NF_EVENTS_S_MASK_KEPT NF_KEPT_CHECKED
# HEADER-NEXT: #define NF_EVENTS_S_MASK_INDEX {{[0-9]+}}
# HEADER-NOT: FORM_OFFSET
# HEADER-NOT: S.weights@facts
# IR: hidden facts of S.weights scaled by S.mask : i32[] = 0
# IR-NEXT: hidden clear of S.weights : i32[1,200] = 0
# IR-NOT: P.weights@facts
# IR: process initialize {
# IR: write S.weights,
# IR: read S.weights@facts
# IR: write S.weights@facts,
model events {
  seed = 4
  z0 = BernoulliCell(n_units=400)
  S = StaticSynapse(shape=(400, 200), weight_init=gaussian(0.0, 0.1))
  z1 = LIFCell(n_units=200, tau_m=10.0)
  P = TraceSTDPSynapse(shape=(200, 20), A_plus=1.0, A_minus=0.5, weight_init=uniform(0.0, 1.0))
  z0.outputs >> S.inputs
  S.outputs >> z1.j
  z1.s >> P.inputs
  process advance = z0.advance_state >> S.advance_state >> z1.advance_state >> P.advance_state
  process learn = P.evolve
}
