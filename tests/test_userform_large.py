"""The 335,114-parameter net written the way people write it, in ``auto`` mode.

784-256-256-256-10, tanh, batch 64, sigmoid outputs, textbook BCE with
``np.clip``, the loss returned through ``float()`` (no complex step), saturated
outputs (``benchmarks/userforms.py``). Its loss loses ~3 of float64's digits,
so a real screen through every tensor at once, every entry moved alike, is too
coarse to see one typical entry off by 1e-4 (its tolerance is ~1.8e-4 of such
an entry). One screen through every tensor, each moved as far as its own screen
would move it and extrapolated from five steps, sees each entry as the own
screens do (``tests/test_merged_screen.py``); where it trips, each tensor is
screened on its own. Ground truth is the planted entry, whose location is known
independently of the checker.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from gradcheck import check_gradients
from gradcheck.directional import REAL_REACH, GroupScreener, Screen, coarse

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import userforms as uf  # noqa: E402


@pytest.fixture(scope="module")
def net():
    loss, grad, params = uf.build(uf.large_form(335_114))
    return loss, grad, params, grad(params)


def _typical(g: np.ndarray) -> tuple[int, ...]:
    flat = np.abs(g).reshape(-1)
    j = int(np.argsort(flat, kind="stable")[flat.size // 2])
    return tuple(int(i) for i in np.unravel_index(j, g.shape))


def test_the_correct_large_user_form_net_passes_and_names_the_saturated_loss(net):
    loss, grad, params, _ = net
    report = check_gradients(loss, grad, params)
    assert report.status == "pass"
    assert any(d.code == "loss_ill_conditioned" for d in report.diagnoses)
    # one merged screen (10) after the loss's noise (12), where a screen per tensor took 32 more
    assert all(t.directional["tensors"] == list(params) for t in report.tensors)
    assert report.evaluations < 30


def test_one_typical_entry_off_by_1e4_is_caught_and_pinned_under_400_evaluations(net):
    loss, grad, params, g = net
    index = _typical(g["W2"])
    report = check_gradients(loss, uf.plant(grad, "W2", index, 1e-4), params, name_bugs=False)
    assert report.status == "fail"
    failing = [(t.name, t.worst_index) for t in report.tensors if t.status == "fail"]
    assert failing == [("W2", index)]
    assert report.evaluations < 400
    # the merged screen tripped: W2 was searched along its own screen
    assert [t.directional["tensors"] for t in report.tensors if t.name == "W2"] == [["W2"]]


def test_a_group_screen_too_coarse_for_a_typical_entry_names_the_tensor():
    g = {"big": np.full(100_000, 1.0), "small": np.full(10, 1.0)}
    group = GroupScreener.__new__(GroupScreener)
    group.names = tuple(g)
    group.g = np.concatenate(list(g.values()))
    group.v = np.ones_like(group.g)
    group.starts, group.sizes = {"big": 0, "small": 100_000}, {"big": 100_000, "small": 10}
    # a tolerance of 1e-3 sees an error of 1e-3 in one entry of size 1: coarser than REAL_REACH
    loose = Screen(True, 0.0, 0.0, 0.0, 1e-3, group.names, float(group.g.sum()))
    assert coarse(group, loose) == ["big", "small"]
    tight = Screen(True, 0.0, 0.0, 0.0, REAL_REACH / 2, group.names, float(group.g.sum()))
    assert coarse(group, tight) == []


def test_second_opinions_above_the_extended_limit_stay_in_float64(net):
    # one longdouble evaluation of this net costs ~70 float64 ones: the second opinions of a
    # dense bug (every W1 entry wrong) ran minutes on the extended twin
    from gradcheck import numeric as nm
    from gradcheck.opinions import EXTENDED_LIMIT, Checker
    from gradcheck.problem import Problem

    loss, grad, params, _ = net
    problem = Problem.create(loss, grad, params)
    assert problem.size > EXTENDED_LIMIT
    analytic = problem.analytic(problem.call_grad())
    ch = Checker(nm.Oracle(problem), "auto", 1.5e-8, analytic, [], lazy_noise=True)
    ch.measure_noise()
    assert ch.noisy
    assert ch.on_reference(lambda ref: ref.dtype) == np.float64


def test_the_largest_entry_off_by_1e5_is_caught_and_pinned(net):
    # 13 standard deviations of the loss's noise in the W2 screen (benchmarks/noise_userforms.py,
    # against np.longdouble re-evaluations); the typical entry's 1e-5 is 1.4 and is not asked for
    loss, grad, params, g = net
    index = tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(g["W2"]))), g["W2"].shape))
    report = check_gradients(loss, uf.plant(grad, "W2", index, 1e-5), params, name_bugs=False)
    failing = [(t.name, t.worst_index) for t in report.tensors if t.status == "fail"]
    assert failing == [("W2", index)]
    assert report.evaluations < 400
