"""A kink at the point with one side flat: zero biases and a zero-initialised weight column.

The unit's pre-activation is exactly 0 for every sample; moving its bias down
leaves it off, so the loss does not change at all on that side (a flat side,
slope exactly 0), and moving it up switches it on (slope ``clip(r) w`` of the Huber loss, by hand).
``relu'(0) = 0`` gives 0, inside ``[0, 2 r w]``: ``kink``. A value outside both
slopes is a bug at the kink and must fail: before, the flat side's slope was
read as "never settled" and the bug was left ``inconclusive``.
"""

from __future__ import annotations

import numpy as np

from gradcheck import check_gradients

DEAD = 2
DELTA = 0.1


def _net(seed: int = 4):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((1, 2))
    y = rng.standard_normal((1, 1))
    P = {"W1": 1.2 * rng.standard_normal((2, 4)), "b1": np.zeros(4), "W2": 1.2 * rng.standard_normal((4, 1))}
    P["b2"] = np.zeros(1)
    P["W1"][:, DEAD] = 0.0  # a zero-initialised column beside zero biases: z[:, DEAD] == 0 exactly

    def loss(p):  # Huber in its np.minimum form (not complex-safe: np.abs of a complex residual)
        r = np.maximum(0, X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"] - y
        q = np.minimum(np.abs(r), DELTA)
        return np.mean(0.5 * q**2 + DELTA * (np.abs(r) - q))

    def grad(p):
        z = X @ p["W1"] + p["b1"]
        a = np.maximum(0, z)
        d = np.clip(a @ p["W2"] + p["b2"] - y, -DELTA, DELTA) / y.size
        dz = (d @ p["W2"].T) * (z > 0)
        return {"W1": X.T @ dz, "b1": dz.sum(0), "W2": a.T @ d, "b2": d.sum(0)}

    r = float((np.maximum(0, X @ P["W1"]) @ P["W2"] - y)[0, 0])
    up = float(np.clip(r, -DELTA, DELTA)) * float(P["W2"][DEAD, 0])  # b1[DEAD]'s right slope, by hand; left: 0
    return P, loss, grad, up


def test_the_subgradient_at_a_flat_sided_kink_is_a_kink():
    P, loss, grad, up = _net()
    assert abs(up) > 1e-3
    report = check_gradients(loss, grad, P)
    assert report.status == "kink", [(t.name, t.status) for t in report.tensors]
    assert {t.name for t in report.tensors if t.status == "kink"} >= {"b1"}


def test_a_value_outside_both_slopes_of_a_flat_sided_kink_fails():
    P, loss, grad, up = _net()

    def wrong(p):
        g = grad(p)
        g["b1"][DEAD] = -up  # outside [min(0, up), max(0, up)] by the whole gap
        return g

    report = check_gradients(loss, wrong, P)
    assert report.status == "fail"
    b1 = next(t for t in report.tensors if t.name == "b1")
    assert b1.status == "fail" and b1.worst_index == (DEAD,)
