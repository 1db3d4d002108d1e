"""A gradient taken by ``relu'(0) = 0`` at units exactly 0 in two consecutive layers: ``kink``, never ``fail``.

A hand-written 2-3-2-1 net (``np.where(z > 0, z, 0.01 * z)`` forward,
``np.where(z > 0, 1, 0.01)`` derivative, as ``(z > 0)`` is for ReLU), zero
biases and an all-zero input row: that sample's pre-activations are exactly 0
in both hidden layers. The first bias's gradient is then ``0.01 * 0.01`` times
the path through both layers, while each one-sided slope along that bias
switches the first layer's unit to one branch and the second layer's units to
either: the right value lies outside both slopes. The truth is computed here in
exact rational arithmetic (the loss is a polynomial in the parameters on each
piece): the one-sided slopes by forward-mode differentiation with the branch of
a unit at 0 chosen by its tangent's sign, the gradient by backprop with
``relu'(0) = 0``. Planted bugs on that entry (x2, x1.01, a sign flip) and a
missing ``1/N`` still fail.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from gradcheck import check_gradients

LEAK = 0.01
X = np.array([[0.0, 0.0], [0.75, -1.25], [-0.5, 1.5]])
Y = np.array([[0.5], [-1.0], [0.25]])
W1 = np.array([[1.0, -0.5, 0.75], [-0.25, 1.25, 0.5]])
W2 = np.array([[0.5, -1.0], [-0.75, 0.5], [1.5, 0.25]])
W3 = np.array([[1.25], [-0.75]])
PARAMS = {"W1": W1, "b1": np.zeros(3), "W2": W2, "b2": np.zeros(2), "W3": W3, "b3": np.zeros(1)}


def _act(z):
    return np.where(z > 0, z, LEAK * z)


def loss(p):
    a1 = _act(X @ p["W1"] + p["b1"])
    a2 = _act(a1 @ p["W2"] + p["b2"])
    return np.mean((a2 @ p["W3"] + p["b3"] - Y) ** 2)


def grad(p):
    z1 = X @ p["W1"] + p["b1"]
    a1 = _act(z1)
    z2 = a1 @ p["W2"] + p["b2"]
    a2 = _act(z2)
    d3 = 2 * (a2 @ p["W3"] + p["b3"] - Y) / len(X)
    d2 = (d3 @ p["W3"].T) * np.where(z2 > 0, 1.0, LEAK)
    d1 = (d2 @ p["W2"].T) * np.where(z1 > 0, 1.0, LEAK)
    return {
        "W1": X.T @ d1,
        "b1": d1.sum(axis=0),
        "W2": a1.T @ d2,
        "b2": d2.sum(axis=0),
        "W3": a2.T @ d3,
        "b3": d3.sum(axis=0),
    }


# ------------------------------------------------------------------ exact oracle (rationals)
def _q(a):
    return [[Fraction(float(v)) for v in row] for row in np.atleast_2d(a)]


def _layer(a, da, W, dW, b, db, hidden, hold):
    """Pre-activations and tangents of one layer; hidden: activations on the branch the tangent's sign picks
    at a unit exactly 0 (``hold``: the lower branch, whatever the tangent)."""
    z = [[sum(ai * W[i][k] for i, ai in enumerate(row)) + b[0][k] for k in range(len(W[0]))] for row in a]
    dz = [
        [
            sum(dai * W[i][k] + ai * dW[i][k] for i, (ai, dai) in enumerate(zip(row, drow))) + db[0][k]
            for k in range(len(W[0]))
        ]
        for row, drow in zip(a, da)
    ]
    if not hidden:
        return z, dz
    leak = Fraction(LEAK)
    up = [[v > 0 or (v == 0 and d > 0 and not hold) for v, d in zip(r, dr)] for r, dr in zip(z, dz)]
    act = [[v if u else leak * v for v, u in zip(r, ur)] for r, ur in zip(z, up)]
    dact = [[d if u else leak * d for d, u in zip(r, ur)] for r, ur in zip(dz, up)]
    return act, dact


def exact_slope(name: str, j: int, sign: int, hold: bool = False) -> Fraction:
    """``sign * D(sign e_j)``: the exact one-sided slope of the loss along entry ``j`` of ``name``.

    ``hold``: of the piece where every unit at exactly 0 stays on its lower branch (linear in the
    tangent there: the piece's partial derivative, which ``relu'(0) = 0`` backprop computes).
    """
    P = {k: _q(v) for k, v in PARAMS.items()}
    T = {k: [[Fraction(0)] * len(r) for r in v] for k, v in P.items()}
    cols = len(T[name][0])
    T[name][j // cols][j % cols] = Fraction(sign)
    a, da = _q(X), [[Fraction(0)] * X.shape[1] for _ in X]
    a, da = _layer(a, da, P["W1"], T["W1"], P["b1"], T["b1"], True, hold)
    a, da = _layer(a, da, P["W2"], T["W2"], P["b2"], T["b2"], True, hold)
    out, dout = _layer(a, da, P["W3"], T["W3"], P["b3"], T["b3"], False, hold)
    y = _q(Y)
    return sign * sum(2 * (o[0] - t[0]) * d[0] for o, d, t in zip(out, dout, y)) / len(X)


def exact_gradient_entry(name: str, j: int) -> Fraction:
    """The exact gradient entry under ``relu'(0) = 0``."""
    return exact_slope(name, j, 1, hold=True)


