"""Kinks at the point itself: ReLU nets with zero biases, as users initialise them.

Zero biases put units exactly on their kink wherever their input is exactly zero:
a zero input row (every first-layer unit of that sample at 0), a column of zero
weights (every sample's unit at 0), a layer behind dead units. The nets are written
as users write them (``np.maximum(0, z)``, ``(z > 0)`` in the backward, the loss
through ``float()``). The truth comes from the loss itself at ``np.longdouble``
(one-sided derivatives, extrapolated), never from this project's code.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from gradcheck import check_gradients


def _net(sizes, batch: int, seed: int, scale: float, zero_rows: float = 0.0, zero_column: int | None = None):
    """An MLP of ReLU units with a sigmoid output and BCE, zero biases; ``(params, loss, grad, exact)``.

    ``zero_rows``: the share of input rows that are all zeros. ``zero_column``: this first-layer unit's
    weights are all zeros. ``exact(p)`` is the same loss with no ``float()`` cast (for np.longdouble).
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, sizes[0]))
    X[rng.random(batch) < zero_rows] = 0.0
    y = (rng.random((batch, sizes[-1])) < 0.5).astype(float)
    depth = len(sizes) - 1
    params = {}
    for k in range(1, depth + 1):
        params[f"W{k}"] = scale * rng.standard_normal((sizes[k - 1], sizes[k]))
        params[f"b{k}"] = np.zeros(sizes[k])
    if zero_column is not None:
        params["W1"][:, zero_column] = 0.0

    def forward(p):
        a, cache = X.astype(p["W1"].dtype), []
        for k in range(1, depth + 1):
            z = a @ p[f"W{k}"] + p[f"b{k}"]
            cache.append((a, z))
            a = np.maximum(0, z) if k < depth else 1 / (1 + np.exp(-z))
        return a, cache

    def exact(p):
        prob, _ = forward(p)
        return -np.mean(y * np.log(prob) + (1 - y) * np.log(1 - prob))

    def grad(p):
        prob, cache = forward(p)
        dz = (prob - y) / y.size
        out = {}
        for k in range(depth, 0, -1):
            a, _ = cache[k - 1]
            out[f"W{k}"], out[f"b{k}"] = a.T @ dz, dz.sum(axis=0)
            if k > 1:
                dz = (dz @ p[f"W{k}"].T) * (cache[k - 2][1] > 0)
        return out

    return params, lambda p: float(exact(p)), grad, exact


def _slopes(exact, params, name: str, index, h: float = 1e-6) -> tuple[float, float]:
    """``(left, right)`` one-sided derivatives of the loss at np.longdouble (Richardson: ``2 s(h/2) - s(h)``).

    Each side's slope at ``h`` carries ``h L'' / 2``; the extrapolation leaves ``O(h**2)``, and
    the rounding is ``1e-19 / h``: both far below the 1e-6 these tests resolve.
    """
    wide = {k: v.astype(np.longdouble) for k, v in params.items()}
    t = wide[name][index]

    def at(v):
        wide[name][index] = v
        out = exact(wide)
        wide[name][index] = t
        return out

    base = at(t)

    def side(sign):
        s1, s2 = (sign * (at(t + sign * d) - base) / d for d in (h, h / 2))
        return float(2 * s2 - s1)

    return side(-1), side(1)


def _check(params, loss, grad, seed=0):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return check_gradients(loss, grad, params, seed=seed, name_bugs=False)


#: Zero input rows beside zero biases: the second layer's units of those samples sit at exactly 0
#: (their input is all zeros), so each b2 entry has one kink at the point, which only the right
#: step crosses. Central differences there are the mean of the two slopes at every step (the loss is
#: linear on each side), so refine converged to it and failed the correct b2 (relu'(0) = 0 is the
#: left slope): both nets were failed before, as were 41 of 293 random nets of this family.
ZERO_ROWS = [
    dict(sizes=[7, 21, 8, 1], batch=64, seed=0, scale=0.0061, zero_rows=0.3),
    dict(sizes=[6, 12, 6, 1], batch=32, seed=3, scale=0.01, zero_rows=0.3),
]


