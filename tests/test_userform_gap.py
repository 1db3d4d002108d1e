"""The user-form soak's largest gap to the oracle is the rounding of the user's own formula, not a wrong net.

The soak once printed "largest |user - exact| over the largest exact entry: 24":
configuration 7681 (float32, tanh output over a saturated batch, ``1 - a**2``
in float32) and others like it. Ground truth is the oracle (mpmath at 50
digits or ``np.longdouble``), never this project's gradient code. The same user
code run at wider precision agrees with the oracle, so the generator's net is
correct; the checker passes it naming float32 rounding, and the same gradient
off by a real factor of that size fails.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

from gradcheck import check_gradients

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import soak_userforms as soak  # noqa: E402
import soak_userforms_report as soak_report  # noqa: E402
import userforms as uf  # noqa: E402

#: 2750: 11-7-4 tanh, tanh output with MSE behind float(), float32, N=2, outputs pushed to |z| ~ 9.7:
#: float32 tanh is within an ulp or two of 1, and the float32 ``1 - a**2`` is 5.5 times the exact
#: derivative's largest entry (mpmath oracle).
FLOAT32_SATURATED = 2750
#: 1: tanh output at |z| ~ 25 in float64: tanh is exactly +/-1 at float64 and at np.longdouble,
#: the user's ``1 - a**2`` is 0 at both, and the exact gradient is 1e-22 of the loss.
BELOW_ROUNDING = 1


def _user(index: int):
    form = uf.random_form(index)
    loss, grad, params = uf.build(form)
    truth = uf.oracle(form)
    assert uf.correct_by_construction(form, truth)
    return form, loss, grad, params, truth


def test_float32_gap_is_the_formulas_rounding_and_the_checker_says_so():
    form, loss, grad, params, truth = _user(FLOAT32_SATURATED)
    assert form.dtype == "float32" and truth.digits == uf.MP_DIGITS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        gap = soak.oracle_gap(grad(params), truth.grad)
        wide = soak.code_gap(grad, params, truth.grad)
        assert gap > 1.0  # the float32 gradient is off by more than its own largest entry
        assert wide < 1e-9  # the same formula at np.longdouble: the oracle, to its rounding
        row = {"oracle_gap": gap, "code_gap": wide}
        assert not soak_report.below_rounding(row) and wide * soak_report.SHRINK <= gap
        rep = check_gradients(loss, grad, params, seed=FLOAT32_SATURATED, name_bugs=False)
        assert rep.status == "pass"
        assert any("float32 rounding" in n and "float64 agrees" in n for n in rep.notes), rep.notes
        # a real error of the same size is not excused as rounding
        scaled = uf.plant(grad, "W2", (0, 0), 0.0)

        def bad(p):
            return {k: 6.0 * v for k, v in scaled(p).items()}

        assert check_gradients(loss, bad, params, seed=FLOAT32_SATURATED, name_bugs=False).status == "fail"


def test_gradient_below_the_formulas_rounding_at_every_precision_is_classified_apart():
    form, loss, grad, params, truth = _user(BELOW_ROUNDING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        g = grad(params)
        row = {"oracle_gap": soak.oracle_gap(g, truth.grad), "code_gap": soak.code_gap(grad, params, truth.grad)}
    assert soak_report.below_rounding(row)
    top = max(float(np.max(np.abs(t))) for t in truth.grad.values())
    assert 0 < top < 1e-18 * abs(truth.loss)  # the exact gradient: nothing a float loss resolves
    # the user's float64 loss is flat there: moving any weight by a step leaves it unchanged
    p = {k: v.copy() for k, v in params.items()}
    p["W1"][0, 0] += 1e-4
    assert float(loss(p)) == float(loss(params))
