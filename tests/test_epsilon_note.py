"""The note naming an epsilon added inside a log (``log(p + 1e-8)``) as the cause of a small, uniform miss.

A sigmoid net with BCE written ``-mean(y log(p + 1e-8) + (1 - y) log(1 - p + 1e-8))`` and the
textbook backward ``(p - y) / N`` (the derivative of the loss without the epsilon): every entry is
off by about ``1e-8 / p``. The truth is a second, hand-derived formula (the derivative with the
epsilon), not this project's code.
"""

from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_gradients
from gradcheck.epsilon import added_epsilons

RNG = np.random.default_rng(5)
X = RNG.normal(size=(16, 3))
Y = (RNG.random(16) < 0.5).astype(float)
PARAMS = {"w": RNG.normal(size=3) * 2.0, "b": np.array([0.3])}


def loss(p):
    s = 1.0 / (1.0 + np.exp(-(X @ p["w"] + p["b"])))
    return -np.mean(Y * np.log(s + 1e-8) + (1 - Y) * np.log(1 - s + 1e-8))


def _dz(p, exact: bool):
    s = 1.0 / (1.0 + np.exp(-(X @ p["w"] + p["b"])))
    if not exact:
        return (s - Y) / Y.size  # the textbook backward: the derivative of log(p), not of log(p + 1e-8)
    return (-Y * s * (1 - s) / (s + 1e-8) + (1 - Y) * s * (1 - s) / (1 - s + 1e-8)) / Y.size


def textbook(p):
    dz = _dz(p, exact=False)
    return {"w": X.T @ dz, "b": np.array([dz.sum()])}


def exact(p):
    dz = _dz(p, exact=True)
    return {"w": X.T @ dz, "b": np.array([dz.sum()])}


def sign_flipped(p):
    g = textbook(p)
    return {"w": -g["w"], "b": g["b"]}


def one_percent_off(p):
    g = exact(p)  # the right gradient of the loss as written, one entry 1% off: a bug, not the epsilon
    g["w"] = g["w"].copy()
    g["w"][0] *= 1.01
    return g


def _named(report):
    return [n for n in report.notes if "inside a log explains" in n]


def test_the_epsilon_is_found_in_the_source():
    assert added_epsilons(loss) == [1e-8]
    assert added_epsilons(lambda p: np.log(p["w"] + 0.5).sum()) == []  # a deliberate constant, not an epsilon
    assert added_epsilons(np.sum) == []  # no Python source


def test_textbook_backward_passes_against_the_loss_without_the_epsilon():
    """The textbook backward misses the loss as written by ~1e-8/p: a guard, verified and said, not a bug."""
    miss = max(float(np.max(np.abs(textbook(PARAMS)[k] - exact(PARAMS)[k]) / np.abs(exact(PARAMS)[k]))) for k in PARAMS)
    assert miss > 1.5e-8  # beyond float64's rtol: the loss as written is not what this backward differentiates
    report = check_gradients(loss, textbook, PARAMS, seed=1)
    assert report.status == "pass"
    verified = [n for n in report.notes if n.startswith("checked against the loss without the 1e-08")]
    assert len(verified) == 1 and "np.logaddexp" in verified[0]


def test_an_epsilon_held_in_a_variable_is_found_when_the_loss_runs():
    eps = 1e-9
    X2 = RNG.normal(size=(12, 4))
    labels = RNG.integers(0, 3, 12)
    onehot = np.eye(3)[labels]
    w0 = {"W": RNG.normal(size=(4, 3)) * 3.0}

    def softmax_ce(p):
        z = X2 @ p["W"]
        e = np.exp(z - z.max(axis=1, keepdims=True))
        probs = e / e.sum(axis=1, keepdims=True)
        return float(-np.mean(np.sum(onehot * np.log(probs + eps), axis=1)))

    def backward(p, bug=1.0):
        z = X2 @ p["W"]
        e = np.exp(z - z.max(axis=1, keepdims=True))
        g = X2.T @ ((e / e.sum(axis=1, keepdims=True) - onehot) / len(X2))
        g[0, 0] *= bug
        return {"W": g}

    assert added_epsilons(softmax_ce) == []  # not a literal: the source alone cannot tell
    report = check_gradients(softmax_ce, backward, w0, seed=0)
    assert report.status == "pass" and any("without the 1e-09" in n for n in report.notes)
    planted = check_gradients(softmax_ce, lambda p: backward(p, 1 + 1e-6), w0, seed=0)
    assert planted.status == "fail"
    assert [(name, e.index) for name, e in planted.failures] == [("W", (0, 0))]  # only the planted entry


