"""ngclearn's neurocog lessons (examples/lessons/lessons.py) against the
numbers a float32 NumPy transcription of ngclearn's source gives
(reference.json, made by make_reference.py): spike counts and steps, final
values to the bit, and digests of whole voltage and recovery traces.

    PYTHONPATH=build/python /usr/bin/python3 -m pytest tests/lessons -q
"""
import json
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "examples", "lessons"))

import lessons  # noqa: E402

with open(os.path.join(HERE, "reference.json")) as f:
    REFERENCE = json.load(f)


def test_every_lesson_has_a_reference():
    assert sorted(REFERENCE) == sorted(lessons.LESSONS)


@pytest.mark.parametrize("lesson", sorted(lessons.LESSONS))
def test_lesson_matches_the_transcription(lesson, tmp_path):
    traces, numbers = lessons.run(lesson)
    # Python floats hold the float32 values exactly, so == is bit equality.
    assert numbers == REFERENCE[lesson]
    lessons.draw(lesson, traces, str(tmp_path / (lesson + ".png")))
    assert (tmp_path / (lesson + ".png")).stat().st_size > 10000
