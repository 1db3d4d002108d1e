"""Evaluations along lines through the weights at steps of any size (gradcheck.audit.rays, through the watch's
weightcopies).

examples/hostile/rate_finder_numerical.py: the loss at large, one-sided, uneven steps along orthonormal
directions, a polynomial fitted to each; against what backpropagation and training make of the same
weights: an update, scaled copies, a training walk, per-sample gradients.
"""

from __future__ import annotations

import numpy as np

from gradcheck.audit.rays import LINES
from gradcheck.audit.weightcopies import WeightCopies

RNG = np.random.default_rng(8)
BASE = [RNG.normal(size=(3, 4)), RNG.normal(scale=0.1, size=(1, 4)), RNG.normal(size=(4, 1)), RNG.normal(size=(1, 1))]
THETA = np.concatenate([b.ravel() for b in BASE])
STEPS = (0.02, 0.035, 0.06, 0.11)  # one-sided, uneven, far above a finite difference's step


def _watch() -> WeightCopies:
    return WeightCopies(BASE, 1e-3, 3)


def test_points_along_many_lines_are_one_place_per_line_from_the_sixth_on():
    w = _watch()
    u, _ = np.linalg.qr(RNG.normal(size=(THETA.size, THETA.size)))
    places = set()
    for k in range(THETA.size):
        found = [w.hits(THETA + t * u[:, k]) for t in STEPS]
        assert not found[0]  # one point is no line yet
        if k < LINES - 1:
            assert not any(found)
        else:
            assert all(f == [("ray", "flat", f[0][2])] for f in found[1:])
            places.update(f[0] for f in found[1:])
    assert len(places) == THETA.size - LINES + 1


def test_large_central_differences_along_coordinates_are_lines_too():
    w, places = _watch(), set()
    for i in range(12):
        for h in (0.05, -0.05):
            moved = BASE[0].copy()
            moved.flat[i] += h
            places.update(w.hits(moved))
    assert len(places) == 12 - LINES + 1 and all(p[:2] == ("ray", 0) for p in places)


def test_updates_scaled_copies_walks_and_per_sample_gradients_are_no_lines():
    w = _watch()
    W = BASE[0]
    for c in (0.0, 0.5, 2.0, -1.0, 1.01):  # zeros_like, scaled copies, weight decay: the weights' own line
        assert w.hits(c * W) == []
    grads = RNG.normal(size=(40, 3, 4))
    for g in grads:  # per-sample gradients from one point, and the weights updated by each: points, no lines
        assert w.hits(g) == [] and w.hits(W - 0.1 * g) == []
    A = RNG.normal(size=(12, 12))
    H = A @ A.T / 12 + np.eye(12)  # a quadratic's Hessian: gradient descent turns at every step
    walk = W.ravel().copy()
    for _ in range(300):
        walk = walk - 0.05 * (H @ walk)
        assert w.hits(walk.reshape(3, 4)) == []
