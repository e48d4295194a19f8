"""Makes tests/exhibits/pcn_reference.json: the NumPy transcription of the
PCN exhibit's process() (pcn_numpy.py) over pcn_case.py's two mini-batches,
from the initial parameters of a neurofuse state of examples/pcn/pcn.nf.
Kept are SHA-256 digests of the initial parameters and of every compared
array after each batch, and the small arrays' values (the predictions, the
energies), so a change of the transcription, of the initial draws or of
neurofuse is seen as such.

  PYTHONPATH=build/python python3 tests/exhibits/make_pcn_reference.py
"""
import json
import os

import numpy as np

import pcn_case

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    import neurofuse as nf
    state = nf.compile(os.path.join(pcn_case.ROOT, "examples", "pcn", "pcn.nf"), model="pcn").state(pcn_case.SEED)
    initial = pcn_case.parameters(state)
    ref = {"initial": {k: pcn_case.digest(initial[k]) for k in ("W1", "W2", "W3", "b1", "b2", "b3")}, "batches": []}
    for values, efe in pcn_case.run_transcription(initial):
        ref["batches"].append({
            "digests": {k: pcn_case.digest(v) for k, v in values.items()},
            "efe": float(efe),
            "L": [float(values[k]) for k in ("L1", "L2", "L3")],
            "q3z_first_rows": values["q3z"][:4].tolist(),
            "b3": values["b3"].ravel().tolist(),
        })
    with open(os.path.join(HERE, "pcn_reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
