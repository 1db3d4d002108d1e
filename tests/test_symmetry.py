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
    assert len(asked) == 4 * symmetry.PAIRS == 4 * len(pairs)
    flat = np.concatenate([a.ravel() for a in AT])
    u, v = pairs[0]
    moved = [np.concatenate([t.ravel() for t in p]) - flat for p in asked[:4]]
    for got, want in zip(moved, (v, -v, u, -u)):
        np.testing.assert_allclose(got, symmetry.STEP * want, rtol=1e-9, atol=1e-15)


def test_no_gradients_back_is_a_note_and_missing_ones_a_failure():
    r = symmetry.judged(_passed(), AT, 0, lambda request: {"own_loss": {"error": "no"}}, "loss")
    assert r.status == "pass" and "not checked" in r.notes[-1]

    def holes(request):
        return {"own_loss": {"grads_at": [[None, None] for _ in request["grads_at"]]}}

    assert symmetry.judged(_passed(), AT, 0, holes, "loss").status == "fail"
