# Schedules: processes that run at some steps only. Before steps 0, 3, 6 an
# episode starts (reset), after steps 2, 5 a window ends (evolve, after that
# step's record), once before the run a setup (after the reset: processes
# scheduled at one step run in the order given); the same on every backend,
# byte for byte, and their errors name the option.
# RUN: neurofuse run %s --process advance --every-start 3:reset --before setup --every 3:evolve --steps 7 --record c.n,c.evolved,c.t_seen --dt 0.5 | FileCheck %s
# RUN: neurofuse run %s --process advance --every-start 3:reset --before setup --every 3:evolve --steps 7 --record c.n,c.evolved,c.t_seen --out %t.jit.npz
# RUN: neurofuse run %s --backend interp --process advance --every-start 3:reset --before setup --every 3:evolve --steps 7 --record c.n,c.evolved,c.t_seen --out %t.interp.npz
# RUN: neurofuse run %s --backend aot --process advance --every-start 3:reset --before setup --every 3:evolve --steps 7 --record c.n,c.evolved,c.t_seen --out %t.aot.npz
# RUN: cmp %t.jit.npz %t.interp.npz
# RUN: cmp %t.jit.npz %t.aot.npz
# RUN: not neurofuse run %s --process advance --every 0:evolve 2>&1 | FileCheck %s --check-prefix=ZERO
# RUN: not neurofuse run %s --process advance --every evolve 2>&1 | FileCheck %s --check-prefix=FORM
# RUN: not neurofuse run %s --process advance --every 3:evolv 2>&1 | FileCheck %s --check-prefix=NAME
# CHECK: step,t,c.n[0],c.evolved[0],c.t_seen[0]
# CHECK-NEXT: 0,0,101,0,0
# CHECK-NEXT: 1,0.5,102,0,0
# CHECK-NEXT: 2,1,103,0,0
# CHECK-NEXT: 3,1.5,1,103,1
# CHECK-NEXT: 4,2,2,103,1
# CHECK-NEXT: 5,2.5,3,103,1
# CHECK-NEXT: 6,3,1,106,2.5
# ZERO: error: option --every: the period must be a positive number of steps, got '0:evolve'
# FORM: error: option --every expects N:PROCESS[,PROCESS...], got 'evolve'
# NAME: error: {{.*}}schedule.nf' has no process 'evolv'; did you mean 'evolve'?
component Counter {
  state n[1, 1] = 0
  state evolved[1, 1] = 0
  state t_seen[1, 1] = 0   # the t that the last evolve saw
  def setup() {
    n = 100
  }
  def advance_state() {
    n = n + 1
  }
  def evolve(t) {
    evolved = evolved + n
    t_seen = t
  }
  def reset() {
    n = 0
  }
}
model m {
  c = Counter()
  process setup = c.setup
  process advance = c.advance_state
  process evolve = c.evolve
  process reset = c.reset
}
