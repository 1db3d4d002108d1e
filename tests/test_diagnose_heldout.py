"""Student-style backprop with one to three bugs, through the public API.

``heldout_backprop.py`` (first batch) and ``heldout_backprop2.py`` (second batch,
written after the diagnosis was final, newer layers too). Each buggy implementation
must fail with every planted bug named in the best explanation; each correct one must
pass with no diagnosis.
"""

import pytest
from heldout_backprop import CASES as FIRST
from heldout_backprop2 import CASES as SECOND

from gradcheck import GradientShapeError, check_gradients

CASES = {**FIRST, **SECOND}


def _report(loss, grad, params):
    try:
        return check_gradients(loss, grad, params)
    except GradientShapeError as exc:
        return exc.report


@pytest.mark.parametrize("name", [n for n, (_, codes) in CASES.items() if codes])
def test_every_bug_is_named(name):
    build, codes = CASES[name]
    report = _report(*build())
    best = [d for d in report.diagnoses if d.evidence.get("explanation") == 1]
    assert report.status == "fail"
    assert set(codes) <= {d.code for d in best}, [(d.code, d.tensor, d.confidence) for d in report.diagnoses]
    assert len(best) <= len(codes) + 1  # no padding with made-up bugs
    assert all(0 < d.confidence <= 1 for d in report.diagnoses)


@pytest.mark.parametrize("name", [n for n, (_, codes) in CASES.items() if not codes])
def test_correct_code_passes_without_a_diagnosis(name):
    build, _ = CASES[name]
    report = _report(*build())
    assert report.passed and report.diagnoses == ()
