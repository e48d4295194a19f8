"""ngclearn's neurocog lessons (examples/lessons/lessons.py) against the
numbers a float32 NumPy transcription of ngclearn's source gives
(reference.json, made by make_reference.py): spike counts and steps, final
values to the bit, and digests of whole voltage and recovery traces.

    PYTHONPATH=build/python /usr/bin/python3 -m pytest tests/lessons -q
"""
import json
import os
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "examples", "lessons"))

import lessons  # noqa: E402

with open(os.path.join(HERE, "reference.json")) as f:
    REFERENCE = json.load(f)


def test_every_lesson_has_a_reference():
    # Lessons driven by random draws are checked against transcriptions run
    # on the draws (below); the others against reference.json.
    assert sorted(REFERENCE) == sorted(set(lessons.LESSONS) - {"short_term_plasticity", "traces", "input_cells"})


def test_hebbian_prints_the_lessons_table():
    """The walkthrough prints Wab = 1, 2, 4, 4, 4, 8."""
    assert lessons.run("hebbian")[1]["weights"] == [1.0, 2.0, 4.0, 4.0, 4.0, 8.0]


def test_error_cell_prints_the_lessons_table():
    """The lesson states its output: dmu [2, -2, 0], dtarget [-2, 2, -0], L -4 at every step."""
    _, numbers = lessons.run("error_cell")
    for row in numbers["steps"]:
        assert row == {"dmu": [2.0, -2.0, 0.0], "dtarget": [-2.0, 2.0, -0.0], "L": -4.0}
    assert numbers["dtarget_signbits"] == [True, False, True]


sys.path.insert(0, HERE)
import make_reference  # noqa: E402


def _poisson_rate_ok(spikes, rate_hz, dt_ms):
    """The fraction of 1s is the Poisson encoder's p = rate * dt / 1000,
    within 5 standard deviations."""
    p, n = rate_hz * dt_ms / 1000.0, spikes.size
    return abs(spikes.mean() - p) <= 5 * np.sqrt(p * (1 - p) / n)


@pytest.mark.parametrize("lesson", sorted(lessons.LESSONS))
def test_lesson_matches_the_transcription(lesson, tmp_path):
    traces, numbers = lessons.run(lesson)
    if lesson == "dynamic_synapses":
        # The E/I circuit's inputs are random draws: the transcription runs
        # on the spikes this run drew, and the draws are checked for rate.
        ei = traces["ei"]
        assert _poisson_rate_ok(ei["pre_exc"], 10.0, 0.1) and _poisson_rate_ok(ei["pre_inh"], 10.0, 0.1)
        want = make_reference.ei_circuit(ei["pre_exc"], ei["pre_inh"])
        got = numbers.pop("ei_circuit")
        assert {k: got[k] for k in want} == want
    if lesson == "short_term_plasticity":
        for k, (resources, tau_f, tau_d) in make_reference.STP_SETTINGS.items():
            pre, rate = traces[k]["pre"], lessons.STP_SYSTEMS[k][1]
            assert _poisson_rate_ok(pre, rate, 1.0), k
            want = make_reference.stp_system(pre, resources, tau_f, tau_d)
            got = numbers.pop(k)
            assert {key: got[key] for key in want} == want, k
    if lesson == "traces":
        assert _poisson_rate_ok(traces["s"], 0.35 * 63.75, 1.0)
        want = make_reference.var_traces(traces["s"])
        assert {k: numbers[k] for k in want} == want
        numbers = {}
    if lesson == "input_cells":
        # Bernoulli: each unit's count is Binomial(100, p); p = 0 never fires.
        for count, p in zip(numbers["bernoulli_counts"], lessons.BERNOULLI_PROBS):
            assert abs(count - 100 * p) <= 5 * np.sqrt(100 * p * (1 - p)), (count, p)
        # Poisson: 10 units x 30 trials x 1,000 steps, each a 1 with p = 63.75 / 1000.
        n, p, total = 10 * 30 * 1000, 63.75 / 1000, numbers["lesson_mean_count"] * 30
        assert abs(total - n * p) <= 5 * np.sqrt(n * p * (1 - p)), total
        numbers = {}
    # Python floats hold the float32 values exactly, so == is bit equality.
    assert numbers == REFERENCE.get(lesson, {})
    lessons.draw(lesson, traces, str(tmp_path / (lesson + ".png")))
    if lesson not in ("error_cell", "hebbian"):  # a printed table, no figure
        assert (tmp_path / (lesson + ".png")).stat().st_size > 10000
