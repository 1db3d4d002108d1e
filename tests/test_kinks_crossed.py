"""Kinks a step's length from the point: a bias whose ReLU unit has samples 2.5e-8 to 1e-6 from its kink.

An 8-10-27-5-1 net written the way users write it (samples as columns; ELU,
ReLU, tanh hidden layers; sigmoid output; BCE through ``np.log(p + 1e-8)``; the
loss returned through ``float()``; weights about 1e-3, a batch of 256). Its
``b2[12]`` is 2.9e-9; the steps of 6e-6 and 3e-6 cross some of the unit's kinks
and their Richardson value, 4.6e-9, came with an error of 2e-10 because the two
central differences agreed by chance: the entry was failed. Steps inside the
nearest kink (2.5e-8) are below what the float64 loss resolves there. The
one-sided slopes' gap, which neither halves with the step (a smooth point) nor
stays (a kink at the point), now widens the estimate's error: ``inconclusive``,
named. Ground truth: the one-sided slopes of the same net in ``np.longdouble``
at a step of 1e-9, inside every kink, never this project's gradient code.
"""

from __future__ import annotations

import numpy as np

from gradcheck import check_gradients


def _net(seed=18, scale=1e-3, n=256, sizes=(8, 10, 27, 5, 1)):
    rng = np.random.default_rng(seed)
    params = {}
    for i in range(len(sizes) - 1):
        params[f"W{i + 1}"] = rng.normal(size=(sizes[i + 1], sizes[i])) * scale
        params[f"b{i + 1}"] = rng.normal(size=(sizes[i + 1], 1)) * scale
    X = rng.normal(size=(sizes[0], n))
    Y = (rng.random((1, n)) > 0.5).astype(float)
    return params, X, Y


def _forward(p, X):
    z1 = p["W1"] @ X + p["b1"]
    a1 = np.where(z1 > 0, z1, np.exp(z1) - 1)
    z2 = p["W2"] @ a1 + p["b2"]
    a2 = np.maximum(0, z2)
    z3 = p["W3"] @ a2 + p["b3"]
    a3 = np.tanh(z3)
    p4 = 1 / (1 + np.exp(-(p["W4"] @ a3 + p["b4"])))
    return z1, a1, z2, a2, a3, p4


def _loss(p, X, Y):
    prob = _forward(p, X)[-1]
    return float(-np.sum(Y * np.log(prob + 1e-8) + (1 - Y) * np.log(1 - prob + 1e-8)) / X.shape[1])


def _db2(p, X, Y):
    z1, a1, z2, a2, a3, prob = _forward(p, X)
    dp = -(Y / (prob + 1e-8) - (1 - Y) / (1 - prob + 1e-8)) / X.shape[1]
    dz3 = (p["W4"].T @ (dp * prob * (1 - prob))) * (1 - a3**2)
    dz2 = (p["W3"].T @ dz3) * (z2 > 0)
    return dz2.sum(axis=1, keepdims=True)


def _check(plant=None):
    params, X, Y = _net()
    rest = {k: v for k, v in params.items() if k != "b2"}

    def grad(q):
        g = _db2({**rest, **q}, X, Y)
        if plant is not None:
            where, factor = plant
            g[where] *= factor
        return {"b2": g}

    return check_gradients(lambda q: _loss({**rest, **q}, X, Y), grad, {"b2": params["b2"]}, seed=0)


def test_the_entry_is_right_by_longdouble_slopes_inside_every_kink():
    params, X, Y = _net()
    z2 = _forward(params, X)[2]
    assert 1e-8 < np.min(np.abs(z2[12])) < 1e-7  # the nearest kink, a step's length of the usual steps away
    wide = {k: v.astype(np.longdouble) for k, v in params.items()}
    Xw, Yw = X.astype(np.longdouble), Y.astype(np.longdouble)

    def loss_at(t):
        q = dict(wide, b2=wide["b2"].copy())
        q["b2"][12, 0] += t
        prob = _forward(q, Xw)[-1]
        return -np.sum(Yw * np.log(prob + 1e-8) + (1 - Yw) * np.log(1 - prob + 1e-8)) / X.shape[1]

    h = np.longdouble(1e-9)
    right, left = (loss_at(h) - loss_at(0)) / h, (loss_at(0) - loss_at(-h)) / h
    g = _db2(params, X, Y)[12, 0]
    assert abs(float(right) - g) < 0.1 * abs(g) and abs(float(left) - g) < 0.1 * abs(g)


def test_a_correct_entry_near_kinks_is_inconclusive_and_named_not_failed():
    rep = _check()
    assert rep.status == "inconclusive", rep.notes
    (b2,) = rep.tensors
    assert b2.counts.get("fail", 0) == 0
    assert any(e.index == (12, 0) and e.status == "inconclusive" for e in b2.worst)
    assert any(n.startswith("b2: entry [12, 0] inconclusive: kinks") and "a step's length" in n for n in rep.notes)


def test_a_flipped_sign_there_and_a_one_percent_error_elsewhere_still_fail():
    flipped = _check(((12, 0), -1.0))
    assert flipped.status == "fail" and flipped.tensors[0].worst_index == (12, 0)
    largest = np.unravel_index(np.argmax(np.abs(_db2(*_net()))), (27, 1))
    off = _check((largest, 1.01))
    assert off.status == "fail" and off.tensors[0].worst_index == tuple(int(i) for i in largest)
