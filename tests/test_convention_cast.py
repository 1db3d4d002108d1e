"""``relu'(0) = 0`` at units exactly 0 behind a ``float()`` cast: verified through the cast, ``kink`` and not ``fail``.

Configurations of ``benchmarks/convforms.py`` (ReLU or leaky-ReLU nets with zero
biases beside zero inputs, the loss returned through ``float()``, the user's
backward with ``(z > 0)``) whose exact gradient lies outside its exact one-sided
slopes at some entry (the convention composed over two layers): the mpmath
oracle of that module says so, never this project's gradient code. Such a loss
refuses the complex step, so the convention (:mod:`gradcheck.convention`) was
never verified and these correct nets failed; it is now measured with the
complex step through the cast (:mod:`gradcheck.castscreen`). Planted errors on
the convention entry still fail, pinned to it.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from gradcheck import check_gradients

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import convforms as cf  # noqa: E402

#: float()-cast convention configurations (``soak_convforms.py``), failed before.
CASES = [12, 97, 238]


def _check(index: int, grad=None):
    form = cf.random_form(index)
    loss, user_grad, params = cf.build(form)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        report = check_gradients(loss, grad or user_grad, params, seed=index, name_bugs=False)
    return form, user_grad, params, report


def _convention_entry(form, params):
    """The oracle's convention entry with the largest share of its tensor (as the soak plants it)."""
    truth = cf.oracle(form)

    def share(e):
        t = np.abs(truth.grad[e[0]])
        return float(t.reshape(-1)[e[1]] / t.max())

    name, j = max(truth.convention, key=share)
    return truth, name, np.unravel_index(j, params[name].shape), j


@pytest.mark.parametrize("index", CASES)
def test_a_correct_float_cast_net_at_the_convention_is_kink(index):
    form, grad, params, report = _check(index)
    truth = cf.oracle(form)
    assert form.cast
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert cf.classify(grad(params), truth) == "convention"  # exact, and outside its slopes somewhere
    assert report.status == "kink", report.summary()
    assert any("kink by convention" in n for n in report.notes)


@pytest.mark.parametrize("index", CASES)
def test_planted_errors_on_the_convention_entry_still_fail_pinned(index):
    form, grad, params, _ = _check(index)
    truth, name, index_, j = _convention_entry(form, params)
    value = float(truth.grad[name].reshape(-1)[j])
    lo, hi = sorted(truth.sides[(name, j)])
    tried = 0
    for factor in (2.0, 1.01, -1.0):
        if lo <= value * factor <= hi:
            continue  # (a valid subgradient there: no bug)
        report = _check(index, cf.plant(grad, name, index_, factor))[3]
        assert report.status == "fail", (factor, report.summary())
        failed = report.tensor(name)
        assert failed.status == "fail" and tuple(failed.worst_index) == tuple(int(i) for i in index_), factor
        tried += 1
    assert tried >= 2
    if form.batch > 1:  # (a missing 1/N of one sample is no bug)
        assert _check(index, cf.scaled(grad, form.batch))[3].status == "fail"
