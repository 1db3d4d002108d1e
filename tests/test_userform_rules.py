"""Rules that settle user-form soak configurations once inconclusive or failed, and the bugs they must not hide.

Configurations of the user-form soak (``benchmarks/userforms.py``), with its
oracle (mpmath or ``np.longdouble``) as truth, never this project's gradient
code; every rule is also tried on planted errors that it must leave visible.

* a blind real screen measured again at longer steps (:func:`gradcheck.longer.longer_step`);
* a Richardson value outside the one-sided bracket (:func:`gradcheck.secondopinion._straddled`);
* a miss that shrinks when the same code runs wider (:func:`gradcheck.references._shrinks`);
* a screen of the widest run, its rounding measured from the run one precision narrower
  (:func:`gradcheck.excess.code_rounding`);
* the evaluation budget of directional mode (:meth:`gradcheck.opinions.Checker.budget_spent`).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from gradcheck import check_gradients
from gradcheck import numeric as nm
from gradcheck.references import ROUNDING_CAP, SHRINK_CAP, _shrinks
from gradcheck.secondopinion import KINK_WIDTH, _straddled

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import userforms as uf  # noqa: E402


def _run(index: int, grad=None, **options):
    form = uf.random_form(index)
    loss, user_grad, params = uf.build(form)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        rep = check_gradients(loss, grad or user_grad, params, seed=index, name_bugs=False, **options)
    return rep, user_grad, form


def _largest(truth, name):
    t = truth.grad[name]
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(t))), t.shape))


def _not_passed(rep, name):
    return rep.status != "pass" and any(t.name == name and t.status != "pass" for t in rep.tensors)


# ------------------------------------------------------------------ Richardson outside the one-sided bracket
def _richardson(value, left, right, error=1e-12):
    return nm.Estimate(value, error, "richardson", left=left, right=right, slope_error=1e-12)


def test_richardson_inside_the_bracket_is_judged_as_usual():
    assert _straddled(1.0, _richardson(1.0005, 1.0, 1.001), 1e-8) is None


def test_richardson_outside_a_narrow_bracket_around_g_is_a_kink():
    # slopes 0.2% apart around g; the extrapolation across the kinks lands 10% away
    assert _straddled(-1.0, _richardson(-1.1, -1.001, -0.999), 1e-8) == "kink"
    assert 0.002 < KINK_WIDTH


def test_richardson_outside_a_wide_bracket_around_g_is_inconclusive():
    # 7819's W1[13, 21]: slopes 2.8% apart, g between them; an error of 1% would hide in that
    g = -1.852461508633496e-07
    est = _richardson(-2.0795944867529535e-07, -1.903830006211506e-07, -1.8510273249914642e-07)
    assert _straddled(g, est, 3.45e-4 * 1.85e-7 * 1e-3) == "inconclusive"


def test_an_entry_one_percent_off_a_narrow_bracket_is_not_excused():
    # the bracket of the kink case above, g moved by 1%: outside it, judged as usual (and so failed)
    assert _straddled(-1.01, _richardson(-1.1, -1.001, -0.999), 1e-8) is None
    assert _straddled(-0.99, _richardson(-1.1, -1.001, -0.999), 1e-8) is None


def test_soak_7819_is_no_longer_failed_and_a_planted_error_still_is():
    # float32 ReLU net at weights 0.0015 behind float(): Richardson crosses kinks at every step
    rep, grad, form = _run(7819)
    assert rep.status != "fail", rep.notes
    truth = uf.oracle(form)
    where = _largest(truth, "W1")
    planted, _, _ = _run(7819, uf.plant(grad, "W1", where, 1e-2))
    assert planted.status == "fail"
    assert any(t.name == "W1" and t.status == "fail" and t.worst_index == where for t in planted.tensors)
    # the kink-bracketed entry itself, 1% off: never passed
    off, _, _ = _run(7819, uf.plant(grad, "b1", (21,), 1e-2))
    assert _not_passed(off, "b1")


# ------------------------------------------------------------------ a miss that shrinks with precision
def test_a_miss_that_shrinks_with_precision_is_rounding():
    best = nm.Estimate(-2.9337451842133284e-17, 2e-33, "complex-extended")
    # 986's W1[1, 24]: float64 code off 5.9e-7, the same code at np.longdouble off 2.1e-7
    assert _shrinks(-2.93374692258345e-17, -2.933745808103939e-17, best, 2.93e-17)


def test_a_bug_misses_alike_at_every_precision():
    best = nm.Estimate(1.0, 1e-15, "complex-extended")
    assert not _shrinks(1.0 + 1e-6, 1.0 + 0.9e-6, best, 1.0)  # the same miss, 10% of it rounding
    assert not _shrinks(1.02, 1.01, best, 1.0)  # shrinks, but 1% is no rounding
    assert not _shrinks(1.0 + 8e-3, 1.0 + 2e-3, best, 1.0)  # 457: 0.2% left at np.longdouble hides a 0.1% bug
    assert SHRINK_CAP < ROUNDING_CAP
    coarse = nm.Estimate(1.0, 1e-7, "richardson")
    assert not _shrinks(1.0 + 1e-6, 1.0 + 1e-8, coarse, 1.0)  # the numeric side does not resolve the wide miss


def test_soak_986_passes_on_the_shrinking_miss_and_its_plants_do_not():
    rep, grad, form = _run(986)
    assert rep.status == "pass", rep.notes
    assert any("float64 rounding" in n for n in rep.notes)
    truth = uf.oracle(form)
    for name in ("W1", "W2"):
        planted, _, _ = _run(986, uf.plant(grad, name, _largest(truth, name), 1e-2))
        assert _not_passed(planted, name)


# ------------------------------------------------------------------ a screen of the widest run
@pytest.mark.parametrize("index", [170, 1961])
def test_screen_of_the_widest_run_is_measured_from_the_narrower_one(index):
    # 170: float64 BCE with log(p + 1e-8) over saturated tanh/ReLU units (extended twin);
    # 1961: float32 MSE of tanh outputs whose float32 gradient rounds to 0 everywhere (np.longdouble run)
    rep, _, _ = _run(index)
    assert rep.status == "pass", rep.notes


@pytest.mark.parametrize(("name", "delta"), [("W1", 1e-2), ("W1", 1e-4), ("W2", 1e-3)])
def test_plants_behind_the_widest_run_still_fail(name, delta):
    truth = uf.oracle(uf.random_form(170))
    where = _largest(truth, name)
    _, grad, _ = _run(170)
    planted, _, _ = _run(170, uf.plant(grad, name, where, delta))
    assert planted.status == "fail"
    assert any(t.name == name and t.status == "fail" and t.worst_index == where for t in planted.tensors)


# ------------------------------------------------------------------ longer steps for blind screens
@pytest.mark.parametrize("index", [1090, 8010])
def test_blind_screen_resolved_at_a_longer_step(index):
    # float()-cast MSE losses whose b1 screen was blind at the loss's noise
    rep, _, _ = _run(index)
    assert rep.status == "pass", rep.notes
    assert any("b1: its screen, blind at the loss's noise, was measured again" in n for n in rep.notes)


def _scaled(grad, name, factor):
    def scaled(p):
        g = grad(p)
        return {**g, name: g[name] * factor}

    return scaled


@pytest.mark.parametrize("index", [1090, 8010])
@pytest.mark.parametrize("factor", [1.01, 1.1, -1.0])
def test_longer_step_does_not_pass_a_wrong_tensor(index, factor):
    _, grad, _ = _run(index)
    rep, _, _ = _run(index, _scaled(grad, "b1", factor))
    assert _not_passed(rep, "b1")


def test_a_tensor_half_again_too_large_is_not_passed_by_a_coarse_screen():
    # b1 x 1.5 lifts sum |g_i v_i| above the blind screen's tolerance (90% of it): a screen that is
    # not blind passes, and the entries it could not vouch for are checked one by one (gradcheck.reach)
    _, grad, _ = _run(1090)
    rep, _, _ = _run(1090, _scaled(grad, "b1", 1.5))
    assert _not_passed(rep, "b1")


@pytest.mark.parametrize("index", [1090, 8010])
def test_longer_step_does_not_pass_its_largest_entry_one_percent_off(index):
    truth = uf.oracle(uf.random_form(index))
    _, grad, _ = _run(index)
    rep, _, _ = _run(index, uf.plant(grad, "b1", _largest(truth, "b1"), 1e-2))
    assert _not_passed(rep, "b1")


# ------------------------------------------------------------------ the evaluation budget
def test_budget_spent_leaves_a_planted_error_inconclusive_never_passed(monkeypatch):
    import gradcheck.check as check_module

    truth = uf.oracle(uf.random_form(170))
    _, grad, _ = _run(170)
    bad = uf.plant(grad, "W1", _largest(truth, "W1"), 1e-2)
    monkeypatch.setattr(check_module, "EVALUATION_BUDGET", 1)
    rep, _, _ = _run(170, bad)
    assert rep.status == "inconclusive"
    stopped = [n for n in rep.notes if "stopped looking further after 1 loss evaluations" in n]
    assert len(stopped) == 1


def test_a_tensor_checked_after_the_budget_ran_out_gets_its_own_share():
    # 8-50-1 ReLU at weights of 0.005, a float32 BCE with log(p + 1e-8) behind float(), saturated: the kinks
    # of W1, b1, W2 took 1,904 of the 2,000 evaluations, and the output bias was left inconclusive with 2
    form = uf.random_form(5281)
    truth = uf.oracle(form)
    assert uf.correct_by_construction(form, truth)
    _, grad, params = uf.build(form)
    wide = grad({k: v.astype(np.float64) for k, v in params.items()})
    # the same gradient code at float64 is the derivative (the float32 run rounds p (1 - p) to 0)
    for name, t in truth.grad.items():
        assert np.max(np.abs(wide[name] - t)) <= 1e-9 * np.max(np.abs(truth.grad["b2"]))
    rep, _, _ = _run(5281)
    assert rep.status == "pass", rep.summary()
    assert any("stopped looking further after 2,000" in n for n in rep.notes)  # the budget did run out
    assert rep.tensor("b2").evaluations > 2


def test_full_mode_has_no_budget(monkeypatch):
    import gradcheck.check as check_module

    monkeypatch.setattr(check_module, "EVALUATION_BUDGET", 1)
    rep, _, _ = _run(1090, mode="full")
    assert rep.status == "pass"
    assert not any("stopped looking further" in n for n in rep.notes)
