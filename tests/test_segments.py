"""The backward's gradient integrated along long segments against the change of the student's own loss
(gradcheck.audit.segments).

The backward and the loss are stood in for by functions the test derives by hand: a small tanh (and a
ReLU) network under a hinge loss, its exact gradient, and the gradient with the tanh derivative taken as
``1 - h`` (the bug of examples/hostile/frozen_own_loss.py). The attack of that file is rebuilt here:
both the loss and the backward answer from the first weights they meet within a radius, the loss as
``value + g . (w - anchor)``. Each request is a fresh process, so its anchors start empty.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

from gradcheck.audit import segments
from gradcheck.audit.grade import SubmissionResult

RNG = np.random.default_rng(9)
X = RNG.normal(size=(16, 3))
SIGNS = np.where(RNG.random((16, 1)) > 0.5, 1.0, -1.0)
AT = [RNG.normal(scale=0.5, size=(3, 4)), RNG.normal(scale=0.1, size=4), RNG.normal(scale=0.5, size=(4, 1))]
AT.append(np.zeros(1))
SHAPES = [a.shape for a in AT]
CUTS = np.cumsum([a.size for a in AT])[:-1]


def _act(name):
    if name == "tanh":
        return np.tanh, lambda z: 1 - np.tanh(z) ** 2
    return (lambda z: np.maximum(z, 0.0)), (lambda z: (z > 0) * 1.0)


def _loss(act, W1, b1, W2, b2):
    f, _ = _act(act)
    return float(np.mean(np.maximum(0.0, 1.0 - SIGNS * (f(X @ W1 + b1) @ W2 + b2))))


def _grad(act, W1, b1, W2, b2, buggy=False):
    f, fp = _act(act)
    z = X @ W1 + b1
    h = f(z)
    dS = np.where(1.0 - SIGNS * (h @ W2 + b2) > 0, -SIGNS, 0.0) / len(X)
    dH = dS @ W2.T * ((1 - h) if buggy else fp(z))
    return [X.T @ dH, dH.sum(0), h.T @ dS, dS.sum(0)]


def _tensors(flat):
    return [c.reshape(s) for c, s in zip(np.split(np.asarray(flat, float), CUTS), SHAPES)]


def _asker(loss, grad):
    """``ask`` as the worker answers: loss values at the points, then the backward's gradients; ``loss`` and
    ``grad`` are made anew for each request (a fresh process)."""

    def ask(request):
        L, G = loss(), grad()
        values = [L(*_tensors(p)) for p in request["points"]]
        got = [[g.tolist() for g in G(*[np.asarray(t) for t in p])] for p in request.get("grads_at", [])]
        return {"own_loss": {"source": "loss", "values": values, "grads_at": got}}

    return ask


def _frozen(act, radius):
    """The loss and backward of frozen_own_loss.py: both answer from the first weights met within ``radius``."""

    def flat(ts):
        return np.concatenate([np.ravel(t) for t in ts])

    def near(anchors, w):
        return next((a for a in anchors if np.max(np.abs(w - a[0])) < radius), None)

    def loss():
        anchors = []

        def L(*ts):
            w, a = flat(ts), near(anchors, flat(ts))
            if a is not None:
                return a[1] + a[2] @ (w - a[0])
            anchors.append((w, _loss(act, *ts), flat(_grad(act, *ts, buggy=True))))
            return anchors[-1][1]

        return L

    def grad():
        anchors = []

        def G(*ts):
            a = near(anchors, flat(ts))
            if a is None:
                a = (flat(ts), _grad(act, *ts, buggy=True))
                anchors.append(a)
            return a[1]

        return G

    return loss, grad


def _passed() -> SubmissionResult:
    return SubmissionResult(path="hw.py", status="pass")


@pytest.mark.parametrize("act", ["tanh", "relu"])
@pytest.mark.parametrize("seed", range(6))
def test_a_gradient_integrates_to_the_change_of_its_loss(act, seed):
    ask = _asker(lambda: lambda *t: _loss(act, *t), lambda: lambda *t: _grad(act, *t))
    r = segments.judged(_passed(), AT, seed, ask, "loss")
    assert r.status == "pass" and "integrates" in r.notes[-1]


@pytest.mark.parametrize("act", ["tanh", "relu"])
@pytest.mark.parametrize("radius", [0.05, 0.2])
def test_a_loss_and_backward_frozen_near_each_point_fail(act, radius):
    """Caught at almost every secret seed of the grader (measured: 398 of 400): 11 of these 12 at least."""
    verdicts = [segments.judged(_passed(), AT, seed, _asker(*_frozen(act, radius)), "loss") for seed in range(12)]
    failed = [r for r in verdicts if r.status == "fail"]
    assert len(failed) >= 11 and all(r.diagnoses[0].code == "inconsistent_gradient" for r in failed)
    assert all(r.diagnoses[0].evidence["segment_miss"] > segments.TOLERANCE for r in failed)
    assert all(r.status in ("fail", "pass") for r in verdicts)


def test_a_gradient_that_never_changes_against_an_affine_loss_is_no_pass():
    r = segments.judged(_passed(), AT, 0, _asker(*_frozen("tanh", np.inf)), "loss")
    assert r.status == "inconclusive" and "same gradient" in r.notes[-1]


def test_the_segments_are_long_drawn_from_the_seed_and_asked_out_of_order():
    a, ends, order = segments.segments(AT, 3)
    _, again, order2 = segments.segments(AT, 3)
    assert len(ends) == 2 * segments.SEGMENTS and all(np.array_equal(d, e) for d, e in zip(ends, again))
    assert np.array_equal(order, order2) and sorted(order) == list(range(len(ends)))
    assert not np.array_equal(ends[0], segments.segments(AT, 4)[1][0])
    rms = np.sqrt(np.mean(AT[0] ** 2))
    d = ends[1] - ends[0]
    assert np.sqrt(np.mean(d[: AT[0].size] ** 2)) > 0.5 * segments.LENGTH * rms  # no neighbourhood's size
    gaps = [np.linalg.norm(ends[i] - ends[j]) for i in range(len(ends)) for j in range(i)]
    assert max(gaps) < 3 * min(gaps)  # the paired ends are not told apart by their distance


def _integrating(act):
    """A frozen backward and a loss answering, away from its anchors, the value at the point asked nearest
    before plus the integral of that backward's gradient from there (16-point Gauss-Legendre)."""
    _, frozen_grad = _frozen(act, 0.05)
    t, w = np.polynomial.legendre.leggauss(16)
    t, w = (t + 1) / 2, w / 2

    def loss():
        G, asked = frozen_grad(), []

        def L(*ts):
            x = np.concatenate([np.ravel(a) for a in ts])
            if not asked:
                asked.append((x, _loss(act, *ts)))
                return asked[0][1]
            base, value = min(asked, key=lambda p: np.linalg.norm(p[0] - x))
            for tk, wk in zip(t, w):
                value += wk * np.concatenate([np.ravel(g) for g in G(*_tensors(base + tk * (x - base)))]) @ (x - base)
            asked.append((x, value))
            return value

        return L

    return loss, frozen_grad


