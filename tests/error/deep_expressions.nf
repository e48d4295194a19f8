# Expressions deep enough to overflow the stack (7,000 nested parentheses,
# a 5,000-term sum, 10,000 minus signs) crashed check; they are located errors.
# RUN: /usr/bin/python3 -c "print('model m {\n  z = LIFCell(n_units=1, tau_m=' + '(' * 7000 + '10.0' + ')' * 7000 + ')\n  process a = z.advance_state\n}')" > %t.parens.nf
# RUN: not neurofuse check %t.parens.nf 2>&1 | FileCheck %s --check-prefix=PARENS
# RUN: /usr/bin/python3 -c "print('component C {\n  state x = 0\n  def step() {\n    x = ' + ' + '.join(['x'] * 5000) + '\n  }\n}\nmodel m {\n  c = C()\n  process p = c.step\n}')" > %t.sum.nf
# RUN: not neurofuse check %t.sum.nf 2>&1 | FileCheck %s --check-prefix=SUM
# RUN: /usr/bin/python3 -c "print('component C {\n  state x = 0\n  def step() {\n    x = ' + '-' * 10000 + 'x\n  }\n}\nmodel m {\n  c = C()\n  process p = c.step\n}')" > %t.signs.nf
# RUN: not neurofuse check %t.signs.nf 2>&1 | FileCheck %s --check-prefix=SIGNS
# A 1,000-term sum is fine:
# RUN: /usr/bin/python3 -c "print('component C {\n  state x = 0\n  def step() {\n    x = ' + ' + '.join(['x'] * 1000) + '\n  }\n}\nmodel m {\n  c = C()\n  process p = c.step\n}')" > %t.ok.nf
# RUN: neurofuse check %t.ok.nf | FileCheck %s --check-prefix=OK
# PARENS: parens.nf:2:{{[0-9]+}}: error: the expression nests too deeply (more than 200 levels of parentheses, calls or signs)
# SUM: sum.nf:4:{{[0-9]+}}: error: the expression is more than 1000 operations deep; split it with local names
# SIGNS: signs.nf:4:{{[0-9]+}}: error: the expression nests too deeply
# OK: model m: ok
