"""Tensors whose whole gradient lies below the gradient code's rounding floor pass, named; bugs above it still fail.

Configurations of the user-form soak (benchmarks/userforms.py), with the oracle
(mpmath or ``np.longdouble``) as truth, never this project's gradient code.
Each entry is judged against a floor of ``ANALYTIC_ULPS`` ulps of the
gradient's largest entry (the gradient code rounds each entry relative to the
terms it sums). A directional screen through a tensor far below that floor
(a layer behind saturated units) was left ``inconclusive``: the complex step
saw an excess of 1e-60 that no entry accounted for, or a real screen could not
resolve it at all. The screen now gets the same floor, summed over the
direction, and names the tensor.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from gradcheck import check_gradients

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import userforms as uf  # noqa: E402

#: 857: ReLU, tanh, ReLU at weights ~7.8, tanh output with MSE (complex step): W2's gradient is 2.5e-60
#: exactly and 0 as the user's code computes it (``1 - a**2`` of saturated tanh units, 0 at every
#: precision); the net's largest entry is ~1e-7. 6330: the same shape of net, W2 at 9e-97.
COMPLEX_BELOW_FLOOR = [857, 6330]
#: 744: BCE with ``log(p + 1e-8)`` behind ``float()`` at weights ~7 (real screens): W1's gradient 5.5e-45,
#: within one entry's tolerance at the floor, and the loss's rounding over the step (4.7e-9) hides it: a
#: blind screen, once inconclusive. 3614: the same in float32 (softmax CE, W1 at 2e-58).
BLIND_BELOW_FLOOR = [744, 3614]
#: 6675 (softmax CE behind ``float()``, W1 at 6.6e-17) and 664 (b3 at 3.6e-21 of a gradient whose largest
#: entry is 0.08): below the floor, but not so far that a 1% error on them would pass one by one: a blind
#: screen there stays inconclusive, and a plant of 1% in 664's b3 is not passed.
BLIND_ABOVE_RULE = [6675, 664]


def _run(index: int, grad=None):
    form = uf.random_form(index)
    loss, user_grad, params = uf.build(form)
    truth = uf.oracle(form)
    assert uf.correct_by_construction(form, truth)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return truth, check_gradients(loss, grad or user_grad, params, seed=index, name_bugs=False), user_grad


@pytest.mark.parametrize("index", COMPLEX_BELOW_FLOOR + BLIND_BELOW_FLOOR)
def test_tensor_below_the_floor_passes_named(index):
    truth, rep, _ = _run(index)
    assert rep.status == "pass", rep.notes
    named = [n for n in rep.notes if "lies below the rounding of the gradient code" in n]
    assert named, rep.notes
    # the oracle agrees the tensor is negligible: under 64 ulps of the largest entry
    top = max(float(np.max(np.abs(t))) for t in truth.grad.values())
    for note in named:
        name = note.split(":")[0]
        assert float(np.max(np.abs(truth.grad[name]))) <= 64 * np.finfo(np.float64).eps * top


@pytest.mark.parametrize("index", COMPLEX_BELOW_FLOOR + BLIND_BELOW_FLOOR)
def test_error_above_the_floor_still_fails(index):
    truth, _, grad = _run(index)
    name = max(truth.grad, key=lambda n: float(np.max(np.abs(truth.grad[n]))))
    where = tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(truth.grad[name]))), truth.grad[name].shape))
    _, rep, _ = _run(index, uf.plant(grad, name, where, 1e-2))
    assert rep.status == "fail"
    assert any(t.name == name and t.status == "fail" and t.worst_index == where for t in rep.tensors)


@pytest.mark.parametrize("index", BLIND_ABOVE_RULE)
def test_blind_tensor_a_one_by_one_check_could_judge_stays_inconclusive(index):
    truth, rep, grad = _run(index)
    assert rep.status == "inconclusive"
    assert any("does not resolve this tensor's directional derivative" in n for n in rep.notes)
    if index == 664:
        _, planted, _ = _run(index, uf.plant(grad, "b3", (3,), 1e-2))
        assert planted.status != "pass"


#: 15: ReLU then sigmoid hidden layers (weights ~2.1, one sample), softmax CE: the sigmoid layer saturates, so
#: ``s * (1 - s)`` is 0 in float64 (and at np.longdouble) and the user's code returns exact zeros for W1, b1,
#: W2, b2, whose true gradient (the oracle's) is ~2e-20 against a largest entry of 0.98.
ZEROS_UNDER_ROUNDING = 15


def test_zeros_the_formula_rounds_to_stay_inconclusive_and_say_why():
    truth, rep, grad = _run(ZEROS_UNDER_ROUNDING)
    user = grad(uf.build(uf.random_form(ZEROS_UNDER_ROUNDING))[2])
    top = max(float(np.max(np.abs(t))) for t in truth.grad.values())
    hidden = [n for n in user if not np.any(user[n])]
    assert hidden  # the premise: exact zeros where the truth is not zero but far below the floor
    floor = 64 * np.finfo(np.float64).eps * top
    for n in hidden:  # under the floor, yet above one entry's tolerance there (rtol = sqrt(eps) times it)
        assert np.sqrt(np.finfo(np.float64).eps) * floor < float(np.max(np.abs(truth.grad[n]))) < floor
    # a gradient a bug left at zero would give the same numbers: never pass, and the note says so in numbers
    assert rep.status == "inconclusive"
    said = [n for n in rep.notes if "its gradient is exactly 0 over the" in n]
    assert said and {n.split(":")[0] for n in said} <= set(hidden)
    assert all("below the rounding of the gradient code" in n and "(tolerance 0)" not in n for n in said)
    assert not any("(tolerance 0)" in n for n in rep.notes)
