"""Losses built on np.abs / np.where / np.sign (benchmarks/absforms.py): the generator, and the checker on them.

A Huber or smooth-L1 loss written with ``np.where(np.abs(r) <= d, ...)`` gives
the complex step only the residuals of its quadratic branch (``np.abs`` of a
complex residual is its modulus): wrong, with no warning. At weights of 1e-3
the directional derivative the combined probe compares is ~1e-9, and a real
difference at a 16th of the probe's step carried an error bar as large as the
value, covering both the complex step and the gradient: it was taken as
agreement, the complex step trusted, and every tensor of a correct gradient
failed. The two nets below are such configurations (both failed before); truth
is the 50-digit mpmath gradient of ``absforms.oracle``.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from gradcheck import check_gradients

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import absforms as af  # noqa: E402
import soak_absforms as soak  # noqa: E402
import userforms as uf  # noqa: E402

HUBER = af.AbsForm((4, 11, 4, 1, 2), "sigmoid", "huber", "float64", 32, 0.0023295, 0.5, 1.0, False, 95112)
SMOOTH_L1 = af.AbsForm((2, 2, 14, 28, 3), "sigmoid", "smooth_l1", "float64", 2, 0.0012903, 0.1, 0.1, True, 95000)
#: ReLU units within a step of their kinks (the noise table reads them as noise), the complex step wrong by 40%
#: along the probe's direction, and the per-entry probe's real estimates with error bars six times the entries
RELU_HUBER = af.AbsForm((5, 10, 4, 19, 1), "relu", "huber", "float64", 32, 0.008752976443409067, 1.0, 1.0, True, 90215)


def _check(loss, grad, params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return check_gradients(loss, grad, params, name_bugs=False)


@pytest.mark.parametrize("i", [0, 3, 7, 11])
def test_the_users_gradient_is_the_exact_one(i):
    form = af.random_form(i)
    _, grad, params = af.build(form)
    assert af.correct(form, grad(params), af.oracle(form)), form.label


@pytest.mark.parametrize("form", [HUBER, SMOOTH_L1], ids=["huber", "smooth_l1"])
def test_a_complex_step_corrupted_by_abs_is_not_trusted_on_a_coarse_real_difference(form):
    loss, grad, params = af.build(form)
    assert af.correct(form, grad(params), af.oracle(form))
    report = _check(loss, grad, params)
    assert report.status != "fail", report.summary()
    assert any("complex step not used" in note for note in report.notes), report.notes


@pytest.mark.parametrize("form", [HUBER, SMOOTH_L1], ids=["huber", "smooth_l1"])
def test_a_planted_bug_in_the_same_nets_is_caught_and_pinned(form):
    loss, grad, params = af.build(form)
    truth = af.oracle(form)
    name = "b4"  # the last bias: the largest entries of these nets
    j = int(np.argmax(np.abs(truth[name])))
    report = _check(loss, af.plant(grad, name, (j,), factor=1.01), params)
    assert report.status == "fail", report.summary()
    assert {t.name: t.status for t in report.tensors}[name] == "fail"
    assert {t.name: tuple(t.worst_index) for t in report.tensors}[name] == (j,)


def test_a_gradient_that_drops_the_linear_branch_like_the_complex_step_is_failed():
    """The bug the corrupted complex step mirrors (the Huber gradient without its linear branch) fails."""
    form = HUBER
    loss, _, params = af.build(form)
    _, X, Y = af.data(form)
    r_branch = {}

    def bad(p):
        a = X
        layers = len(form.sizes) - 1
        acts = []
        for k in range(1, layers + 1):
            z = a @ p[f"W{k}"] + p[f"b{k}"]
            acts.append(a)
            a = 1 / (1 + np.exp(-z)) if k < layers else z
        r = a - Y
        dz = np.where(np.abs(r) <= form.delta, r, 0.0) / r.size
        g = {}
        for k in range(layers, 0, -1):
            g[f"W{k}"], g[f"b{k}"] = acts[k - 1].T @ dz, dz.sum(axis=0)
            if k > 1:
                s = acts[k - 1]
                dz = (dz @ p[f"W{k}"].T) * s * (1 - s)
        r_branch["outer"] = int(np.sum(np.abs(r) > form.delta))
        return g

    report = _check(loss, bad, params)
    assert r_branch["outer"] > 0  # some residuals in the linear branch: the bug matters
    assert report.status == "fail", report.summary()


def test_the_soak_runs_a_configuration_and_reports_it():
    rows = [soak.check_one(i, plant_every=1) for i in (2, 5)]
    assert all(r["correct"] and r["status"] in ("pass", "kink", "inconclusive", "fail") for r in rows)
    planted = [p for r in rows for p in r.get("planted", [])]
    assert planted and all(p["status"] == "fail" for p in planted if p["kind"] in ("x2", "sign"))
    summary = soak.summarize(rows)
    assert sum(summary["clear"].values()) + sum(summary["near"].values()) == 2
    assert "| planted |" in soak.render(summary, 1.0, "test")
    moved = [{**rows[0], "status": "fail"}, rows[1]]
    assert soak.compare(moved, rows).count("\n") == 3  # header, rule, the one configuration that changed


def test_a_complex_step_refuted_along_the_direction_is_not_rescued_by_unresolved_entries():
    loss, grad, params = af.build(RELU_HUBER)
    assert af.correct(RELU_HUBER, grad(params), af.oracle(RELU_HUBER))
    report = _check(loss, grad, params)
    assert report.status != "fail", report.summary()
    assert any("complex step not used" in n and "one-sided differences" in n for n in report.notes), report.notes
    # and a real bug there is still seen: the whole gradient twice what it is
    doubled = _check(loss, af.plant(grad, whole=2.0), params)
    assert doubled.status == "fail", doubled.summary()


def test_a_saturated_loss_whose_real_differences_all_miss_keeps_the_complex_step():
    """Cancellation spoils every real difference alike (they agree with each other and miss the complex
    step); the extended twin's differences move to the complex step, so it is not refuted."""
    form = uf.random_form(170)  # bce_eps, an output saturated at |z| = 25
    loss, grad, params = uf.build(form)[:3]
    report = _check(loss, grad, params)
    assert report.status == "pass", report.summary()
    assert not any("complex step not used" in n for n in report.notes), report.notes
