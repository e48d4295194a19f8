"""The DC-SNN exhibit (examples/dcsnn/dcsnn.nf, dcsnn_100) on two
Fashion-MNIST images against a float32 NumPy transcription of ngclearn's
source (dcsnn_numpy.py), bit for bit: the values make_dcsnn_reference.py
kept in dcsnn_reference.npz, on the draws neurofuse made (which must be the
kept ones), on the JIT and, for a shorter run, on the interpreter; and the
transcription against the kept values."""
import numpy as np
import pytest

import dcsnn_numpy
import make_dcsnn_reference as mk

INTERP_STEPS = 50     # steps an image on the interpreter (about 0.08 s a step)


def assert_equal_bits(got, want, steps=mk.T, names=mk.COMPARED, labels=("neurofuse", "transcription")):
    bad = [m for k in names for m in [mk.first_difference(k, got[k], want[k], steps, labels)] if m]
    if bad:
        pytest.fail("\n".join(bad))


@pytest.fixture(scope="module")
def kept():
    return mk.load()


@pytest.fixture(scope="module")
def jit_run():
    return mk.run_neurofuse("jit")


def test_draws_are_the_kept_ones(jit_run, kept):
    inputs, _ = kept
    for k in ("W1.initial", "z0.outputs", "z1e.s"):
        assert np.array_equal(mk.bits(jit_run[k]), mk.bits(inputs[k])), \
            f"neurofuse's {k} is not the one the reference was made from (its generator or the seed changed)"


def test_poisson_spikes_follow_the_image(jit_run):
    x = mk.images()
    assert np.array_equal(jit_run["z0.inputs"], x)
    spikes = jit_run["z0.outputs"].reshape(len(x), mk.T, -1)
    assert np.all((spikes == 0) | (spikes == 1))
    assert not np.any(spikes[np.broadcast_to((x == 0)[:, None, :], spikes.shape)]), "a pixel of intensity 0 spiked"
    # p = x * (dt / 1000) * 63.75 a step: the counts within 5 standard deviations
    p = x.astype(np.float64) * 0.06375
    mean, sd = mk.T * p.sum(axis=1), np.sqrt(mk.T * (p * (1 - p)).sum(axis=1))
    count = spikes.sum(axis=(1, 2))
    assert np.all(np.abs(count - mean) < 5 * sd), (count, mean, sd)


def test_one_spike_choice_is_one_of_the_crossings(jit_run):
    s, raw = jit_run["z1e.s"], jit_run["z1e.s_raw"]
    crossed = raw.sum(axis=1)
    assert np.all((s == 0) | (s == 1)) and np.all((raw == 0) | (raw == 1))
    assert np.array_equal(s.sum(axis=1), (crossed > 0).astype(np.float32)), "not one spike where a unit crossed"
    assert np.all(s <= raw), "a spike where no unit crossed"
    assert np.sum(crossed > 1) > 10, "the run never chose between crossings"


def test_static_weights(jit_run):
    n = mk.HIDDEN
    # DistributionGenerator.constant(-120., hollow=True): (1 - eye) * ary, -0 on the diagonal
    assert np.array_equal(mk.bits(jit_run["W1ie.weights"]),
                          mk.bits(dcsnn_numpy.constant_init(n, -120.0, hollow=True)))
    assert np.array_equal(mk.bits(jit_run["W1ei.weights"]), mk.bits(dcsnn_numpy.constant_init(n, 22.5, eye=True)))


def test_jit_equals_the_transcription(jit_run, kept):
    _, values = kept
    assert_equal_bits(jit_run, values)
    # the run did something: spikes in both layers, W1 learned and was normalized
    assert jit_run["z1e.s"].sum() > 10 and jit_run["z1i.s"].sum() > 10
    assert not np.array_equal(values["W1.steps"][0], jit_run["W1.initial"])
    assert np.allclose(np.abs(values["W1.norm"]).sum(axis=1), 78.4, rtol=1e-5)


def test_interp_equals_the_transcription(kept):
    inputs, values = kept
    k = INTERP_STEPS
    run = mk.run_neurofuse("interp", steps=k)
    # the first image's first steps draw as the JIT's did, and give the kept values
    first = slice(0, k)
    for name in ("z0.outputs", "z1e.s"):
        assert np.array_equal(mk.bits(run[name][first]), mk.bits(inputs[name][first])), name
    assert_equal_bits({n: run[n][first] for n in dcsnn_numpy.PER_STEP},
                      {n: values[n][first] for n in dcsnn_numpy.PER_STEP}, k, dcsnn_numpy.PER_STEP)
    # the whole short run (two images of k steps, each norm) against the
    # transcription on its draws
    assert_equal_bits(run, mk.transcribe(run, steps=k), k)


def test_400_units_equal_the_transcription():
    """dcsnn_400 (nothing kept for it): the transcription on its draws."""
    run = mk.run_neurofuse("jit", hidden=400)
    assert np.sum(run["z1e.s_raw"].sum(axis=1) > 1) > 10
    assert_equal_bits(run, mk.transcribe(run))


def test_transcription_reproduces_the_kept_values(kept):
    inputs, values = kept
    ref = mk.transcribe(inputs)
    assert_equal_bits(ref, values, names=mk.COMPARED + ("W1.scale",), labels=("transcription", "kept"))