@pytest.mark.parametrize("shape", ZERO_ROWS)
def test_a_bias_on_a_kink_at_the_point_is_kink_not_fail(shape):
    params, loss, grad, exact = _net(**shape)
    g = grad(params)["b2"]
    slopes = [_slopes(exact, params, "b2", (i,)) for i in range(g.size)]
    kinked = [i for i, (left, right) in enumerate(slopes) if abs(right - left) > 0.1 * max(abs(left), abs(right))]
    assert kinked  # the oracle: kinks at the point, apart by a jump ...
    scale = 1e-6 * float(np.max(np.abs(g)))  # the float64 sum over samples rounds to that of the largest entry
    for i in kinked:  # ... and relu'(0) = 0 is one of their slopes
        left, right = slopes[i]
        assert min(left, right) - scale <= g[i] <= max(left, right) + scale
    report = _check(params, loss, grad)
    assert report.status == "kink"
    assert {t.name: t.status for t in report.tensors}["b2"] == "kink"


def test_a_wrong_bias_on_the_kinked_net_still_fails():
    params, loss, grad, _ = _net(**ZERO_ROWS[0])

    def wrong(p):
        out = grad(p)
        out["b2"] = -out["b2"]  # the sign flip: outside every bracket, and wrong off the kinks too
        return out

    report = _check(params, loss, wrong)
    assert report.status == "fail"
    assert "b2" in [t.name for t in report.tensors if t.status == "fail"]


#: A first-layer unit with all-zero weights and a zero bias: every sample's unit at exactly 0. Each
#: W1 entry of it moves the unit by t * x[n, i], switching on the samples with x > 0 to the right
#: and those with x < 0 to the left: both one-sided slopes are sums of those samples' parts, of
#: one sign here, while relu'(0) = 0 gives exactly 0, outside them. Failed before (no wrong entry).
ZERO_COLUMN = dict(sizes=[8, 4, 2], batch=8, seed=97, scale=0.0043, zero_column=2)


def test_zero_weight_column_is_not_failed_and_the_note_says_why():
    params, loss, grad, exact = _net(**ZERO_COLUMN)
    g = grad(params)
    column = ZERO_COLUMN["zero_column"]
    slopes = [_slopes(exact, params, "W1", (i, column)) for i in range(params["W1"].shape[0])]
    outside = [i for i, (left, right) in enumerate(slopes) if left * right > 0]
    assert not g["W1"][:, column].any() and len(outside) >= 2  # the oracle: 0 lies outside both slopes there
    report = _check(params, loss, grad)
    assert report.status != "fail"
    assert any("exactly 0 outside them" in n and n.startswith("W1:") for n in report.notes)


def test_a_wrong_weight_beside_the_zero_column_still_fails():
    params, loss, grad, _ = _net(**ZERO_COLUMN)
    big = np.unravel_index(np.argmax(np.abs(grad(params)["W1"])), params["W1"].shape)

    def wrong(p):
        out = grad(p)
        out["W1"][big] *= 1.01  # one entry of a live unit, off by 1%
        return out

    report = _check(params, loss, wrong)
    assert report.status == "fail"
    failed = [t for t in report.tensors if t.status == "fail"]
    assert [t.name for t in failed] == ["W1"] and failed[0].worst_index == tuple(int(i) for i in big)


def test_a_nonzero_value_outside_a_kink_at_the_point_still_fails():
    """The rule for exactly 0 does not stretch to other values: abs(w) at 0 with 5 as its gradient."""
    report = check_gradients(
        lambda w: float(abs(w[0]) + 0.5 * w[1] ** 2), lambda w: np.array([5.0, w[1]]), np.array([0.0, 1.0])
    )
    assert report.status == "fail"


@pytest.mark.parametrize("shape", [*ZERO_ROWS, ZERO_COLUMN])
def test_the_nets_are_correct_off_the_kinks(shape):
    """The oracle's check of the nets themselves: at smooth entries the gradient is the derivative."""
    params, _, grad, exact = _net(**shape)
    g = grad(params)
    name = "W2"
    index = np.unravel_index(np.argmax(np.abs(g[name])), g[name].shape)
    left, right = _slopes(exact, params, name, index)
    assert abs(left - g[name][index]) <= 1e-6 * abs(g[name][index])  # smooth there: both sides agree
    assert abs(right - g[name][index]) <= 1e-6 * abs(g[name][index])
