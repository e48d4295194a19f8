"""The PCN exhibit (examples/pcn) on two mini-batches against a float32 NumPy
transcription of ngclearn's source (pcn_numpy.py), bit for bit, and the
transcription against the digests make_pcn_reference.py kept."""
import json
import os

import numpy as np
import pytest

import pcn_case

HERE = os.path.dirname(os.path.abspath(__file__))


def ulps(a, b):
    ia = a.view(np.int32).astype(np.int64)
    ib = b.view(np.int32).astype(np.int64)
    ia = np.where(ia < 0, -(ia & 0x7FFFFFFF), ia)
    ib = np.where(ib < 0, -(ib & 0x7FFFFFFF), ib)
    return np.abs(ia - ib)


def assert_same(name, got, want):
    got = np.ascontiguousarray(got, np.float32).reshape(want.shape)
    if np.array_equal(got.view(np.uint32), want.view(np.uint32)):
        return
    diff = np.flatnonzero(got.view(np.uint32).ravel() != want.view(np.uint32).ravel())
    i = diff[0]
    pytest.fail(f"{name}: {len(diff)} of {got.size} elements differ; first at flat index {i}: "
                f"{got.ravel()[i]!r} vs {want.ravel()[i]!r} ({ulps(got.ravel()[i:i + 1], want.ravel()[i:i + 1])[0]} ulp); "
                f"max {ulps(got.ravel(), want.ravel()).max()} ulp")


@pytest.fixture(scope="module")
def runs():
    nf_out, initial = pcn_case.run_neurofuse()
    return nf_out, initial, pcn_case.run_transcription(initial)


def test_neurofuse_equals_the_transcription(runs):
    nf_out, _, ref = runs
    for b, ((got, efe), (want, want_efe)) in enumerate(zip(nf_out, ref)):
        for k in pcn_case.COMPARED:
            assert_same(f"batch {b} {k}", got[k], want[k])
        assert_same(f"batch {b} EFE", np.float32(efe), np.float32(want_efe))
    # the run learned something and the predictions are not trivial
    assert not np.array_equal(nf_out[1][0]["W1"], runs[1]["W1"])
    assert np.unique(np.argmax(nf_out[0][0]["q3z"], axis=1)).size > 1


def test_transcription_equals_the_kept_reference(runs):
    _, initial, ref = runs
    with open(os.path.join(HERE, "pcn_reference.json")) as f:
        kept = json.load(f)
    for k, d in kept["initial"].items():
        assert pcn_case.digest(initial[k]) == d, f"the initial {k} is not the one the reference was made from"
    for b, ((values, efe), want) in enumerate(zip(ref, kept["batches"])):
        for k, d in want["digests"].items():
            assert pcn_case.digest(values[k]) == d, f"batch {b}: the transcription's {k} changed"
        assert float(efe) == want["efe"]
        assert [float(values[k]) for k in ("L1", "L2", "L3")] == want["L"]


def test_two_threads_and_the_interpreter_agree():
    """The projection and one E-step on the interpreter, and the whole batch on
    two threads, give the single-thread JIT's bits."""
    one = pcn_case.pcn.PCN(seed=pcn_case.SEED, threads=1, T=1)
    two = pcn_case.pcn.PCN(seed=pcn_case.SEED, threads=2, T=1)
    interp = pcn_case.pcn.PCN(seed=pcn_case.SEED, T=1, backend="interp")
    x, y = pcn_case.batches()[0]
    outs = [net.process(x, y) for net in (one, two, interp)]
    for name in ("W1.weights", "W2.weights", "W3.biases", "z1.z", "e2.dmu"):
        assert_same(f"two threads {name}", two.state[name], np.asarray(one.state[name]))
        assert_same(f"interpreter {name}", interp.state[name], np.asarray(one.state[name]))
    assert outs[0][2] == outs[1][2] == outs[2][2]