# ------------------------------------------------------------------ tests
def test_the_oracle_puts_the_first_bias_outside_its_slopes():
    g = grad(PARAMS)
    for j in range(3):
        assert float(exact_gradient_entry("b1", j)) == pytest.approx(g["b1"][j], rel=1e-12, abs=1e-300)
    lo, hi = sorted((exact_slope("b1", 0, -1), exact_slope("b1", 0, 1)))
    v = exact_gradient_entry("b1", 0)
    assert not lo <= v <= hi  # the convention's value: outside both one-sided slopes


def test_correct_code_is_kink_with_the_convention_named():
    rep = check_gradients(loss, grad, PARAMS, seed=0, name_bugs=False)
    assert rep.status == "kink", [(t.name, t.status) for t in rep.tensors]
    assert any("relu'(0) = 0" in n and "kink by convention" in n for n in rep.notes), rep.notes


@pytest.mark.parametrize("factor", [2.0, 1.01, -1.0])
def test_a_planted_factor_on_the_convention_entry_fails_there(factor):
    v = float(exact_gradient_entry("b1", 0))
    lo, hi = sorted((float(exact_slope("b1", 0, -1)), float(exact_slope("b1", 0, 1))))
    assert not lo <= v * factor <= hi  # no valid subgradient either

    def bad(p):
        g = grad(p)
        g["b1"][0] *= factor
        return g

    rep = check_gradients(loss, bad, PARAMS, seed=0, name_bugs=False)
    assert rep.status == "fail"
    b1 = next(t for t in rep.tensors if t.name == "b1")
    assert b1.status == "fail" and tuple(b1.worst_index) == (0,)


def test_a_missing_batch_mean_fails():
    rep = check_gradients(loss, lambda p: {k: v * len(X) for k, v in grad(p).items()}, PARAMS, seed=0)
    assert rep.status == "fail"


def test_relu_zero_column_is_kink_where_it_was_inconclusive():
    """``benchmarks/convforms.py`` configuration 26 (3-4-2 ReLU, softmax CE, zero biases, a zero weight column
    and zero input rows): its mpmath oracle puts the user's ``relu'(0) = 0`` value outside the exact slopes;
    the check was ``inconclusive`` (the coincident-units note); now ``kink``, and that tensor's largest entry
    x1.01 fails."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import convforms as cf

    form = cf.random_form(26)
    loss_, grad_, params = cf.build(form)
    truth = cf.oracle(form)
    assert cf.classify(grad_(params), truth) == "convention"
    assert check_gradients(loss_, grad_, params, seed=26, name_bugs=False).status == "kink"
    name = truth.convention[0][0]
    assert all(truth.grad[n].reshape(-1)[j] == 0.0 for n, j in truth.convention)  # every path through units at 0
    index = np.unravel_index(int(np.argmax(np.abs(truth.grad[name]))), params[name].shape)
    rep = check_gradients(loss_, cf.plant(grad_, name, index, 1.01), params, seed=26, name_bugs=False)
    assert rep.status == "fail"


def test_a_parameter_of_no_dimensions_is_moved_too():
    """A scalar bias (a 0-d array, as a student's ``self.b = 0.0`` is given) in the pushes and shifted points."""
    params = {**PARAMS, "b3": np.array(0.0)}

    def scalar_grad(p):
        g = grad(p)
        return {**g, "b3": np.array(g["b3"][0])}

    rep = check_gradients(loss, scalar_grad, params, seed=0, name_bugs=False)
    assert rep.status == "kink", rep.notes
