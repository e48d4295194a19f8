# Fast precision (docs/SEMANTICS.md, "Fast precision"): a division by a value
# with fewer elements than the result becomes a multiplication by its
# reciprocal; an f32 add or sub of a multiplication used by nothing else
# becomes one fma (the left multiplication when both qualify). Decided in
# the IR, so the interpreter, the JIT and a shared library give the same
# bits; `initialize` stays exact; a model may ask for it itself.
# RUN: neurofuse ir %s --model flag --process step --precision fast | FileCheck %s --check-prefix=FAST
# RUN: neurofuse ir %s --model flag --process step | FileCheck %s --check-prefix=EXACT
# RUN: neurofuse ir %s --model flag --process initialize --precision fast | FileCheck %s --check-prefix=INIT
# RUN: neurofuse ir %s --model flag --precision fast | sed 1d > %t.flag.nfir
# RUN: neurofuse ir %s --model asks | sed 1d > %t.asks.nfir
# RUN: cmp %t.flag.nfir %t.asks.nfir
# RUN: /usr/bin/python3 -c "import numpy as np; r = np.random.default_rng(3); [np.save('%t.' + n + '.npy', (r.standard_normal((40, 1, 64)) * 3).astype(np.float32)) for n in ('x', 'y')]"
# RUN: for b in jit interp aot; do neurofuse run %s --model flag --precision fast --backend $b --process step --steps 40 --drive c.x=%t.x.npy --drive c.y=%t.y.npy --record c.a,c.b,c.c,c.d,c.e,c.g --out %t.$b.npz || exit 1; done
# RUN: cmp %t.jit.npz %t.interp.npz
# RUN: cmp %t.jit.npz %t.aot.npz
# RUN: neurofuse run %s --model flag --process step --steps 40 --drive c.x=%t.x.npy --drive c.y=%t.y.npy --record c.a,c.b,c.c,c.d,c.e,c.g --out %t.exact.npz
# RUN: /usr/bin/python3 -c "import numpy as np; f = np.load('%t.jit.npz'); e = np.load('%t.exact.npz'); print('differ', sorted(k for k in f if not np.array_equal(f[k], e[k])))" | FileCheck %s --check-prefix=DIFFER
# Step 0 against NumPy: fma as the exact product plus the addend rounded once
# (binary64 holds x*y exactly and rounds the sum; the binary32 rounding that
# follows agrees unless the binary64 sum lands on a binary32 midpoint).
# RUN: /usr/bin/python3 -c "import numpy as np; f = np.load('%t.jit.npz'); x = np.load('%t.x.npy')[0].astype(np.float64); y = np.load('%t.y.npy')[0].astype(np.float64); fma = lambda a, b, c: (a * b + c).astype(np.float32); r = np.float32(1) / np.float32(3); ok = [np.array_equal(f['c.a'][0], fma(x, y, 0.5)), np.array_equal(f['c.b'][0], fma(x, y, -0.5)), np.array_equal(f['c.c'][0], fma(-x, y, 0.5)), np.array_equal(f['c.d'][0], np.full((1, 64), np.float32(0.5) * r)), np.array_equal(f['c.g'][0], fma(x, y, 0.125))]; print('step 0', ok)" | FileCheck %s --check-prefix=NUMPY
# NUMPY: step 0 [True, True, True, True, True]
# RUN: not neurofuse run %s --model flag --precision quick --process step --steps 1 2>&1 | FileCheck %s --check-prefix=BADFLAG
# RUN: not neurofuse check %s --model bad 2>&1 | FileCheck %s --check-prefix=BADMODEL
# Per process: fast:step makes `step` fast and leaves `other` exact, from the
# command line or from the model; a process the model lacks is an error with
# a suggestion (and the model text's location).
# RUN: neurofuse ir %s --model two --precision fast:step | FileCheck %s --check-prefix=SOME
# RUN: neurofuse ir %s --model two --precision fast:step | sed 1d > %t.some.nfir
# RUN: neurofuse ir %s --model asks_some | sed 1d > %t.asks_some.nfir
# RUN: cmp %t.some.nfir %t.asks_some.nfir
# RUN: neurofuse ir %s --model two --precision fast:step,other | FileCheck %s --check-prefix=BOTH
# RUN: not neurofuse ir %s --model two --precision fast:stpe 2>&1 | FileCheck %s --check-prefix=BADPROCESS
# RUN: not neurofuse ir %s --model two --precision fast:initialize 2>&1 | FileCheck %s --check-prefix=BADINIT
# RUN: not neurofuse ir %s --model two --precision fast: 2>&1 | FileCheck %s --check-prefix=EMPTY
# RUN: not neurofuse check %s --model asks_missing 2>&1 | FileCheck %s --check-prefix=BADMODELPROCESS
#
# a = v + x*y -> fma(x, y, v); b = x*y - v -> fma(x, y, -v); c = v - x*y ->
# fma(-x, y, v); d = v / k (k one element) -> v * (1 / k); e = m + m*2 with
# m = x*y used twice: m stays a multiplication and m*2 contracts (3m, the
# exact result either way); g = x*y + v*w contracts the left product.
# FAST-LABEL: process step {
# FAST: [[V:%[0-9]+]] = read c.v
# FAST-NEXT: [[X:%[0-9]+]] = read c.x
# FAST-NEXT: [[Y:%[0-9]+]] = read c.y
# FAST-NEXT: [[A:%[0-9]+]] = fma [[X]], [[Y]], [[V]]
# FAST-NEXT: write c.a, [[A]]
# FAST-NEXT: [[X:%[0-9]+]] = read c.x
# FAST-NEXT: [[Y:%[0-9]+]] = read c.y
# FAST-NEXT: [[V:%[0-9]+]] = read c.v
# FAST-NEXT: [[NV:%[0-9]+]] = neg [[V]]
# FAST-NEXT: [[B:%[0-9]+]] = fma [[X]], [[Y]], [[NV]]
# FAST-NEXT: write c.b, [[B]]
# FAST-NEXT: [[V:%[0-9]+]] = read c.v
# FAST-NEXT: [[X:%[0-9]+]] = read c.x
# FAST-NEXT: [[Y:%[0-9]+]] = read c.y
# FAST-NEXT: [[NX:%[0-9]+]] = neg [[X]]
# FAST-NEXT: [[C:%[0-9]+]] = fma [[NX]], [[Y]], [[V]]
# FAST-NEXT: write c.c, [[C]]
# FAST-NEXT: [[V:%[0-9]+]] = read c.v
# FAST-NEXT: [[K:%[0-9]+]] = read c.k : f32[1,1]
# FAST-NEXT: [[ONE:%[0-9]+]] = const 1 : f32[]
# FAST-NEXT: [[R:%[0-9]+]] = div [[ONE]], [[K]] : f32[1,1]
# FAST-NEXT: [[D:%[0-9]+]] = mul [[V]], [[R]]
# FAST-NEXT: write c.d, [[D]]
# FAST: [[M:%[0-9]+]] = mul
# FAST-NEXT: [[TWO:%[0-9]+]] = const 2
# FAST-NEXT: [[E:%[0-9]+]] = fma [[M]], [[TWO]], [[M]]
# FAST-NEXT: write c.e, [[E]]
# FAST-NEXT: [[X:%[0-9]+]] = read c.x
# FAST-NEXT: [[Y:%[0-9]+]] = read c.y
# FAST-NEXT: [[V:%[0-9]+]] = read c.v
# FAST-NEXT: [[W:%[0-9]+]] = read c.w
# FAST-NEXT: [[VW:%[0-9]+]] = mul [[V]], [[W]]
# FAST-NEXT: [[G:%[0-9]+]] = fma [[X]], [[Y]], [[VW]]
# FAST-NEXT: write c.g, [[G]]
# FAST-LABEL: }
# EXACT-NOT: fma
# INIT-NOT: fma
# DIFFER: differ ['c.a', 'c.b', 'c.c', 'c.d', 'c.g']
# BADFLAG: unknown precision 'quick' (choose exact, fast, or fast:PROCESS,... for some processes)
# BADMODEL: precision.nf:[[@LINE+58]]:15: error: unknown precision 'quick'
# SOME-LABEL: process step {
# SOME: fma
# SOME-LABEL: process other {
# SOME-NOT: fma
# SOME: }
# BOTH-LABEL: process step {
# BOTH: fma
# BOTH-LABEL: process other {
# BOTH: fma
# BADPROCESS: fast precision names process 'stpe', which the model does not have; did you mean 'step'?
# BADINIT: the initialize process is always exact
# EMPTY: precision 'fast:' has an empty process name
# BADMODELPROCESS: precision.nf:[[@LINE+64]]:15: error: fast precision names process 'evlove', which the model does not have

component Contractions {
  param n = 64
  input x[1, n] = 0
  input y[1, n] = 0
  state v[1, n] = 0.5
  state w[1, n] = 0.25
  state k[1, 1] = 3.0
  state a[1, n] = 0
  state b[1, n] = 0
  state c[1, n] = 0
  state d[1, n] = 0
  state e[1, n] = 0
  state g[1, n] = 0
  def initialize() {
    v = v + x * y
  }
  def step() {
    a = v + x * y
    b = x * y - v
    c = v - x * y
    d = v / k
    m = x * y
    e = m + m * 2.0
    g = x * y + v * w
    v = v * 0.5 + a * 0.25
  }
  def other() {
    a = v + x * y
  }
}

model flag {
  c = Contractions()
  process step = c.step
}

model asks {
  precision = "fast"
  c = Contractions()
  process step = c.step
}

model bad {
  precision = "quick"
  c = Contractions()
  process step = c.step
}

model two {
  c = Contractions()
  process step = c.step
  process other = c.other
}

model asks_some {
  precision = "fast:step"
  c = Contractions()
  process step = c.step
  process other = c.other
}

model asks_missing {
  precision = "fast:evlove"
  c = Contractions()
  process step = c.step
}
