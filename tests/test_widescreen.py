"""Tensors every entry of which the float64 gradient code rounds: judged against its np.longdouble run, whole.

Configurations of the user-form soak (benchmarks/userforms.py) with BCE written
``log(p + 1e-8)`` / ``log(1 - p + 1e-8)`` and outputs saturated at |z| ~ 14 to 25:
the user's ``p * (1 - p)`` rounds every entry by 1e-6 to 1e-4 of itself in
float64, every screen trips, and the search checked entries one by one until
the check's 2,000 evaluations were spent (inconclusive; 365 s for one net).
The oracle (mpmath at 50 digits, or np.longdouble) confirms the user's gradient;
a planted error is in both runs of the user's code and must still fail, pinned.
"""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from gradcheck import check_gradients

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import soak_userforms as soak  # noqa: E402
import userforms as uf  # noqa: E402

#: 8347: 7-36-4-1 sigmoid, ReLU, one sample at |z| = 24.6 (was inconclusive, 2,105 evaluations);
#: 723: 2-220-204-62-1 sigmoid, tanh, ReLU, 64 samples at |z| = 14.4, 55,000 parameters
#: (was inconclusive, 2,056 evaluations: the complex step inherits the loss's cancellation
#: there, and the screen is measured again in extended precision).
DENSE_ROUNDING = [8347, 723]


def _run(index: int, delta: float | None = None):
    form = uf.random_form(index)
    loss, grad, params = uf.build(form)
    truth = uf.oracle(form)
    where = soak.pick_entry(truth.grad, np.random.default_rng(index))
    if delta is not None:
        grad = uf.plant(grad, *where, delta)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        report = check_gradients(loss, grad, params, seed=index, name_bugs=False)
    return form, truth, where, report


@pytest.mark.parametrize("index", DENSE_ROUNDING)
def test_a_correct_net_whose_code_rounds_every_entry_passes_within_budget(index):
    form, truth, _, report = _run(index)
    assert form.head == "bce_eps" and not form.cast and form.saturate
    assert uf.correct_by_construction(form, truth)
    _, grad, params = uf.build(form)
    gap = soak.oracle_gap(grad(params), truth.grad)
    assert 1e-9 < gap and soak.code_gap(grad, params, truth.grad) < gap / 100  # float64 rounding, per the oracle
    assert report.status == "pass", report.summary()
    assert report.evaluations < 400
    note = next(n for n in report.notes if "float64 rounding" in n)
    counted = re.search(r"W1 \((\d+)\)", note)
    assert counted and 0 < int(counted.group(1)) <= form.sizes[0] * form.sizes[1]  # never more entries than W1 has


@pytest.mark.parametrize("index", DENSE_ROUNDING)
@pytest.mark.parametrize("delta", [1e-2, 1e-4])
def test_a_planted_error_on_the_same_net_is_still_caught_and_pinned(index, delta):
    _, _, (name, entry), report = _run(index, delta)
    assert report.status == "fail", report.summary()
    assert report.tensor(name).status == "fail" and report.tensor(name).worst_index == entry


#: 458: 6-65-195-216-1 tanh, tanh, sigmoid, BCE with np.clip at |z| = 16.6 (``1 - p`` ~ 6e-8); 5309:
#: 13-180-228-145-4 sigmoids at |z| = 20, 256 samples. The user's code is right to 1e-10 (its
#: np.longdouble run agrees), but the complex step inherits ``log(1 - p)``'s cancellation, ~1e-9 of each
#: screen, far above its few-ulp tolerance: every screen tripped and the searches spent 1,713 and 2,086
#: evaluations (292 s) to end inconclusive. In np.clongdouble the same screens agree with the gradient.
INHERITED_CANCELLATION = [458, 5309]


@pytest.mark.parametrize("index", INHERITED_CANCELLATION)
def test_a_screen_tripped_by_the_loss_cancellation_is_measured_again_in_extended_precision(index):
    form, truth, _, report = _run(index)
    assert form.head == "bce_clip" and not form.cast and uf.correct_by_construction(form, truth)
    assert report.status == "pass", report.summary()
    assert report.evaluations < 200
    assert any("np.clongdouble" in n for n in report.notes)


@pytest.mark.parametrize("index", INHERITED_CANCELLATION[:1])  # (5309's planted check takes 15 s)
def test_a_planted_error_behind_the_inherited_cancellation_does_not_pass(index):
    _, _, (name, entry), report = _run(index, 1e-2)
    assert report.status != "pass", report.summary()
    assert report.tensor(name).status != "pass"
