"""float32 user forms: no entry off by 1e-2 passes in ``auto`` (benchmarks/power_userforms.py's misses).

Ground truth is the oracle of ``benchmarks/userforms.py`` (mpmath or
``np.longdouble``), never this project's gradient code.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

from gradcheck import check_gradients
from gradcheck.compare import WEAK, judge

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import soak_userforms as soak  # noqa: E402
import userforms as uf  # noqa: E402


def _check(index: int, plant: float | None):
    form = uf.random_form(index)
    truth = uf.oracle(form)
    loss, grad, params = uf.build(form)
    name, entry = soak.pick_entry(truth.grad, np.random.default_rng(index))
    bad = uf.plant(grad, name, entry, plant) if plant else grad
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return check_gradients(loss, bad, params, seed=index, name_bugs=False), name, entry


def test_a_weak_pass_is_flagged():
    # tolerance 1.3% of the entry: an entry off by 1% would pass like this
    jd = judge([1.01], [1.0], [0.0026], rtol=3.45e-4, floor=0.0)
    assert jd.ok[0] and jd.weak[0]
    sharp = judge([1.0 + 1e-5], [1.0], [1e-6], rtol=3.45e-4, floor=0.0)
    assert not sharp.weak[0]
    assert WEAK < 1e-2


def test_float32_entry_off_by_1e2_behind_a_coarse_estimate_is_not_passed():
    # 4-7-2-1 ReLU, log(p + 1e-8) BCE saturated (loss 1.8e-7), float() cast: the W1 entry's
    # Richardson estimate carries a 0.26% error bar; the entry x1.01 passed within it
    report, name, entry = _check(20009, 1e-2)
    assert report.tensor(name).status != "pass", report.summary()
    correct, _, _ = _check(20009, None)
    assert correct.status == "pass", correct.summary()


def test_float32_entry_the_float32_loss_cannot_resolve_is_judged_on_its_float64_twin():
    # 2-20-91-7-1 (tanh, ReLU, ReLU), weights 0.0047, clipped BCE, float() cast: the W1 entry is
    # 7.7e-8 (0.58 of its tensor's largest), computed by the float32 code to 1e-5 of itself; the
    # float32 loss resolves nothing below 3.5e-5, the float64 twin resolves it to 0.07%
    report, name, entry = _check(20024, 1e-2)
    assert report.tensor(name).status == "fail" and report.tensor(name).worst_index == entry, report.summary()
    correct, _, _ = _check(20024, None)
    assert correct.status == "pass", correct.summary()


def test_float32_entry_judged_by_the_complex_step_keeps_its_shown_rounding():
    # 1-14-2-4 sigmoid, softmax CE, weights 0.0012: b1[6] is -8.3e-9, the largest of its tensor but
    # 1.7e-7 of the gradient's largest; the complex step (on the float64 twin) resolves it, the
    # float32 code computes it to 1e-6 of itself, and x1.01 passed against ANALYTIC_ULPS of the
    # gradient's largest entry (1.3e-10, 1.5% of it)
    report, name, entry = _check(30136, 1e-2)
    assert (name, entry) == ("b1", (6,))
    assert report.tensor(name).status == "fail" and report.tensor(name).worst_index == entry, report.summary()
    correct, _, _ = _check(30136, None)
    assert correct.status == "pass", correct.summary()


def test_float32_net_whose_float64_twin_cancels_is_screened_one_precision_wider():
    # 2-230-209-1 tanh, weights x5.6 (saturated), log(p + 1e-8) BCE, batch 256, 49,179 parameters: the
    # float64 twin's complex step inherits the loss's cancellation and its combined screen tripped on
    # every tensor; the searches and second opinions that followed spent 5,264 evaluations (121 s)
    form = uf.random_form(2992)
    assert form.dtype == "float32" and form.n_params == 49_179
    loss, grad, params = uf.build(form)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        report = check_gradients(loss, grad, params, seed=2992, name_bugs=False)
    assert report.status == "pass", report.summary()
    assert report.evaluations < 1_000, report.evaluations
