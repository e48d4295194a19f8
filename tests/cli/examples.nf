# The example models check, run and render (the demo's path, shorter).
# RUN: neurofuse check %root/examples/spiking/poisson_lif.nf | FileCheck %s
# RUN: /usr/bin/python3 -c "import numpy as np; np.save('%t.intensity.npy', np.ones((30, 1, 16), np.float32))"
# RUN: neurofuse run %root/examples/spiking/poisson_lif.nf --process advance --steps 30 --drive z0.inputs=%t.intensity.npy --record z0.outputs,z1.s,tr.trace --out %t.npz
# RUN: /usr/bin/python3 %root/examples/spiking/raster.py %t.npz | FileCheck %s --check-prefix=RASTER
# RUN: neurofuse run %root/examples/spiking/poisson_lif.nf --backend interp --process advance --steps 30 --drive z0.inputs=%t.intensity.npy --record z0.outputs,z1.s,tr.trace --out %t.interp.npz
# RUN: cmp %t.npz %t.interp.npz
# CHECK: model poisson_lif: ok
# CHECK: z1.v f32[1,4] state
# CHECK: advance
# RASTER: t  Poisson input (16)   LIF (4)  trace of LIF unit 0
# RASTER: 29 {{[.|]+}}   {{[.*]+}}
# RASTER-NEXT: input spikes: {{[1-9][0-9]*}}, LIF spikes per unit: {{\[[0-9]+, [0-9]+, [0-9]+, [0-9]+\]}}
