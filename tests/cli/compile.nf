# neurofuse compile: shared libraries that need only libc, the object cache,
# every --emit kind, portable targets, and the aot backend.
# RUN: NEUROFUSE_CACHE_DIR=%t.cache neurofuse compile %s -o %t.so --time 2>&1 | FileCheck %s --check-prefix=TIME
# RUN: nm -D --defined-only %t.so | FileCheck %s --check-prefix=SYMS
# RUN: ldd %t.so | FileCheck %s --check-prefix=LDD --implicit-check-not=LLVM --implicit-check-not=neurofuse
# RUN: ldd $NF_AOT_PROBE | FileCheck %s --check-prefix=LDD --implicit-check-not=LLVM
# RUN: NEUROFUSE_CACHE_DIR=%t.cache neurofuse compile %s -o %t.again.so --time 2>&1 | FileCheck %s --check-prefix=CACHED
# RUN: cat %t.cache/*.key | FileCheck %s --check-prefix=KEY
# RUN: neurofuse compile %s -o %t.h --emit header && FileCheck %s --check-prefix=HEADER < %t.h
# RUN: neurofuse compile %s -o %t.ll --emit llvm && FileCheck %s --check-prefix=LLVM --implicit-check-not=" fast " < %t.ll
# RUN: neurofuse compile %s -o %t.s --emit asm && FileCheck %s --check-prefix=ASM < %t.s
# RUN: neurofuse compile %s -o %t.o --emit obj && nm %t.o | FileCheck %s --check-prefix=SYMS
# RUN: neurofuse compile %s -o %t.generic.so --target-cpu generic -O3 --no-cache
# RUN: neurofuse compile %s -o %t.v2.so --target-cpu x86-64-v2 -O1 --specialize
# RUN: /usr/bin/python3 -c "import numpy as np; np.save('%t.in.npy', (np.arange(400*3).reshape(400,1,3) % 7 == 0).astype(np.float32))"
# RUN: neurofuse run %s --backend interp --process advance,learn --steps 400 --drive z.inputs=%t.in.npy --record z.outputs,W.weights,W.outputs --out %t.interp.npz
# RUN: neurofuse run %s --backend aot --process advance,learn --steps 400 --drive z.inputs=%t.in.npy --record z.outputs,W.weights,W.outputs --out %t.aot.npz
# RUN: cmp %t.interp.npz %t.aot.npz
# RUN: not neurofuse compile %s -o %t.x --emit exe 2>&1 | FileCheck %s --check-prefix=BADEMIT
# RUN: not neurofuse compile %s -o %t.x --target-cpu pentium9000 2>&1 | FileCheck %s --check-prefix=BADCPU
# RUN: not neurofuse compile %s 2>&1 | FileCheck %s --check-prefix=NOOUT
# TIME: parse + elaborate
# TIME: optimize
# TIME: machine code
# TIME-NOT: from the cache
# TIME: link
# CACHED: machine code {{.*}}(object from the cache)
# A cached object is keyed by the fingerprint of the compiler that made it,
# so a changed compiler never serves an older compiler's code.
# KEY: neurofuse-{{[0-9.]+}}/abi-{{[0-9]+}}/llvm-{{[0-9.]+}}/{{[0-9a-f]+$}}
# SYMS-DAG: nf_module
# SYMS-DAG: nf_process_advance
# SYMS-DAG: nf_process_learn
# SYMS-DAG: nf_process_initialize
# SYMS-DAG: nf_scan
# LDD: libc.so
# HEADER: #include <neurofuse/module.h>
# HEADER: #define NF_COMPILED_STATE_SIZE {{[0-9]+}}
# HEADER: /* W.weights : f32[3,2] */
# HEADER-NEXT: #define NF_COMPILED_W_WEIGHTS_OFFSET {{[0-9]+}}
# HEADER-NEXT: #define NF_COMPILED_W_WEIGHTS_COUNT 6
# HEADER: void nf_process_advance(uint8_t* state, double t, double dt);
# LLVM-DAG: define void @nf_process_advance(ptr {{.*}}%state, double %t, double %dt)
# LLVM-DAG: @nf_module = {{.*}}constant
# ASM: nf_process_advance:
# BADEMIT: error: unknown --emit 'exe' (available: so, obj, llvm, asm, header)
# BADCPU: error: unknown target CPU 'pentium9000'
# NOOUT: error: compile needs -o OUTPUT
model compiled {
  seed = 11
  z = BernoulliCell(n_units=3)
  W = TraceSTDPSynapse(shape=(3, 2), A_plus=1.0, A_minus=0.5, eta=0.05, weight_init=uniform(0.0, 1.0))
  tr = VarTrace(n_units=3, tau_tr=10.0, a_delta=1.0)
  z.outputs >> W.inputs
  z.outputs >> W.preSpike
  z.outputs >> tr.inputs
  tr.outputs >> W.preTrace
  process advance = z.advance_state >> tr.advance_state >> W.advance_state
  process learn = W.evolve
}
