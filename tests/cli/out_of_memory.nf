# Running out of memory is an error that says what needed the memory, not
# "error: std::bad_alloc" (here under a 2.5 GB address-space limit).
# RUN: not bash -c "ulimit -v 2500000; neurofuse run %s --backend interp --process advance --steps 1" 2>&1 | FileCheck %s --check-prefix=STATE
# RUN: not bash -c "ulimit -v 2500000; neurofuse run %s --process advance --steps 1" 2>&1 | FileCheck %s --check-prefix=BLOCK
# Recordings spool to disk, so what they need is checked against the disk's
# free space before the first step.
# RUN: mkdir -p %t.dir
# RUN: not bash -c "ulimit -v 2500000; neurofuse run %S/../../examples/ir/spiking_trace.nfir --backend interp --process advance --steps 4611686018427387904 --record z1.v --out %t.dir/r.npz" 2>&1 | FileCheck %s --check-prefix=RECORD
# RUN: test -z "$(ls -A %t.dir)"
# STATE: error: neurofuse run ran out of memory (the model's state, its recordings or a file it read needs more than this process can allocate)
# BLOCK: error: out of memory for a state of 36000000896 bytes
# RECORD: error: --record: the recordings of 4611686018427387904 steps need {{.*}} bytes of disk (spooled, then archived), and '{{.*}}.dir' has {{.*}} free
model m {
  z = LIFCell(n_units=1000000000, tau_m=10.0)
  process advance = z.advance_state
}
