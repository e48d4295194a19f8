# Hostile files are refused before they cost memory or time.
# A deflate bomb: 1 MiB of zip that inflates to 1 GiB under the name of a
# compartment of 2 floats. Loading it took seconds and gigabytes; entries are
# now checked by name and declared size before they are inflated, so the load
# fails at once (here under a 2 GiB address-space limit).
# RUN: /usr/bin/python3 -c "import zipfile; z = zipfile.ZipFile('%t.bomb.npz', 'w', zipfile.ZIP_DEFLATED); f = z.open('z.v.npy', 'w', force_zip64=True); [f.write(bytes(1 << 24)) for _ in range(64)]; f.close(); z.close()"
# RUN: not bash -c "ulimit -v 2000000; neurofuse run %s --process advance --steps 1 --load-state %t.bomb.npz" 2>&1 | FileCheck %s --check-prefix=BOMB
# RUN: not bash -c "ulimit -v 2000000; neurofuse run %s --backend interp --process advance --steps 1 --load-state %t.bomb.npz" 2>&1 | FileCheck %s --check-prefix=BOMB
# BOMB: bomb.npz: entry 'z.v' declares 1073741824 bytes, more than its value can take (8 bytes of data)
# An unknown entry is refused by name, before its data is read:
# RUN: /usr/bin/python3 -c "import numpy as np; np.savez_compressed('%t.other.npz', **{'z.q': np.zeros((1, 2), np.float32)})"
# RUN: not neurofuse run %s --process advance --steps 1 --load-state %t.other.npz 2>&1 | FileCheck %s --check-prefix=UNKNOWN
# UNKNOWN: other.npz: entry 'z.q' is not a compartment or run-time parameter of this model
# Devices and FIFOs where a file is expected are refused, not read until
# memory runs out:
# RUN: not neurofuse check /dev/zero 2>&1 | FileCheck %s --check-prefix=DEVICE
# RUN: not neurofuse check /dev/zero.nfir 2>&1 | FileCheck %s --check-prefix=MISSING
# RUN: not neurofuse run %s --process advance --steps 1 --load-state /dev/zero 2>&1 | FileCheck %s --check-prefix=STATE
# RUN: not neurofuse run %s --process advance --steps 1 --drive z.j=/dev/zero 2>&1 | FileCheck %s --check-prefix=STATE
# RUN: ln -s /dev/zero %t.zero.npy && not neurofuse run %s --process advance --steps 1 --set z.v=%t.zero.npy 2>&1 | FileCheck %s --check-prefix=LINK
# RUN: /usr/bin/python3 -c "print('import \"/dev/zero\"\nmodel m {\n  z = LIFCell(n_units=1)\n  process a = z.advance_state\n}')" > %t.import.nf
# RUN: not neurofuse check %t.import.nf 2>&1 | FileCheck %s --check-prefix=IMPORT
# RUN: mkfifo %t.fifo && not neurofuse check %t.fifo 2>&1 | FileCheck %s --check-prefix=FIFO
# DEVICE: error: cannot read '/dev/zero': not a regular file
# MISSING: error: cannot read '/dev/zero.nfir': cannot open: No such file or directory
# STATE: /dev/zero: not a regular file
# IMPORT: import.nf:1:1: error: cannot read '/dev/zero': not a regular file
# IMPORT-NEXT: import "/dev/zero"
# IMPORT-NEXT: ^
# FIFO: fifo': not a regular file
# LINK: zero.npy: not a regular file
model m {
  z = LIFCell(n_units=2, tau_m=10.0)
  process advance = z.advance_state
}
