"""The robust-loss and exact-kink generator (benchmarks/kinkforms.py) against the oracle it ships.

The user's hand-written gradient must equal the 50-digit gradient (else the
soak would measure the generator, not the checker), and the one-sided slopes
the oracle finds at exact zeros must hold the user's relu'(0) = 0 value where
a single layer sits at 0 (a zero input row beside zero biases, one hidden layer).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import kinkforms as kf  # noqa: E402


def test_the_users_gradient_is_the_exact_one():
    for i in range(6):
        form = kf.random_form(i)
        _, grad, params = kf.build(form)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            assert kf.classify(form, grad(params), kf.oracle(form)) != "wrong", form.label


def test_a_zero_row_beside_zero_biases_puts_the_first_bias_on_its_kink():
    form = kf.KinkForm((3, 4, 1), "relu", "huber_where", "rows", True, "float64", 4, 0.5, 1.0, 7)
    _, grad, params = kf.build(form)
    truth = kf.oracle(form)
    kinked = {j for name, j in truth.sides if name == "b1"}
    assert kinked  # every first-layer unit of the zero row sits at exactly 0
    g = grad(params)["b1"]
    for j in kinked:
        lo, hi = sorted(truth.sides[("b1", j)])
        assert lo - 1e-12 <= g[j] <= hi + 1e-12  # relu'(0) = 0: the left slope
    assert kf.classify(form, grad(params), truth) == "subgradient"
    assert np.all(kf.data(form)[1][0] == 0.0)