@pytest.mark.parametrize("act", ["tanh", "relu"])
def test_a_loss_integrating_its_backward_from_points_asked_before_mostly_fails(act, monkeypatch):
    """Only the loop integral of the wrong gradient is left to see (measured: 76 of 80 random nets caught,
    on this file's own net 2 of 6): 10 of these 12 random nets at least."""
    failed = 0
    for seed in range(1000, 1012):
        rng = np.random.default_rng(seed)
        monkeypatch.setattr(sys.modules[__name__], "X", rng.normal(size=(16, 3)))
        monkeypatch.setattr(sys.modules[__name__], "SIGNS", np.where(rng.random((16, 1)) > 0.5, 1.0, -1.0))
        at = [rng.normal(scale=0.5, size=(3, 4)), rng.normal(scale=0.1, size=4), rng.normal(scale=0.5, size=(4, 1))]
        at.append(np.zeros(1))
        failed += segments.judged(_passed(), at, seed, _asker(*_integrating(act)), "loss").status == "fail"
    assert failed >= 10


def test_no_answer_is_no_pass_and_missing_gradients_a_failure():
    r = segments.judged(_passed(), AT, 0, lambda request: {"own_loss": {"error": "no"}}, "loss")
    assert r.status == "inconclusive" and "no finite value" in r.notes[-1]

    def holes(request):
        n = len(request["points"])
        return {"own_loss": {"values": [1.0] * n, "grads_at": [[None] * 4 for _ in request.get("grads_at", [])]}}

    assert segments.judged(_passed(), AT, 0, holes, "loss").status == "fail"

    def nan_far(request):
        return {"own_loss": {"values": [1.0] + [float("nan")] * (len(request["points"]) - 1)}}

    assert segments.judged(_passed(), AT, 0, nan_far, "loss").status == "inconclusive"
