"""The Jacobian's symmetry of a gradient judged against the student's own loss (gradcheck.audit.symmetry).

The backward is stood in for by gradients the test derives by hand: the gradient of a small tanh
network's squared error (a gradient: symmetric Jacobian), the same with the tanh derivative taken as
``1 - h`` instead of ``1 - h**2`` (the bug of examples/hostile/forged_own_loss.py: no function has it as
its gradient), and the gradient of a hinge (piecewise linear: a zero Hessian between kinks).
"""

from __future__ import annotations

import numpy as np
import pytest

from gradcheck.audit import symmetry
from gradcheck.audit.grade import SubmissionResult
from gradcheck.result import TensorResult

RNG = np.random.default_rng(4)
X = RNG.normal(size=(12, 3))
Y = RNG.normal(size=(12, 1))
SIGNS = np.where(RNG.random((12, 1)) > 0.5, 1.0, -1.0)
AT = [RNG.normal(size=(3, 4)) * 0.5, RNG.normal(size=(4, 1)) * 0.5]


def _tanh_net(W1, W2, buggy=False):
    h = np.tanh(X @ W1)
    d = (h @ W2 - Y) / len(X)
    slope = (1 - h) if buggy else (1 - h**2)
    return [X.T @ (d @ W2.T * slope), h.T @ d]


def _hinge(W1, W2):
    s = np.tanh(X @ W1) @ W2
    active = (1 - SIGNS * s) > 0
    dS = np.where(active, -SIGNS, 0.0) / len(X)
    h = np.tanh(X @ W1)
    return [X.T @ (dS @ W2.T * (1 - h**2)), h.T @ dS]


def _asker(field):
    def ask(request):
        got = [field(*[np.asarray(t) for t in point]) for point in request["grads_at"]]
        return {"own_loss": {"source": "loss", "values": [], "grads_at": [[g.tolist() for g in gs] for gs in got]}}

    return ask


def _passed() -> SubmissionResult:
    t = TensorResult("W1", (3, 4), "pass", 0.0, 0.0, (0,), 0.5, 0.5, checked=12, size=12, counts={}, evaluations=0)
    return SubmissionResult(path="hw.py", status="pass", tensors=(t,))


@pytest.mark.parametrize("seed", range(5))
def test_a_gradient_passes(seed):
    r = symmetry.judged(_passed(), AT, seed, _asker(_tanh_net), "loss")
    assert r.status == "pass" and "symmetric" in r.notes[-1]
    assert symmetry.judged(_passed(), AT, seed, _asker(_hinge), "loss").status == "pass"


@pytest.mark.parametrize("seed", range(5))
def test_a_field_no_function_has_as_gradient_fails(seed):
    r = symmetry.judged(_passed(), AT, seed, _asker(lambda a, b: _tanh_net(a, b, buggy=True)), "loss")
    assert r.status == "fail" and r.diagnoses[0].code == "inconsistent_gradient"
    assert r.diagnoses[0].evidence["asymmetry"] > 100 * symmetry.ASYMMETRY


def test_the_pairs_are_central_differences_of_the_asked_points():
    asked, pairs = symmetry.points(AT, 3)
    assert len(asked) == symmetry.PER_PAIR * symmetry.PAIRS == 8 * len(pairs)
    flat = np.concatenate([a.ravel() for a in AT])
    u, v = pairs[0]
    moved = [np.concatenate([t.ravel() for t in p]) - flat for p in asked[:8]]
    for got, want in zip(
        moved, [symmetry.STEP * d for d in (v, -v, u, -u)] + [symmetry.STEP / 2 * d for d in (v, -v, u, -u)]
    ):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-15)


def test_a_kink_crossed_inside_the_step_is_no_evidence_of_asymmetry():
    """A ReLU unit flipping between w - h v and w + h v makes u.Hv jump at the step but not at half of it: a
    correct ReLU net (examples of a layer stack with a BCE object failed inconsistent_gradient so, now and then)."""
    rng = np.random.default_rng(0)
    u, v = rng.standard_normal(6), rng.standard_normal(6)
    H = np.diag([1.0, 2.0, 3.0, 1.0, 2.0, 3.0])  # a smooth, symmetric Hessian
    g = lambda d: H @ d  # noqa: E731
    jump = np.zeros(6)
    jump[0] = 5.0  # the unit's contribution switched on at +h v only
    at_step = [g(symmetry.STEP * v) + jump, g(-symmetry.STEP * v), g(symmetry.STEP * u), g(-symmetry.STEP * u)]
    at_half = [
        g(d) for d in (symmetry.STEP / 2 * v, -symmetry.STEP / 2 * v, symmetry.STEP / 2 * u, -symmetry.STEP / 2 * u)
    ]
    assert not symmetry._asymmetric(at_step + at_half, u, v)[0]
    asym = lambda d: (H + np.triu(np.ones((6, 6)), 1)) @ d  # noqa: E731  (no function has this gradient)
    steps = [symmetry.STEP * s for s in (1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5)]
    dirs = [v, -v, u, -u] * 2
    assert symmetry._asymmetric([asym(h * d) for h, d in zip(steps, dirs)], u, v)[0]


def test_no_gradients_back_is_a_note_and_missing_ones_a_failure():
    r = symmetry.judged(_passed(), AT, 0, lambda request: {"own_loss": {"error": "no"}}, "loss")
    assert r.status == "pass" and "not checked" in r.notes[-1]

    def holes(request):
        return {"own_loss": {"grads_at": [[None, None] for _ in request["grads_at"]]}}

    assert symmetry.judged(_passed(), AT, 0, holes, "loss").status == "fail"
