"""Configurations of the user-form soak (benchmarks/userforms.py) that once ended badly, with the oracle as truth.

Each case is a correct net written as a user writes it; the oracle (mpmath at
50 digits, or ``np.longdouble``) confirms the user's gradient, never this
project's gradient code. Each fix is paired with a planted error on the same
net, so that no fix opens a hole: one entry off by 1e-2 (or 1e-3) relative, on
an entry real differences of the loss as written can resolve, still fails and
is pinned to its entry.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from gradcheck import check_gradients

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import soak_userforms as soak  # noqa: E402
import userforms as uf  # noqa: E402

#: 20261: tanh, tanh, ReLU, BCE with ``np.clip`` returned through ``float()``, one sample whose logit is
#: 23 (``p = 1 - 8e-11``): the float64 loss keeps 6 of its digits, its extended twin moves in stairs
#: that a difference table along the entry reads as flat, and Richardson values 6e-5 off with an
#: error bar of 1e-20 failed entries the oracle confirms to 1e-6.
CANCELLING_TWIN = [20261]
#: 1450: ReLU, tanh, sigmoid, 95,678 parameters, softmax CE of one confident sample behind ``float()`` (loss
#: 2.8e-8, its float64 value in stairs of 1e-16): above the extended-precision limit its noise was measured
#: by the quick table alone, which reads such stairs as quiet; Richardson values 3e-5 off with error bars
#: of 1e-18 failed W1 and W2 entries the oracle confirms to 1e-9 of the largest.
QUIET_STAIRS = [1450]
#: ReLU nets at small weights over a batch, ``float()`` cast (real screens only): units within 1e-4 to 6e-3
#: of their largest from zero are crossed by a screen's steps through a whole tensor; no entry is wrong,
#: the search found none, and the screen's excess was left unexplained (inconclusive). At smaller steps
#: along the same direction the screen resolves the gradient.
KINKS_IN_SCREENS = [20201, 20529]
#: 20037 (ReLU, softmax CE, float32, N=256) and 20435 (sigmoid, ReLU, sigmoid, BCE with clip): a tensor's
#: screen tripped, both halves passed and added up to it (the search's account of a trip within the three
#: measurements' errors), nothing was checked, and the tensor was left inconclusive without a reason.
ACCOUNTED_BY_HALVES = [20037, 20435]
#: 20124: ReLU then sigmoid units, BCE with ``log(p + 1e-8)``, float32, one sample, outputs saturated at
#: |z| ~ 15: the float64 run of the user's code (which the screens judge) rounds ``p (1 - p)`` in every
#: entry far beyond a screen's few ulps; no entry is wrong, and the screens' excess was left unexplained.
#: The same code at np.longdouble measures that rounding.
CODE_ROUNDING = [20124]
#: 20499, 20564: float32 nets with saturated outputs behind ``float()``: the float64 twin of the loss is
#: itself noisy (``log(1 - p + 1e-8)`` at |z| ~ 16 to 24), so second opinions there carried error bars of
#: ~0.3% and the entries the float32 code rounds by 4% stayed unresolved (inconclusive); they go on to
#: the loss at np.longdouble (nets up to DEEPER_LIMIT parameters).
DEEPER_TWIN = [20499, 20564]


def _run(index: int, grad=None):
    form = uf.random_form(index)
    loss, user_grad, params = uf.build(form)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # exp overflow in the user's sigmoid, as users see it
        report = check_gradients(loss, grad or user_grad, params, seed=index, name_bugs=False)
    return form, loss, user_grad, params, report


def _confirmed_correct(form, grad, params) -> None:
    """The oracle: the configuration is correct code, the user's gradient its derivative to float64 rounding.

    A float32 form's code is run on its parameters cast to float64 (the same
    point): float32 rounding of a saturated net is its only error, and may be 100%.
    """
    truth = uf.oracle(form)
    assert uf.correct_by_construction(form, truth)
    g = grad({k: v.astype(np.float64) for k, v in params.items()})
    top = max(float(np.max(np.abs(t))) for t in truth.grad.values())
    for name, t in truth.grad.items():
        assert np.max(np.abs(g[name] - t)) <= 1e-5 * top, name


def _caught_and_pinned(index: int, delta: float) -> None:
    """One typical entry (as the soak draws it) off by ``delta`` relative: ``fail``, pinned to that entry."""
    form = uf.random_form(index)
    truth = uf.oracle(form)
    name, entry = soak.pick_entry(truth.grad, np.random.default_rng(index))
    _, user_grad, _ = uf.build(form)
    *_, report = _run(index, uf.plant(user_grad, name, entry, delta))
    assert report.status == "fail", report.summary()
    assert report.tensor(name).status == "fail" and report.tensor(name).worst_index == entry


@pytest.mark.parametrize("index", CANCELLING_TWIN + QUIET_STAIRS)
def test_a_correct_saturated_float_cast_loss_is_not_failed(index):
    form, _, grad, params, report = _run(index)
    _confirmed_correct(form, grad, params)
    assert report.status in ("pass", "inconclusive"), report.summary()


@pytest.mark.parametrize("index", CANCELLING_TWIN + QUIET_STAIRS)
def test_a_planted_1e2_error_on_the_same_saturated_net_is_caught_and_pinned(index):
    _caught_and_pinned(index, 1e-2)


@pytest.mark.parametrize("index", KINKS_IN_SCREENS + ACCOUNTED_BY_HALVES)
def test_kinks_crossed_by_a_screen_do_not_leave_a_correct_relu_net_inconclusive(index):
    form, _, grad, params, report = _run(index)
    _confirmed_correct(form, grad, params)
    assert "relu" in form.hidden and form.cast
    assert report.status in ("pass", "kink"), report.summary()
    assert "no entry of it was checked" not in " ".join(report.notes)


@pytest.mark.parametrize("index", KINKS_IN_SCREENS + ACCOUNTED_BY_HALVES)
@pytest.mark.parametrize("delta", [1e-2, 1e-3])
def test_a_planted_error_on_the_same_relu_net_is_still_caught_and_pinned(index, delta):
    _caught_and_pinned(index, delta)


@pytest.mark.parametrize("index", CODE_ROUNDING + DEEPER_TWIN)
def test_a_screen_off_by_the_gradient_codes_own_rounding_does_not_leave_it_inconclusive(index):
    form, _, grad, params, report = _run(index)
    _confirmed_correct(form, grad, params)
    assert form.dtype == "float32"
    assert report.status == "pass", report.summary()


@pytest.mark.parametrize("index", CODE_ROUNDING + DEEPER_TWIN)
@pytest.mark.parametrize("delta", [1e-2, 1e-3])
def test_a_planted_error_on_the_same_rounding_net_is_still_caught_and_pinned(index, delta):
    _caught_and_pinned(index, delta)


#: 502, 4441: float32 nets whose units saturate at |z| ~ 15 to 25: ``1 - tanh(z)**2`` is 0 in the
#: user's float32 code and in its float64 run alike (and at |z| ~ 25 at np.longdouble too), where the
#: derivatives are 1e-29 to 4e-16. The float64 run "agreeing" with the float32 one had lowered those
#: entries' floor to nothing, and the complex step's 1e-22 left them unresolved (inconclusive). The
#: widest run that differs measures the code's rounding; an entry 0 in every run measures nothing.
ROUNDED_EVERYWHERE = [502, 4441]


def _confirmed_correct_at_longdouble(form, grad, params) -> None:
    """The oracle against the user's own code at np.longdouble (the same formula, 2**40 finer than float32)."""
    truth = uf.oracle(form)
    assert uf.correct_by_construction(form, truth)
    g = grad({k: v.astype(np.longdouble) for k, v in params.items()})
    top = max(float(np.max(np.abs(t))) for t in truth.grad.values())
    for name, t in truth.grad.items():
        assert np.max(np.abs(np.asarray(g[name], np.float64) - t)) <= 1e-5 * top, name


@pytest.mark.parametrize("index", ROUNDED_EVERYWHERE)
def test_float32_entries_every_run_rounds_do_not_leave_a_correct_net_inconclusive(index):
    form, _, grad, params, report = _run(index)
    _confirmed_correct_at_longdouble(form, grad, params)
    assert form.dtype == "float32"
    assert report.status == "pass", report.summary()


@pytest.mark.parametrize("index", ROUNDED_EVERYWHERE)
@pytest.mark.parametrize("delta", [1e-2, 1e-3])
def test_a_planted_error_on_the_same_saturated_float32_net_is_still_caught_and_pinned(index, delta):
    """On the entry the float32 code does compute (the largest: the soak's draw lands on entries rounded to 0)."""
    form = uf.random_form(index)
    _, user_grad, params = uf.build(form)
    g = user_grad(params)
    name = max(g, key=lambda n: float(np.max(np.abs(g[n]))))
    entry = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(g[name])), g[name].shape))
    *_, report = _run(index, uf.plant(user_grad, name, entry, delta))
    assert report.status == "fail", report.summary()
    assert report.tensor(name).status == "fail" and report.tensor(name).worst_index == entry