def test_the_gradient_with_the_epsilon_passes():
    assert check_gradients(loss, exact, PARAMS, seed=1).status == "pass"


@pytest.mark.parametrize("bug", [sign_flipped, one_percent_off])
def test_a_real_bug_is_not_blamed_on_the_epsilon(bug):
    report = check_gradients(loss, bug, PARAMS, seed=1)
    assert report.status == "fail"
    assert not _named(report)


def _saturated(dtype, seed):
    """A tanh/sigmoid net at weights large enough that np.clip(p, 1e-7, 1 - 1e-7) holds some samples."""
    rng = np.random.default_rng(seed)
    Xs = rng.standard_normal((16, 3)).astype(dtype)
    Ys = (rng.random((16, 1)) > 0.5).astype(dtype)
    params = {
        "W1": (rng.standard_normal((3, 5)) * 6).astype(dtype),
        "b1": np.zeros(5, dtype),
        "W2": (rng.standard_normal((5, 1)) * 6).astype(dtype),
        "b2": np.zeros(1, dtype),
    }

    def forward(p):
        h = np.tanh(Xs @ p["W1"] + p["b1"])
        return h, 1 / (1 + np.exp(-(h @ p["W2"] + p["b2"])))

    def clipped_bce(p):
        _, prob = forward(p)
        prob = np.clip(prob, 1e-7, 1 - 1e-7)
        return float(-np.mean(Ys * np.log(prob) + (1 - Ys) * np.log(1 - prob)))

    def backward(p, bug=1.0):  # the textbook (p - y) / N: the derivative of the loss without its clip
        h, prob = forward(p)
        d = (prob - Ys) / len(Xs)
        dh = d @ p["W2"].T * (1 - h**2)
        g = {"W1": Xs.T @ dh, "b1": dh.sum(0), "W2": h.T @ d, "b2": d.sum(0)}
        g["W2"] = g["W2"].copy()
        g["W2"][1, 0] *= bug
        return g

    held = int(np.sum((forward(params)[1] < 1e-7) | (forward(params)[1] > 1 - 1e-7)))
    return clipped_bce, backward, params, held


@pytest.mark.parametrize("dtype, seed", [(np.float64, 1), (np.float64, 6), (np.float32, 6), (np.float32, 11)])
def test_a_clip_that_holds_saturated_samples_is_a_guard(dtype, seed):
    loss_fn, backward, params, held = _saturated(dtype, seed)
    assert held >= 2  # the clip holds samples: the loss as written is flat there, the textbook backward is not
    report = check_gradients(loss_fn, backward, params, seed=0)
    assert report.status == "pass", report.summary()
    assert any(n.startswith("checked against the loss without np.clip to [1e-07, 1 - 1e-07]") for n in report.notes)
    planted = check_gradients(loss_fn, lambda p: backward(p, 1.05), params, seed=0)
    assert planted.status == "fail"
    assert ("W2", (1, 0)) in [(name, e.index) for name, e in planted.failures]


@pytest.mark.parametrize("dtype, seed", [(np.float64, 0), (np.float32, 4)])
def test_where_the_loss_without_its_clip_loses_its_digits_the_failure_stands_and_says_so(dtype, seed):
    """p within 1e-9 of 1: the unclipped loss cancels (1 - p) and its check is inconclusive; the failure against
    the loss as written stays (a planted bug there would look the same), with a note saying what was tried."""
    loss_fn, backward, params, held = _saturated(dtype, seed)
    assert held >= 2
    report = check_gradients(loss_fn, backward, params, seed=0)
    assert report.status == "fail"
    said = [n for n in report.notes if n.startswith("the loss has np.clip to [1e-07, 1 - 1e-07], and the loss without")]
    assert len(said) == 1 and "logits" in said[0]


def test_the_guard_benchmark_passes_its_correct_cases_and_catches_its_plants(monkeypatch):
    """benchmarks/guardforms.py on its first cases: an mpmath oracle says each backward is right as written."""
    import functools
    import sys
    from pathlib import Path

    import gradcheck

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import guardforms

    # only the verdicts are asserted: the benchmark's checks run without naming the bugs (the diagnosis search on
    # its plants was 28 of this test's 29 s of CPU), which changes nothing else in a report
    # (tests/test_check.py::test_naming_the_bug_changes_nothing_else_in_the_report)
    monkeypatch.setattr(gradcheck, "check_gradients", functools.partial(gradcheck.check_gradients, name_bugs=False))
    rows = [r for r in guardforms.run(7) if "verdict" in r]
    assert len(rows) == 7  # one case of each form, none skipped
    assert [r["verdict"] for r in rows] == ["pass"] * 7
    assert [r["plant"] for r in rows] == ["fail"] * 7
