"""The short run that tests/exhibits/test_pcn.py checks: the exhibit's
process() on the first two mini-batches of Fashion-MNIST's training set (in
file order), from the initial state of examples/pcn/pcn.nf (seed 1234), in
neurofuse (examples/pcn/pcn.py's PCN) and in the NumPy transcription
(pcn_numpy.py). Shared by the test and make_pcn_reference.py."""
import hashlib
import os
import sys

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "examples", "pcn"))
sys.path.insert(0, os.path.join(ROOT, "examples", "fashion_mnist"))
import fmnist  # noqa: E402
import pcn  # noqa: E402
import pcn_numpy  # noqa: E402

BATCHES = 2
SEED = 1234
# compartments of the state after process(), by the transcription's names
COMPARED = {"q1z": "q1.z", "q2z": "q2.z", "q3z": "q3.z", "eq3_dmu": "eq3.dmu", "z1z": "z1.z", "z2z": "z2.z",
            "z1zF": "z1.zF", "z2zF": "z2.zF", "e1_dmu": "e1.dmu", "e2_dmu": "e2.dmu", "e3_dmu": "e3.dmu",
            "e3_mu": "e3.mu", "L1": "e1.L", "L2": "e2.L", "L3": "e3.L"}
for _k in (1, 2, 3):
    COMPARED.update({f"W{_k}": f"W{_k}.weights", f"b{_k}": f"W{_k}.biases", f"dW{_k}": f"W{_k}.dWeights",
                     f"db{_k}": f"W{_k}.dBiases"})


def batches():
    xtr, ytr, _, _ = fmnist.fashion_mnist()
    b = 250
    return [(xtr[i * b:(i + 1) * b], pcn.one_hot(ytr[i * b:(i + 1) * b])) for i in range(BATCHES)]


def parameters(state):
    """What the transcription needs from a state: weights, biases, Adam's."""
    p = {}
    for k in (1, 2, 3):
        p[f"W{k}"] = state[f"W{k}.weights"].copy()
        p[f"b{k}"] = state[f"W{k}.biases"].copy()
        p[f"opt{k}"] = tuple(state[f"W{k}.{c}"].copy() for c in ("g1_weights", "g2_weights", "g1_biases", "g2_biases")) \
            + (np.float32(state[f"W{k}.opt_params"]),)
    return p


def run_neurofuse(backend="jit", threads=1):
    """[(compared compartments after batch i, efe)] and the initial parameters."""
    net = pcn.PCN(seed=SEED, threads=threads, backend=backend)
    initial = parameters(net.state)
    out = []
    for x, y in batches():
        _, _, efe = net.process(x, y)
        out.append(({k: np.array(net.state[c], np.float32) for k, c in COMPARED.items()}, np.float32(efe)))
    return out, initial


def run_transcription(initial):
    """The transcription over the same batches, each from the last's parameters."""
    params = dict(initial)
    out = []
    for x, y in batches():
        r = pcn_numpy.process(params, x, y)
        out.append(({k: np.asarray(r[k], np.float32) for k in COMPARED}, np.float32(r["efe"])))
        params = {k: r[k] for k in ("W1", "W2", "W3", "b1", "b2", "b3", "opt1", "opt2", "opt3")}
    return out


def digest(a):
    a = np.ascontiguousarray(np.asarray(a, np.float32))
    return hashlib.sha256(str(a.shape).encode() + a.tobytes()).hexdigest()
