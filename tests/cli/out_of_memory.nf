# Running out of memory is an error that says what needed the memory, not
# "error: std::bad_alloc" (here under a 2.5 GB address-space limit).
# RUN: not bash -c "ulimit -v 2500000; neurofuse run %s --backend interp --process advance --steps 1" 2>&1 | FileCheck %s --check-prefix=STATE
# RUN: not bash -c "ulimit -v 2500000; neurofuse run %s --process advance --steps 1" 2>&1 | FileCheck %s --check-prefix=BLOCK
# RUN: not bash -c "ulimit -v 2500000; neurofuse run %S/../../examples/ir/spiking_trace.nfir --backend interp --process advance --steps 1000000000 --record z1.v" 2>&1 | FileCheck %s --check-prefix=RECORD
# STATE: error: neurofuse run ran out of memory (the model's state, its recordings or a file it read needs more than this process can allocate)
# BLOCK: error: out of memory for a state of 36000000896 bytes
# RECORD: error: --record z1.v: out of memory: the recordings of 1000000000 steps need 12000000000 bytes; record fewer compartments
model m {
  z = LIFCell(n_units=1000000000, tau_m=10.0)
  process advance = z.advance_state
}
