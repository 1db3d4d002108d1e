"""A float64 network whose forward casts to float32 inside a method (self.W1.astype(np.float32), X.astype(np.float32)),
or whose loss() returns np.float32(loss): the backward is computed from float32-rounded values, right to float32's
rounding. It got a false FAIL 'localized' (W1 off 2.5e-7 of itself, float64's tolerance) when only the forward was
cast; the matching forward's distance from float64 arithmetic (1.2e-8) now says float32, and the gradient is judged
to float32's rounding. Bugs stay caught and named."""

from __future__ import annotations

import numpy as np
import pytest
from audit_example import audit_source

from gradcheck.audit.network import ForwardCheck, narrowed_forward

NET = """
import numpy as np


class Net:
    def __init__(self, n_in, n_hidden, n_out):
        rng = np.random.default_rng(4)
        self.W1 = rng.normal(0, 0.8, (n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = rng.normal(0, 0.8, (n_hidden, n_out))
        self.b2 = np.zeros(n_out)

    def forward(self, X):
        W1 = self.W1
        self.X = X
        self.a1 = np.tanh(X @ W1 + self.b1)
        self.out = 1 / (1 + np.exp(-(self.a1 @ self.W2 + self.b2)))
        return self.out

    def loss(self, X, y):
        p = self.forward(X)
        value = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        return value

    def backward(self, y):
        m = y.shape[0]
        d2 = (self.out - y) / m
        d1 = (d2 @ self.W2.T) * (1 - self.a1 ** 2)
        return {"W1": self.X.T @ d1, "b1": d1.sum(0), "W2": self.a1.T @ d2, "b2": d2.sum(0)}
"""
CAST_W = ("        W1 = self.W1\n", "        W1 = self.W1.astype(np.float32)\n")
CAST_X = ("        self.X = X\n", "        X = X.astype(np.float32)\n        self.X = X\n")
CAST_LOSS = ("        return value\n", "        return np.float32(value)\n")
AT_ACTIVATION = ("(1 - self.a1 ** 2)", "(1 - np.tanh(self.a1) ** 2)")
NO_MEAN = ("d2 = (self.out - y) / m", "d2 = self.out - y")
SMALL = ("(1 - self.a1 ** 2)", "(1 - self.a1 ** 2) * 1.001")
#: A guard in the output's sigmoid (1e-8 in its denominator): the forward, and so the loss, move by ~1e-8, and the
#: backward's (p - y) / m is right to that much; the note names both causes it cannot tell apart.
GUARD = ("np.exp(-(self.a1 @ self.W2 + self.b2)))", "np.exp(-(self.a1 @ self.W2 + self.b2)) + 1e-8)")


@pytest.mark.parametrize(
    "edits, status, code",
    [
        ([CAST_W], "pass", None),
        ([CAST_X], "pass", None),
        ([CAST_LOSS], "pass", None),
        ([CAST_W, AT_ACTIVATION], "fail", "derivative_at_activation"),
        ([CAST_LOSS, NO_MEAN], "fail", "missing_batch_mean"),
        ([CAST_LOSS, SMALL], "fail", "tensor_scale"),
        ([CAST_W, SMALL], "fail", "tensor_scale"),
        ([GUARD], "pass", None),
        ([GUARD, AT_ACTIVATION], "fail", "derivative_at_activation"),
    ],
    ids=[
        "cast-W",
        "cast-X",
        "float32-loss",
        "cast-W-tanh-at-activation",
        "float32-loss-no-mean",
        "float32-loss-x1.001",
        "cast-W-x1.001",
        "sigmoid-guard",
        "sigmoid-guard-tanh-at-activation",
    ],
)
def test_a_float32_cast_inside_a_method(tmp_path, edits, status, code):
    source = NET
    for old, new in edits:
        assert old in source
        source = source.replace(old, new)
    s = audit_source(tmp_path, "net.py", source)
    assert s["status"] == status, (s["status"], s["error"], [(t["name"], t["max_rel_error"]) for t in s["tensors"]])
    if code:
        assert s["diagnoses"][0]["code"] == code
    if GUARD in edits:
        assert any("a guard such as 1 / (1 + exp(-z) + 1e-8)" in n for n in s["notes"]), s["notes"]
    if code in ("derivative_at_activation", "tensor_scale"):  # layer 1's derivative: W2 and b2 stay right
        assert {t["name"] for t in s["tensors"] if t["status"] == "fail"} == {"W1", "b1"}


def test_only_a_matching_forward_off_by_float32_rounding_narrows_the_precision():
    out = np.full((4, 1), 0.5)
    near = ForwardCheck("match", 1.2e-8, "3-4-1 tanh|sigmoid", "")
    assert narrowed_forward(near, out, np.dtype(np.float64))
    exact = ForwardCheck("match", 5.6e-17, "3-4-1 tanh|sigmoid", "")
    assert narrowed_forward(exact, out, np.dtype(np.float64)) is None  # float64 arithmetic: a few ulps
    assert narrowed_forward(near, out, np.dtype(np.float32)) is None  # already judged to float32
    far = ForwardCheck("mismatch", 0.3, "3-4-1 tanh|sigmoid", "")
    assert narrowed_forward(far, out, np.dtype(np.float64)) is None
