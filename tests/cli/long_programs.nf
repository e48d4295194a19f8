# Long programs are run and compiled, not stack overflows: a 200,000-node
# .nfir chain crashed while its nodes were freed; a valid method of 30,000
# statements that the interpreter ran crashed the compiler (each statement
# deepened one fused expression). Fused expressions are now stored every 256
# operations, with the same bits. a fresh cache folder keeps the compile real.
# RUN: /usr/bin/python3 -c "print('compartment c.x : f32[1,4] state = 1\nprocess p {\n  %v0 = read c.x : f32[1,4]'); [print(f'  %v{i} = neg %v{i-1} : f32[1,4]') for i in range(1, 200000)]; print('  write c.x, %v199999\n}')" > %t.chain.nfir
# RUN: neurofuse check %t.chain.nfir | FileCheck %s --check-prefix=CHAIN
# RUN: neurofuse run %t.chain.nfir --backend interp --process p --steps 1 --record c.x | FileCheck %s --check-prefix=NEG
# RUN: /usr/bin/python3 -c "print('component C {\n  state x = 0\n  state y = 0\n  def step() {'); [print('    x = x + 1\n    y = y * 0.5 + x') for i in range(15000)]; print('  }\n}\nmodel m {\n  c = C()\n  process p = c.step\n}')" > %t.long.nf
# RUN: NEUROFUSE_CACHE_DIR=%t.cache neurofuse run %t.long.nf --process p --steps 3 --record c.x,c.y | FileCheck %s --check-prefix=LONG
# RUN: neurofuse run %t.long.nf --backend interp --process p --steps 3 --record c.x,c.y | FileCheck %s --check-prefix=LONG
# f64 parameter arithmetic is never stored: a chain deeper than 2,000 is refused by the compiler, with the reason.
# RUN: /usr/bin/python3 -c "print('component C {\n  param p = 2.0\n  state x = 0\n  def step() {\n    a = p'); [print('    a = a * 1.0001') for i in range(2100)]; print('    x = x + a\n  }\n}\nmodel m {\n  c = C()\n  process step = c.step\n}')" > %t.params.nf
# RUN: not neurofuse run %t.params.nf --process step --steps 1 2>&1 | FileCheck %s --check-prefix=PARAMS
# PARAMS: error: a value computed from parameters alone is more than 2000 operations deep
# CHAIN: p 200001 operations
# NEG: 0,0,-1,-1,-1,-1
# LONG: step,t,c.x[0],c.y[0]
# LONG-NEXT: 0,0,15000,29998
# LONG-NEXT: 1,1,30000,59998
# LONG-NEXT: 2,2,45000,89998
